"""Fail closed, for every check: a failed probe never reads as "nothing found".

For every registered check and every probe it declares, the probe's result (with the probes
that collect the same fact another way: its `alternatives`) is replaced by a failure: a
random non-zero exit, a signal, random stderr, partial or random stdout, a timeout, output
cut at the size limit, or the probe missing from the capture. Whenever the check read one
of the failed probes, its worst finding must be `unknown` (or a `blocker`/`warning` that
other evidence proves), never `pass` or `info`.
"""

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments.checks import REGISTRY
from assessments.checks.base import Check, Severity
from assessments.facts import Destination, Facts, ProbeOutput
from assessments.lab.profiles import profiles
from assessments.probes import probes_for
from assessments.probes.outcomes import State, judge

WORST_FIRST = [Severity.BLOCKER, Severity.UNKNOWN, Severity.WARNING, Severity.INFO, Severity.PASS]
DESTINATIONS = {
    "linux": Destination("node", "linux", free_bytes=10 * 2**40),
    "windows": Destination("node", "windows", "2008r2", "x64", free_bytes=10 * 2**40),
}
ERRORS = [
    "Cannot open master raw device '/dev/rawctl' (No such file or directory)",
    "Segmentation fault (core dumped)",
    "ERROR: Description = Invalid namespace",
    "error while loading shared libraries: libfoo.so.1",
    "Input/output error",
    "[SC] OpenSCManager FAILED 1722:",
    "",
]


def bases(family: str) -> list[tuple[str, Mapping[str, ProbeOutput]]]:
    """The lab's captures of this family, built from the real samples."""
    return [(p.name, p.probes) for p in profiles().values() if p.os_family == family]


def failed_together(check: Check, probe: str) -> list[str]:
    """The probe and, transitively, the probes declared as its alternatives (by the probes
    themselves, or by the check)."""
    known = probes_for(check.os_family)
    group: list[str] = []
    todo = [probe]
    while todo:
        current = todo.pop()
        if current in group:
            continue
        group.append(current)
        todo.extend(known[current].alternatives if current in known else ())
        todo.extend(p for same in check.alternatives if current in same for p in same)
    return [p for p in group if p in check.probes]


def worst(check: Check, facts: Facts) -> Severity:
    found = {finding.severity for finding in check.evaluate(facts)}
    return next(severity for severity in WORST_FIRST if severity in found)


@st.composite
def failures(draw: st.DrawFn, original: ProbeOutput | None) -> ProbeOutput | None:
    kind = draw(st.sampled_from(["exit", "signal", "timeout", "truncated", "missing"]))
    if kind == "missing":
        return None
    data = original.stdout if original is not None else b""
    stdout = draw(st.sampled_from([data, b"", data[: len(data) // 2], b"garbage\x00\xff line\n"]))
    stderr = draw(st.one_of(st.sampled_from(ERRORS), st.text(max_size=80))).encode()
    if kind == "timeout":
        return ProbeOutput(stdout, stderr + b"\np2c: timed out after 30s\n", 124, truncated=True)
    if kind == "truncated":
        return ProbeOutput(stdout, stderr, draw(st.sampled_from([0, None, 1])), truncated=True)
    if kind == "signal":
        return ProbeOutput(stdout, stderr, draw(st.sampled_from([130, 137, 139, 141, 143])))
    rc = draw(st.one_of(st.integers(1, 255), st.sampled_from([1060, 9009, 44210, -1])))
    return ProbeOutput(stdout, stderr, rc)


CASES = [
    (check_id, probe) for check_id, check in sorted(REGISTRY.items()) for probe in check.probes
]
EXTRAS = [
    (check_id, probe) for check_id, check in sorted(REGISTRY.items()) for probe in check.extras
]


def fail(draw: st.DrawFn, family: str, probes: dict[str, ProbeOutput], failing: str) -> None:
    """Replace one probe by a failure (or remove it from the capture)."""
    failure = draw(failures(probes.get(failing)), label=failing)
    if failure is None:
        probes.pop(failing, None)
        return
    assume(judge(probes_for(family).get(failing), failure, failing).state == State.FAILED)
    probes[failing] = failure


@pytest.mark.parametrize(("check_id", "probe"), CASES, ids=[f"{c}:{p}" for c, p in CASES])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_failed_probe_never_lets_a_check_pass(check_id, probe, data):
    check = REGISTRY[check_id]
    name, base = data.draw(st.sampled_from(bases(check.os_family)), label="base capture")
    destination = data.draw(st.sampled_from([None, DESTINATIONS[check.os_family]]))
    group = failed_together(check, probe)
    probes = dict(base)
    for failing in group:
        fail(data.draw, check.os_family, probes, failing)
    facts = Facts(check.os_family, probes, hostname=name, destination=destination)
    severity = worst(check, facts)
    if set(group) & set(facts.read):
        assert severity not in (Severity.PASS, Severity.INFO), (
            f"{check_id} said {severity} on {name} although {group} failed: "
            + "; ".join(f.title for f in check.evaluate(Facts(check.os_family, probes)))
        )


@pytest.mark.parametrize(("check_id", "probe"), EXTRAS, ids=[f"{c}:{p}" for c, p in EXTRAS])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_failed_extra_probe_never_changes_the_severity(check_id, probe, data):
    check = REGISTRY[check_id]
    name, base = data.draw(st.sampled_from(bases(check.os_family)), label="base capture")
    before = worst(check, Facts(check.os_family, dict(base), hostname=name))
    probes = dict(base)
    fail(data.draw, check.os_family, probes, probe)
    assert worst(check, Facts(check.os_family, probes, hostname=name)) == before


@pytest.mark.parametrize("check_id", sorted(REGISTRY))
def test_every_check_reads_only_the_probes_it_declares(check_id):
    check = REGISTRY[check_id]
    for name, base in bases(check.os_family):
        facts = Facts(check.os_family, dict(base), hostname=name)
        check.evaluate(facts)
        undeclared = set(facts.read) - set(check.probes) - set(check.extras)
        assert not undeclared, f"{check_id} read {sorted(undeclared)} on {name}"


@pytest.mark.parametrize("check_id", sorted(REGISTRY))
def test_every_declared_probe_exists(check_id):
    check = REGISTRY[check_id]
    known = set(probes_for(check.os_family))
    assert set(check.probes) | set(check.extras) <= known, check_id
    for same in check.alternatives:
        assert set(same) <= set(check.probes), check_id
