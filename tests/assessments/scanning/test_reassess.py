"""Re-assessment batches: stored captures judged again into new HostScans, failures harmless."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import jobs
from assessments.checks import REGISTRY
from assessments.checks.base import Severity
from assessments.choices import ScanTrigger
from assessments.managers import MAX_ATTEMPTS
from assessments.models import Capture, HostScan, Scan, Waiver
from assessments.scanning import reassess
from assessments.scanning.scans import recover_lost, start_scan
from fleet.models import Host, TargetNode
from tests.assessments.scan_helpers import captured_host, make_host, use_ruleset

pytestmark = pytest.mark.django_db

NEW_RULESET = "2099.1.1"


@pytest.fixture(autouse=True)
def inline(settings):
    settings.SCAN_CONCURRENCY = 1


def reassess_now(*names: str) -> Scan:
    """A re-assessment of these hosts (all when none), its batch run here."""
    selection = {"hosts": list(names)} if names else {"all": True}
    scan = start_scan(selection, trigger=ScanTrigger.REASSESS)
    jobs.scan_batch(scan.pk, list(scan.host_scans.values_list("pk", flat=True)))
    scan.refresh_from_db()
    return scan


def latest(host: Host) -> HostScan:
    host.refresh_from_db()
    assert host.latest_scan is not None
    return host.latest_scan


@pytest.fixture
def upgrade(monkeypatch):
    """Call it to install the next ruleset, where the SELinux check blocks every host."""

    def install() -> None:
        check = REGISTRY["selinux.mode"]
        blocker = check.finding(Severity.BLOCKER, "SELinux blocks now", "$ sestatus", "Fix.")
        monkeypatch.setattr(check, "evaluate", lambda facts: [blocker])
        use_ruleset(monkeypatch, NEW_RULESET)

    return install


def test_it_judges_the_latest_capture_into_a_new_host_scan():
    host = captured_host("deb6")
    before = latest(host)
    scan = reassess_now("deb6")
    after = latest(host)
    assert (scan.status, scan.trigger) == ("finished", "reassess")
    assert after.pk != before.pk and after.scan_id == scan.pk
    assert (after.status, after.reassessed_from_id, after.transport) == (
        "done",
        before.pk,
        "capture",
    )


def test_it_stores_the_same_capture_bytes_hostname_and_collection_time():
    host = captured_host("deb6")
    original = latest(host).capture
    copy = Capture.objects.get(host_scan__scan=reassess_now("deb6"))
    assert bytes(copy.data) == bytes(original.data)
    assert (copy.hostname, copy.collected, copy.size) == (
        original.hostname,
        original.collected,
        original.size,
    )


def test_it_copies_a_capture_it_would_not_have_written_itself_byte_for_byte():
    from tests.builders import make_scan_result

    host = make_host("old")
    hs = make_scan_result(host, [], capture={"uname": b"Linux old 2.6.18 i686\n"})
    copy = Capture.objects.get(host_scan__scan=reassess_now("old"))
    assert bytes(copy.data) == bytes(hs.capture.data)
    assert copy.collected is None


def test_it_stamps_the_current_ruleset_and_the_verdict_it_gives(upgrade):
    host = captured_host("deb6")
    assert latest(host).verdict == "unknown"
    upgrade()
    scan = reassess_now("deb6")
    after = latest(host)
    assert (scan.ruleset, after.ruleset, after.verdict) == (NEW_RULESET, NEW_RULESET, "not_ready")
    assert after.findings.get(check_id="selinux.mode").severity == "blocker"
    assert host.verdict == "not_ready"


def test_it_applies_the_waivers_in_force(upgrade):
    host = captured_host("deb6")
    upgrade()
    Waiver.objects.create(
        host=host, restriction="selinux", check_id="selinux.mode", reason="off", owner="ops"
    )
    reassess_now("deb6")
    after = latest(host)
    assert after.findings.get(check_id="selinux.mode").waived
    assert after.verdict == "unknown"


def test_it_judges_against_the_hosts_current_destination():
    host = captured_host("w2003", capture="windows-2003", os_family="windows")
    assert latest(host).findings.get(check_id="os_version.generation").severity == "info"
    host.target = TargetNode.objects.create(
        name="vz-2008", os_family="windows", windows_version="2008", architecture="x86"
    )
    host.save()
    reassess_now("w2003")
    assert latest(host).findings.get(check_id="os_version.generation").severity == "blocker"


def test_it_takes_the_capture_of_the_most_recent_finished_scan():
    host = captured_host("deb6")
    first = latest(host)
    reassess_now("deb6")
    second = latest(host)
    reassess_now("deb6")
    assert latest(host).reassessed_from_id == second.pk != first.pk


def test_it_fails_a_host_without_a_capture_and_keeps_its_verdict():
    from tests.builders import make_scan_result

    host = make_host("bare")
    kept = make_scan_result(host, [("raw_devices", "raw_devices.bindings", "blocker")])
    scan = reassess_now("bare")
    failed = scan.host_scans.get()
    assert (failed.status, failed.error_class, failed.verdict) == (
        "failed",
        "no_capture",
        "unknown",
    )
    assert "no stored capture" in failed.error_detail
    host.refresh_from_db()
    assert (host.latest_scan_id, host.verdict) == (kept.pk, "not_ready")


def test_a_host_unreachable_since_keeps_its_failed_latest_scan(upgrade):
    from tests.builders import make_scan_result

    host = captured_host("deb6")
    failed = make_scan_result(host, status="failed", verdict="unknown", error_class="timeout")
    upgrade()
    scan = reassess_now("deb6")
    judged = scan.host_scans.get()
    assert (judged.status, judged.ruleset) == ("done", NEW_RULESET)
    host.refresh_from_db()
    assert (host.latest_scan_id, host.verdict) == (failed.pk, "unknown")


def test_it_fails_a_corrupt_capture_with_the_reason_and_keeps_the_latest_result():
    host = captured_host("deb6")
    before = latest(host)
    Capture.objects.filter(host_scan=before).update(data=b"not a tar at all")
    failed = reassess_now("deb6").host_scans.get()
    assert (failed.status, failed.error_class, failed.reassessed_from_id) == (
        "failed",
        "no_capture",
        before.pk,
    )
    assert "cannot be read: not a capture" in failed.error_detail
    assert (latest(host).pk, host.verdict) == (before.pk, before.verdict)


def test_it_keeps_the_latest_result_when_judging_crashes(monkeypatch):
    host = captured_host("deb6")
    before = latest(host)

    def crash(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("assessments.scanning.results.assess", crash)
    failed = reassess_now("deb6").host_scans.get()
    assert (failed.status, failed.error_class) == ("failed", "internal")
    assert latest(host).pk == before.pk


def test_a_lost_worker_leaves_the_hosts_latest_result_alone():
    host = captured_host("deb6")
    before = latest(host)
    scan = start_scan({"hosts": ["deb6"]}, trigger=ScanTrigger.REASSESS)
    long_ago = timezone.now() - timedelta(hours=1)
    scan.host_scans.update(
        status="running", worker="dead", heartbeat=long_ago, attempts=MAX_ATTEMPTS
    )
    assert recover_lost(scan, orphans=False)["failed"] == 1
    assert scan.host_scans.get().error_class == "lost"
    assert latest(host).pk == before.pk


def test_it_keeps_the_date_the_host_was_last_scanned():
    host = captured_host("deb6")
    scanned = host.last_scanned
    assert scanned is not None
    reassess_now("deb6")
    host.refresh_from_db()
    assert host.latest_scan.scan.trigger == "reassess"
    assert host.last_scanned == scanned


def test_it_skips_disabled_hosts():
    captured_host("deb6")
    off = captured_host("off")
    Host.objects.filter(pk=off.pk).update(enabled=False)
    scan = reassess_now()
    assert [hs.host.name for hs in scan.host_scans.all()] == ["deb6"]


def test_it_does_not_judge_a_host_another_worker_claimed():
    host = captured_host("deb6")
    captured_host("other")
    scan = start_scan({"all": True}, trigger=ScanTrigger.REASSESS)
    scan.host_scans.filter(host=host).update(status="running", worker="other-worker")
    ids = list(scan.host_scans.values_list("pk", flat=True))
    assert jobs.scan_batch(scan.pk, ids) == {"done": 1, "failed": 0, "skipped": 1}
    assert scan.host_scans.get(host=host).reassessed_from_id is None
    assert latest(host).scan.trigger == "capture"


def test_latest_capture_is_none_for_a_host_never_scanned():
    assert reassess.latest_capture(make_host("new").pk) is None
