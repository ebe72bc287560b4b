import datetime

import pytest
from django.utils import timezone

from assessments.models import Finding, WaiverEvent
from assessments.scanning.waivers import (
    WaiverError,
    create_waiver,
    edit_waiver,
    expire_waivers,
    revoke_waiver,
)
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

BLOCKED = [("selinux", "selinux.enforcing", "blocker"), ("quotas", "quotas.on", "warning")]


@pytest.fixture
def host():
    host = make_host(name="blocked")
    make_scan_result(host, BLOCKED)
    return host


def waive(host, user=None, **extra):
    values = {"reason": "accepted risk", "owner": "ops"} | extra
    return create_waiver(host, "selinux.enforcing", "selinux", user=user, **values)


def test_a_waived_blocker_no_longer_makes_the_host_not_ready(host, operator):
    assert host.verdict == "not_ready"
    waive(host, operator)
    host.refresh_from_db()
    assert host.verdict == "waived"


def test_a_waiver_never_changes_the_verdict_a_past_scan_was_judged_with(host):
    judged = host.latest_scan
    waive(host)
    judged.refresh_from_db()
    assert judged.verdict == "not_ready"


def test_a_revoked_waiver_never_changes_the_verdict_a_past_scan_was_judged_with(host):
    waiver = waive(host)
    rescan = make_scan_result(host, BLOCKED)
    revoke_waiver(waiver)
    rescan.refresh_from_db()
    host.refresh_from_db()
    assert (rescan.verdict, host.verdict) == ("waived", "not_ready")


def test_the_waived_finding_stays_visible_as_waived(host):
    waive(host)
    finding = Finding.objects.get(host_scan=host.latest_scan, check_id="selinux.enforcing")
    assert finding.severity == "blocker" and finding.waived


def test_a_waiver_survives_a_rescan_that_still_finds_the_problem(host):
    waive(host)
    make_scan_result(host, BLOCKED)
    host.refresh_from_db()
    assert host.verdict == host.latest_scan.verdict == "waived"
    assert Finding.objects.get(host_scan=host.latest_scan, check_id="selinux.enforcing").waived


def test_a_waiver_expires_on_its_date(host):
    waiver = waive(host, expires=timezone.localdate())
    assert expire_waivers(today=timezone.localdate()) == 0
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert expire_waivers(today=tomorrow) == 1
    waiver.refresh_from_db()
    assert not waiver.active
    assert waiver.events.filter(action="expired").count() == 1


def test_an_expired_waiver_makes_the_host_not_ready_again(host):
    waive(host, expires=timezone.localdate())
    make_day_pass = timezone.localdate() + datetime.timedelta(days=1)
    expire_waivers(today=make_day_pass)
    host.refresh_from_db()
    assert host.verdict == "not_ready"


def test_expiring_twice_records_one_event(host):
    waive(host, expires=timezone.localdate())
    later = timezone.localdate() + datetime.timedelta(days=3)
    expire_waivers(today=later)
    assert expire_waivers(today=later) == 0
    assert WaiverEvent.objects.filter(action="expired").count() == 1


def test_every_change_is_recorded_with_who_and_why(host, operator):
    waiver = waive(host, operator)
    edit_waiver(waiver, user=operator, why="new owner", owner="dba")
    revoke_waiver(waiver, user=operator, why="fixed")
    events = list(waiver.events.order_by("created", "pk"))
    assert [e.action for e in events] == ["created", "edited", "revoked"]
    assert all(e.user == operator for e in events)
    assert events[1].changes == {"owner": ["ops", "dba"]} and events[1].reason == "new owner"
    assert events[2].reason == "fixed"


def test_revoking_makes_the_blocker_count_again(host):
    waiver = waive(host)
    revoke_waiver(waiver)
    host.refresh_from_db()
    assert host.verdict == "not_ready"


def test_it_refuses_a_second_waiver_of_the_same_check(host):
    waive(host)
    with pytest.raises(WaiverError):
        waive(host)


def test_it_refuses_an_expiry_in_the_past(host):
    with pytest.raises(WaiverError):
        waive(host, expires=timezone.localdate() - datetime.timedelta(days=1))


def test_an_edit_without_changes_records_nothing(host):
    waiver = waive(host)
    edit_waiver(waiver, owner="ops", reason="accepted risk")
    assert waiver.events.count() == 1
