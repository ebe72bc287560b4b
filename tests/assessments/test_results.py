"""Saving one host's outcome: capture, findings, verdict, ownership, latest result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.captures import read_capture_bytes
from assessments.lib import results
from assessments.lib.scans import start_scan
from assessments.models import Capture, HostScan, Waiver
from tests.assessments.scan_helpers import linux_result, make_host

pytestmark = pytest.mark.django_db


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
