"""The rules on the assessment models' managers, each held to the plain ORM rule it stands for."""

import datetime

import pytest
from django.db.models import Q

from assessments.models import HostScan, Scan, Waiver
from assessments.scanning.scans import start_scan
from tests.builders import make_host

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def waivers_in_force_by_the_orm(host_id: int, day: datetime.date) -> set[str]:
    in_force = Waiver.objects.filter(host_id=host_id, active=True).filter(
        Q(expires=None) | Q(expires__gte=day)
    )
    return set(in_force.values_list("check_id", flat=True))


@pytest.mark.parametrize("day", [TODAY - 2 * DAY, TODAY - DAY, TODAY, TODAY + DAY])
def test_waivers_in_force_agree_with_the_orm_rule_across_expiry_dates(
    day, django_assert_num_queries
):
    host, other = make_host(), make_host()
    expiries = {"never": None, "yesterday": TODAY - DAY, "today": TODAY, "later": TODAY + DAY}
    for check_id, expires in expiries.items():
        Waiver.objects.create(host=host, check_id=check_id, expires=expires, reason="r", owner="o")
        Waiver.objects.create(
            host=host, check_id=f"{check_id}.revoked", expires=expires, active=False
        )
    Waiver.objects.create(host=other, check_id="elsewhere", reason="r", owner="o")
    with django_assert_num_queries(1):
        in_force = Waiver.objects.in_force(host.pk, day)
    assert in_force == waivers_in_force_by_the_orm(host.pk, day)
    assert "never" in in_force and not {"elsewhere", "never.revoked"} & in_force


def test_a_waiver_counts_through_its_expiry_date():
    host = make_host()
    Waiver.objects.create(host=host, check_id="c", expires=TODAY, reason="r", owner="o")
    assert Waiver.objects.in_force(host.pk, TODAY) == {"c"}
    assert Waiver.objects.in_force(host.pk, TODAY + DAY) == set()


def queued_scan(hosts: int = 1) -> Scan:
    for _ in range(hosts):
        make_host()
    return start_scan({"all": True})


def test_a_claim_takes_a_queued_host_once_and_says_the_attempt(django_assert_num_queries):
    hs = queued_scan().host_scans.get()
    with django_assert_num_queries(1):
        assert HostScan.objects.claim(hs.pk, "w1") == 1
    assert HostScan.objects.claim(hs.pk, "w2") is None
    hs.refresh_from_db()
    assert (hs.status, hs.worker, hs.attempts) == ("running", "w1", 1)
    assert hs.started == hs.heartbeat and hs.started is not None


def test_a_host_queued_again_is_claimed_as_its_next_attempt():
    hs = queued_scan().host_scans.get()
    HostScan.objects.filter(pk=hs.pk).update(attempts=2)
    assert HostScan.objects.claim(hs.pk, "w1") == 3


def test_a_cancelled_host_is_never_claimed():
    scan = queued_scan()
    scan.cancel()
    assert HostScan.objects.claim(scan.host_scans.get().pk, "w1") is None


def test_a_scan_starts_once():
    scan = queued_scan()
    assert scan.mark_started() and scan.status == "running"
    first = Scan.objects.get(pk=scan.pk).started
    assert not Scan.objects.get(pk=scan.pk).mark_started()
    assert Scan.objects.get(pk=scan.pk).started == first


def test_a_scan_finishes_once_no_host_is_left():
    scan = queued_scan(hosts=2)
    HostScan.objects.filter(pk=scan.host_scans.first().pk).update(status="done")
    assert not scan.finish_if_complete()
    HostScan.objects.filter(scan=scan).update(status="done")
    assert scan.finish_if_complete() and scan.status == "finished"
    assert not Scan.objects.get(pk=scan.pk).finish_if_complete()


def test_findings_store_the_engines_severities_under_their_words():
    from assessments.models import Finding

    assert Finding._meta.get_field("severity").choices == [
        ("blocker", "Blocker"),
        ("warning", "Warning"),
        ("info", "Info"),
        ("pass", "Pass"),
        ("unknown", "Unknown"),
    ]


def test_the_models_need_no_migration_they_do_not_have():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
