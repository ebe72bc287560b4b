"""Saving one host's outcome: capture, findings, verdict, ownership, latest result."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.captures import read_capture_bytes
from assessments.checks.base import RULESET_VERSION
from assessments.engine import assess
from assessments.facts import Facts
from assessments.models import Capture, HostScan, Waiver
from assessments.scanning import results
from assessments.scanning.scans import start_scan
from tests.assessments.scan_helpers import RAW_BOUND, linux_result, make_host

pytestmark = pytest.mark.django_db
RAW_CHECK = "raw_devices.bindings"


def running(name: str = "web1", owner: str = "w1", **host_fields) -> HostScan:
    if not HostScan.objects.filter(host__name=name).exists():
        make_host(name, **host_fields)
    scan = start_scan({"hosts": [name]})
    hs = scan.host_scans.get()
    HostScan.objects.filter(pk=hs.pk).update(status="running", worker=owner)
    return hs


def test_it_stores_the_capture_findings_and_verdict():
    hs = running()
    assert results.save_result(hs.pk, linux_result("web1.example"), owner="w1")
    hs.refresh_from_db()
    assert (hs.status, hs.verdict, hs.transport) == ("done", "not_ready", "ssh")
    capture = read_capture_bytes(Capture.objects.get(host_scan=hs).data)
    assert capture.probes["raw"].stdout.startswith(b"/dev/raw/raw1")
    assert capture.hostname == "web1.example"
    assert hs.findings.filter(severity="blocker", restriction="raw_devices").exists()
    assert (hs.host.verdict, hs.host.latest_scan) == ("not_ready", hs)


def test_it_learns_the_os_family_of_a_host():
    hs = running(os_family="unknown")
    results.save_result(hs.pk, linux_result(), owner="w1")
    hs.host.refresh_from_db()
    assert hs.host.os_family == "linux"


def test_it_refuses_a_result_from_a_worker_that_no_longer_owns_the_host():
    hs = running(owner="w2")
    assert not results.save_result(hs.pk, linux_result(), owner="w1")
    assert not results.save_failure(hs.pk, "timeout", "late", owner="w1")
    assert not Capture.objects.exists()


def test_it_makes_a_failed_host_unknown():
    hs = running()
    assert results.save_failure(hs.pk, "auth_failed", "password rejected", owner="w1")
    hs.refresh_from_db()
    assert (hs.status, hs.error_class, hs.verdict) == ("failed", "auth_failed", "unknown")
    assert hs.host.verdict == "unknown"


def test_it_keeps_a_newer_result_as_latest_when_an_older_scan_finishes_late():
    older = running()
    newer = running()
    results.save_result(newer.pk, linux_result(), owner="w1")
    HostScan.objects.filter(pk=newer.pk).update(finished=timezone.now() + timedelta(minutes=5))
    results.save_failure(older.pk, "timeout", "slow", owner="w1")
    older.host.refresh_from_db()
    assert older.host.latest_scan_id == newer.pk
    assert older.host.verdict == "not_ready"


def test_it_applies_waivers_in_force_to_a_new_result():
    first = running()
    results.save_result(first.pk, linux_result(), owner="w1")
    blocker = first.findings.get(severity="blocker")
    Waiver.objects.create(
        host=first.host,
        restriction=blocker.restriction,
        check_id=blocker.check_id,
        reason="raw devices moved to files before migration",
        owner="dba team",
    )
    again = running()
    results.save_result(again.pk, linux_result(), owner="w1")
    again.refresh_from_db()
    assert again.findings.get(severity="blocker").waived
    assert again.verdict != "not_ready"
    assert again.host.verdict == again.verdict


def test_it_stores_dates_and_bytes_as_the_orm_reads_them_back():
    hs = running()
    when = timezone.now() - timedelta(hours=1)
    result = linux_result("web1.example")
    result.notes = ["slow", "partial"]
    assert results.save_result(hs.pk, result, owner="w1", collected_at=when)
    hs.refresh_from_db()
    capture = Capture.objects.get(host_scan=hs)
    assert (capture.collected, capture.size) == (when, len(capture.data))
    assert capture.created >= hs.finished > when
    assert (hs.error_detail, hs.algorithms, hs.ruleset) == (
        "slow; partial",
        "kex=test",
        RULESET_VERSION,
    )
    assert hs.host.last_scanned == hs.finished


def test_it_stores_every_finding_with_its_host_and_scan():
    hs = running()
    results.save_result(hs.pk, linux_result(), owner="w1")
    expected = assess(Facts(os_family="linux", probes=linux_result().probes, hostname="web1"))
    stored = hs.findings.order_by("check_id")
    assert [(f.check_id, f.severity, f.title, f.evidence, f.waived) for f in stored] == sorted(
        (f.check, str(f.severity), f.title, f.evidence, False) for f in expected.findings
    )
    assert {(f.host_id, f.host_scan_id) for f in stored} == {(hs.host_id, hs.pk)}


def test_it_inserts_many_findings_in_several_statements(monkeypatch):
    monkeypatch.setattr("assessments.scanning.result_sql.FINDINGS_PER_INSERT", 2)
    hs = running()
    results.save_result(hs.pk, linux_result(), owner="w1")
    expected = assess(Facts(os_family="linux", probes=linux_result().probes, hostname="web1"))
    assert hs.findings.count() == len(expected.findings) > 2


def test_it_keeps_a_newer_result_as_latest_when_an_older_result_is_saved_late():
    older = running()
    newer = running()
    results.save_result(newer.pk, linux_result(raw=b""), owner="w1")
    HostScan.objects.filter(pk=newer.pk).update(finished=timezone.now() + timedelta(minutes=5))
    assert results.save_result(older.pk, linux_result(), owner="w1")
    older.host.refresh_from_db()
    newer.refresh_from_db()
    assert newer.verdict != "not_ready"  # what the older, raw-bound result says
    assert (older.host.latest_scan_id, older.host.verdict) == (newer.pk, newer.verdict)


@pytest.mark.parametrize(
    ("active", "expires_in_days", "waived"),
    [(True, None, True), (True, 0, True), (True, -1, False), (False, None, False)],
)
def test_it_applies_only_waivers_in_force(active, expires_in_days, waived):
    hs = running()
    expires = None if expires_in_days is None else timezone.localdate() + timedelta(expires_in_days)
    Waiver.objects.create(
        host=hs.host,
        restriction="raw_devices",
        check_id=RAW_CHECK,
        reason="moved to files",
        owner="dba team",
        expires=expires,
        active=active,
    )
    results.save_result(hs.pk, linux_result(), owner="w1")
    assert hs.findings.get(check_id=RAW_CHECK).waived is waived


def test_the_checks_see_the_destination_nodes_platform():
    from fleet.models import TargetNode

    node = TargetNode.objects.create(name="vz7-1", platform="vz7", free_bytes=2**40)
    host = make_host("web9", target=node)
    destination = results.destination_of(host)
    assert destination is not None
    assert (destination.name, destination.platform) == ("vz7-1", "vz7")


def test_it_stores_the_platform_the_checks_judged():
    from assessments.collectors.base import CollectResult
    from assessments.lab.profiles import profiles

    profile = profiles()["windows_2008r2_clean"]
    hs = running("win1", os_family="windows")
    result = CollectResult(os_family="windows", probes=dict(profile.probes), transport="winrm")
    assert results.save_result(hs.pk, result, owner="w1")
    hs.refresh_from_db()
    assert hs.platform_stored and hs.os_name == "Microsoft Windows Server 2008 R2 Standard"
    assert (hs.os_version, hs.windows_generation, hs.architecture) == ("6.1.7601", "2008r2", "x64")
    assert hs.data_bytes == 21474832384 - 12884897792  # C: as wmic volume lists it


def test_an_unknown_data_size_is_stored_as_null_not_zero():
    hs = running()
    assert not hs.platform_stored
    results.save_result(hs.pk, linux_result(), owner="w1")  # no df collected
    hs.refresh_from_db()
    assert hs.platform_stored and hs.data_bytes is None and hs.os_name == ""


def test_the_platform_is_written_by_the_one_update_of_the_result():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hs = running()
    with CaptureQueriesContext(connection) as captured:
        results.save_result(hs.pk, linux_result(), owner="w1")
    statements = [q["sql"].strip() for q in captured.captured_queries]
    assert sum(sql.startswith("UPDATE assessments_hostscan") for sql in statements) == 1


HOSTILE = "web1\x00\udcff"  # a NUL and an undecodable byte (surrogateescape)


def test_a_nul_byte_from_a_host_is_stored_as_data_and_kept_raw_in_the_capture(monkeypatch):
    # PostgreSQL refuses NUL in text columns (DataError); the bytes are data, not a crash.
    def quoting_assess(facts, disabled):  # a check that quotes a probe's line verbatim
        assessment = assess(facts, disabled)
        quoted = replace(assessment.findings[0], title="raw: \x00", evidence="line \x00 \udcff")
        return replace(assessment, findings=[*assessment.findings, quoted])

    monkeypatch.setattr(results, "assess", quoting_assess)
    hs = running()
    result = linux_result(HOSTILE, raw=RAW_BOUND + b"\x00\xff\n")
    result.notes = ["the host said \x00"]
    result.algorithms = "kex=\x00"
    assert results.save_result(hs.pk, result, owner="w1")
    hs.refresh_from_db()
    assert (hs.status, hs.verdict) == ("done", "not_ready")
    assert hs.error_detail == "the host said \ufffd"
    assert hs.algorithms == "kex=\ufffd"
    stored = Capture.objects.get(host_scan=hs)
    assert stored.hostname == "web1\ufffd\ufffd"
    quoted = hs.findings.get(title="raw: \ufffd")
    assert quoted.evidence == "line \ufffd \ufffd"
    capture = read_capture_bytes(stored.data)
    assert capture.probes["raw"].stdout == RAW_BOUND + b"\x00\xff\n"  # raw, as it came


def test_a_nul_byte_in_an_error_detail_is_stored_as_data():
    hs = running()
    assert results.save_failure(hs.pk, "protocol_error", "banner: " + HOSTILE, owner="w1")
    hs.refresh_from_db()
    assert (hs.status, hs.error_detail) == ("failed", "banner: web1\ufffd\ufffd")
    other = running()
    assert results.save_cancelled(other.pk, "said " + HOSTILE, owner="w1")
    other.refresh_from_db()
    assert other.error_detail == "said web1\ufffd\ufffd"
