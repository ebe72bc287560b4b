"""Builders for scan tests: hosts, a scriptable fake collector, results."""

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assessments import collectors
from assessments.collectors.base import CollectError, CollectResult
from assessments.collectors.target import Target
from assessments.facts import ProbeOutput
from fleet.models import Host, HostGroup

RAW_BOUND = b"/dev/raw/raw1:  bound to major 8, minor 16\n"


def make_host(name: str = "web1", groups: tuple[str, ...] = (), **overrides) -> Host:
    fields = {"address": "192.0.2.10", "os_family": "linux"}
    fields.update(overrides)
    host = Host.objects.create(name=name, **fields)
    for group in groups:
        host.groups.add(HostGroup.objects.get_or_create(name=group)[0])
    return host


def linux_result(hostname: str = "", raw: bytes = RAW_BOUND) -> CollectResult:
    """A Linux host with a raw device binding: its verdict is not_ready."""
    return CollectResult(
        os_family="linux",
        probes={"raw": ProbeOutput(stdout=raw, rc=0)},
        transport="ssh",
        algorithms="kex=test",
        hostname=hostname,
    )


Behaviour = CollectResult | CollectError | Callable[[Target], CollectResult]


class FakeCollector:
    """Answers per host name: a result, an error to raise, or a function of the target.

    A list of behaviours is consumed one per call (for retries)."""

    def __init__(self) -> None:
        self.plan: dict[str, list[Behaviour]] = {}
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.default: Behaviour = lambda host: linux_result(host.name)

    def on(self, name: str, *behaviours: Behaviour) -> "FakeCollector":
        self.plan[name] = list(behaviours)
        return self

    def __call__(self, target: Target, host_keys: object) -> CollectResult:
        with self.lock:
            self.calls.append(target.name)
            queue = self.plan.get(target.name) or [self.default]
            behaviour = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(behaviour, CollectError):
            raise behaviour
        if isinstance(behaviour, CollectResult):
            return behaviour
        return behaviour(target)


def slow(seconds: float) -> Callable[[Target], CollectResult]:
    def answer(target: Target) -> CollectResult:
        time.sleep(seconds)
        return linux_result(target.name)

    return answer


def install_fake_collector(monkeypatch) -> FakeCollector:
    """Replace the collector dispatcher (and the retry back-off) for one test."""
    fake = FakeCollector()
    monkeypatch.setattr(collectors, "collect", fake)
    monkeypatch.setattr("assessments.jobs.BACKOFF_BASE", 0.0)
    return fake


CAPTURES = Path(__file__).resolve().parents[1] / "captures"


def captured_host(name: str = "deb6", capture: str = "linux-debian6", **overrides) -> Host:
    """A host whose latest result is one of the capture fixtures of tests/captures."""
    from assessments.scanning.results import import_capture

    host = make_host(name, **overrides)
    import_capture(host, CAPTURES / capture)
    host.refresh_from_db()
    return host


def use_ruleset(monkeypatch, version: str) -> None:
    """Make `version` the current RULESET_VERSION in every module holding a copy of it."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("assessments") and hasattr(module, "RULESET_VERSION"):
            monkeypatch.setattr(module, "RULESET_VERSION", version)
