"""The scans pages' risky and recovery actions: "Scan all hosts" asks first; a scan page
lists failures first, filters by status, shows an ETA and retries its failed hosts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import HostScan, Scan
from tests.builders import make_host

pytestmark = pytest.mark.django_db


def test_scan_all_hosts_without_confirm_shows_the_count_and_starts_nothing(operator_client, fleet):
    make_host(name="off-1", enabled=False)
    before = Scan.objects.count()
    response = operator_client.post(reverse("scan-start"), {"all_hosts": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scan all hosts?" in page
    assert "3 enabled hosts" in page  # the disabled host is not counted
    assert 'name="confirm" value="1"' in page
    assert Scan.objects.count() == before


def test_scan_all_hosts_with_confirm_starts_the_scan(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-start"), {"all_hosts": "on", "confirm": "1"})
    scan = Scan.objects.latest("pk")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert scan.selection == {"all": True}
    assert scan.host_scans.count() == 3


def test_a_scan_of_some_hosts_needs_no_confirm(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-start"), {"hosts": "fleet-000"})
    assert response.status_code == 302
    assert Scan.objects.latest("pk").selection == {"hosts": ["fleet-000"]}


def test_a_viewer_cannot_scan_all_hosts_even_with_confirm(viewer_client, fleet):
    before = Scan.objects.count()
    for data in ({"all_hosts": "on"}, {"all_hosts": "on", "confirm": "1"}):
        assert viewer_client.post(reverse("scan-start"), data).status_code == 403
    assert Scan.objects.count() == before


def running_scan(statuses: dict[str, str], minutes_ago: float = 10) -> Scan:
    """A running scan started `minutes_ago`, one HostScan per {host name: status}."""
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    scan = Scan.objects.create(status="running", started=started)
    for name, status in statuses.items():
        HostScan.objects.create(scan=scan, host=make_host(name=name), status=status)
    return scan


def host_order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_the_scan_page_lists_failures_first(viewer_client, db):
    scan = running_scan({"a-ok": "done", "b-bad": "failed", "c-wait": "queued", "d-bad": "failed"})
    page = viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    names = ["a-ok", "b-bad", "c-wait", "d-bad"]
    assert host_order(page, [f">{n}</a>" for n in names]) == [
        ">b-bad</a>",
        ">d-bad</a>",
        ">c-wait</a>",
        ">a-ok</a>",
    ]


def test_the_scan_page_filters_by_status(viewer_client, db):
    scan = running_scan({"a-ok": "done", "b-bad": "failed", "c-wait": "queued"})
    url = reverse("scan-detail", args=[scan.pk])
    page = viewer_client.get(url, {"status": "failed"}).content.decode()
    assert ">b-bad</a>" in page
    assert ">a-ok</a>" not in page and ">c-wait</a>" not in page
    assert '<option value="failed" selected>' in page
    partial = viewer_client.get(reverse("scan-progress", args=[scan.pk]), {"status": "done"})
    assert ">a-ok</a>" in partial.content.decode()
    assert ">b-bad</a>" not in partial.content.decode()


def test_an_invalid_status_selects_nothing_and_says_so(viewer_client, db):
    scan = running_scan({"a-ok": "done", "b-bad": "failed"})
    response = viewer_client.get(reverse("scan-detail", args=[scan.pk]), {"status": "broken"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown status &#x27;broken&#x27;" in page
    assert ">a-ok</a>" not in page and ">b-bad</a>" not in page


def test_a_running_scan_shows_an_eta_from_its_rate(viewer_client, db):
    # 2 of 6 hosts finished in 10 minutes: 4 left at 5 min each is about 20 min.
    statuses = {"h1": "done", "h2": "failed", "h3": "running", "h4": "queued"}
    statuses |= {"h5": "queued", "h6": "queued"}
    scan = running_scan(statuses, minutes_ago=10)
    page = viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "about 20 min left" in page


def test_no_eta_before_a_host_finished_nor_after_the_scan(viewer_client, db):
    scan = running_scan({"h1": "running", "h2": "queued"})
    assert (
        "min left" not in viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    )
    Scan.objects.filter(pk=scan.pk).update(status="finished")
    HostScan.objects.filter(scan=scan).update(status="done")
    assert (
        "min left" not in viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    )


def test_retry_failed_hosts_scans_exactly_the_failed_hosts(
    operator_client, db, django_capture_on_commit_callbacks
):
    scan = running_scan({"a-ok": "done", "b-bad": "failed", "c-bad": "failed", "d-wait": "queued"})
    Scan.objects.filter(pk=scan.pk).update(status="finished")
    page = operator_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "Retry 2 failed hosts" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-retry-failed", args=[scan.pk]))
    retry = Scan.objects.exclude(pk=scan.pk).get()
    assert response.url == reverse("scan-detail", args=[retry.pk])
    assert retry.selection == {"hosts": ["b-bad", "c-bad"]}
    assert sorted(retry.host_scans.values_list("host__name", flat=True)) == ["b-bad", "c-bad"]
    assert retry.requested_by.username == "user-operator"


def test_retry_with_no_failed_host_starts_nothing(operator_client, db):
    scan = running_scan({"a-ok": "done"})
    response = operator_client.post(reverse("scan-retry-failed", args=[scan.pk]), follow=True)
    assert "No failed host" in response.content.decode()
    assert Scan.objects.count() == 1


def test_a_viewer_cannot_retry_failed_hosts_nor_sees_the_button(viewer_client, db):
    scan = running_scan({"b-bad": "failed"})
    page = viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "Retry" not in page
    assert viewer_client.post(reverse("scan-retry-failed", args=[scan.pk])).status_code == 403
    assert Scan.objects.count() == 1


def test_retry_refuses_more_failed_hosts_than_a_selection_names(operator_client, db, monkeypatch):
    from assessments.scanning import scans

    monkeypatch.setattr(scans, "MAX_NAMED", 1)
    scan = running_scan({"b-bad": "failed", "c-bad": "failed"})
    response = operator_client.post(reverse("scan-retry-failed", args=[scan.pk]), follow=True)
    assert "2 failed hosts, more than 1" in response.content.decode()
    assert Scan.objects.count() == 1
