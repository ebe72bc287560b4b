"""Benchmark: CPU and queries per host of the worker's per-host database work, in one thread.

Collects every host of a fleet lab (no latency) once, then, in rounds, times the two parts of
`Batch._scan_and_save` that do not touch the network: the reads before collecting
(`build_target` for every host, and for SSH hosts the pins the SSH collector looks up before
connecting; the HostScans with their hosts are read once per batch, as the batch does) and
`save_result` on the results collected. CPU is this process's
(`time.process_time`), so PostgreSQL's own work is not in it; queries are counted with
`CaptureQueriesContext`. Also prints the capture archive alone.

    .venv/bin/python bench/save_path.py [--hosts 200] [--rounds 3]

Defaults: DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_bench_save,
REDIS_URL=redis://127.0.0.1:6379/6 (its own database: it deletes every host and scan there).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/p2c_bench_save")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")

from bench import scanning

if TYPE_CHECKING:
    from assessments.collectors.base import CollectResult

OWNER = "bench-save"


def collect_all(hosts: int) -> dict[int, "CollectResult"]:
    """host id -> CollectResult, collected once from a lab without latency."""
    from assessments import collectors
    from assessments.lab.inventory import create_hosts, start_lab
    from assessments.scanning.targets import build_target

    results: dict[int, CollectResult] = {}
    with start_lab(hosts, latency_ms=0, seed=1, faults={}) as lab:
        for host in create_hosts(lab):
            host.refresh_from_db()
            try:
                results[host.pk] = collectors.collect(*build_target(host, 30))
            except collectors.CollectError as exc:
                print(f"  {host.name}: {exc} (left out)")
    return results


def running_scan(host_ids: list[int]) -> list[int]:
    """HostScan ids of a new scan, every one running and owned by OWNER."""
    from django.utils import timezone

    from assessments.models import HostScan, Scan

    now = timezone.now()
    scan = Scan.objects.create(selection={"bench": True}, status="running", started=now)
    rows = HostScan.objects.bulk_create(
        HostScan(scan=scan, host_id=pk, status="running", worker=OWNER, started=now)
        for pk in host_ids
    )
    return [row.pk for row in rows]


def measure(label: str, items: list[Any], work: Callable[[Any], object]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        for item in items:
            work(item)
        cpu = time.process_time() - started
    n = len(items)
    print(f"  {label:<34} {1000 * cpu / n:6.2f} ms/host  {len(queries) / n:5.2f} queries/host")
    TIMES.setdefault(label, []).append(1000 * cpu / n)


def one_round(collected: dict[int, "CollectResult"]) -> None:
    from assessments import captures
    from assessments.collectors.hostkeys import PinPolicy
    from assessments.models import HostScan
    from assessments.scanning.results import save_result
    from assessments.scanning.targets import build_target

    ids = running_scan(list(collected))

    loaded = HostScan.objects.select_related("host__credential", "host__target").in_bulk(ids)

    def reads(pk: int) -> None:
        target, host_keys = build_target(loaded[pk].host)
        if target.os_family == "linux":
            PinPolicy.look_up(target, host_keys)

    def save(pk: int) -> None:
        hs = loaded[pk]
        assert save_result(hs, collected[hs.host_id], owner=OWNER)

    def archive(result: "CollectResult") -> None:
        captures.capture_to_targz(result.os_family, result.hostname, result.probes)

    measure("reads (build_target, pins)", ids, reads)
    measure("save_result", ids, save)
    measure("  of which capture_to_targz", list(collected.values()), archive)


TIMES: dict[str, list[float]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scanning.setup_django()
    scanning.reset_inventory()
    collected = collect_all(args.hosts)
    print(f"{len(collected)} hosts collected; per host, one thread:")
    for number in range(args.rounds):
        print(f"round {number + 1}")
        one_round(collected)
    print("median over rounds:")
    for label, values in TIMES.items():
        print(f"  {label:<34} {statistics.median(values):6.2f} ms/host")


if __name__ == "__main__":
    main()
