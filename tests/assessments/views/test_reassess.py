"""Re-assessment in the web pages: starting one, who may, the overview's banner, diff labels."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.checks.base import RULESET_VERSION
from assessments.models import HostScan, Scan
from fleet.models import Host, HostGroup
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

BANNER = "judged by an older ruleset"


def judged_now(*hosts: Host) -> None:
    """These hosts' latest results were judged by the current ruleset."""
    HostScan.objects.filter(pk__in=[h.latest_scan_id for h in hosts]).update(
        ruleset=RULESET_VERSION
    )


def test_an_operator_starts_a_reassessment_from_the_scan_form(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    group = HostGroup.objects.get(name="web")
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-reassess"), {"groups": [group.pk]})
    scan = Scan.objects.get(trigger="reassess")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert (scan.trigger, scan.selection, scan.requested_by.username) == (
        "reassess",
        {"groups": ["web"]},
        "user-operator",
    )


def test_a_viewer_cannot_start_a_reassessment(viewer_client, fleet):
    assert viewer_client.post(reverse("scan-reassess"), {"all_hosts": "on"}).status_code == 403
    assert viewer_client.post(reverse("scan-reassess-outdated")).status_code == 403
    assert not Scan.objects.filter(trigger="reassess").exists()


def test_starting_a_reassessment_needs_a_post_with_a_csrf_token(operator, fleet):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    assert client.get(reverse("scan-reassess")).status_code == 405
    assert client.post(reverse("scan-reassess"), {"all_hosts": "on"}).status_code == 403
    assert client.post(reverse("scan-reassess-outdated")).status_code == 403
    assert not Scan.objects.filter(trigger="reassess").exists()


def test_the_scans_page_offers_reassessment_to_operators(operator_client):
    page = operator_client.get(reverse("scan-list")).content.decode()
    assert "Re-assess stored captures" in page
    assert f'formaction="{reverse("scan-reassess")}"' in page
    assert "csrfmiddlewaretoken" in page


def test_the_scans_page_hides_reassessment_from_viewers(viewer_client):
    page = viewer_client.get(reverse("scan-list")).content.decode()
    assert "Scans" in page and "Re-assess stored captures" not in page


def test_the_scan_page_of_a_reassessment_shows_its_trigger_and_progress(viewer_client, db):
    scan = Scan.objects.create(trigger="reassess", status="running", ruleset=RULESET_VERSION)
    HostScan.objects.create(scan=scan, host=make_host(name="a"), status="done")
    HostScan.objects.create(scan=scan, host=make_host(name="b"), status="queued")
    content = viewer_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert f"<h1>Re-assessment #{scan.pk}</h1>" in content
    assert "Re-assessment by" not in content and "Re-assessment, created" in content
    assert "1 done, 0 failed, 0 running, 1 queued" in content
    assert 'hx-trigger="every 2s"' in content


def test_the_overview_counts_hosts_judged_by_an_older_ruleset(viewer_client, fleet):
    judged_now(fleet[0])
    failed = make_host(name="failed")
    make_scan_result(failed, [], status="failed")
    off = make_host(name="off", enabled=False)
    make_scan_result(off, [])
    response = viewer_client.get(reverse("overview"))
    assert response.context["outdated"] == 2
    assert f"2 hosts were {BANNER}" in response.content.decode()


def test_the_overview_banner_follows_the_filters(viewer_client, fleet):
    response = viewer_client.get(reverse("overview"), {"q": "fleet-001"})
    assert f"1 host was {BANNER}" in response.content.decode()


def test_the_overview_has_no_banner_when_every_result_is_current(viewer_client, fleet):
    judged_now(*fleet)
    response = viewer_client.get(reverse("overview"))
    assert response.context["outdated"] == 0
    assert BANNER not in response.content.decode()


BANNER_ACTION = 'action="/scans/reassess-outdated/"'


def test_the_overview_banner_offers_its_button_to_operators(operator_client, fleet):
    page = operator_client.get(reverse("overview")).content.decode()
    assert BANNER in page and BANNER_ACTION in page


def test_the_overview_banner_hides_its_button_from_viewers(viewer_client, fleet):
    page = viewer_client.get(reverse("overview")).content.decode()
    assert BANNER in page and BANNER_ACTION not in page


def test_the_banner_button_reassesses_exactly_the_outdated_hosts(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    judged_now(fleet[1])
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("scan-reassess-outdated"))
    scan = Scan.objects.get(trigger="reassess")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert (scan.trigger, scan.selection) == ("reassess", {"hosts": ["fleet-000", "fleet-002"]})


def test_the_banner_button_keeps_to_the_overview_filters(
    operator_client, fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        operator_client.post(reverse("scan-reassess-outdated"), {"q": "fleet-002"})
    assert Scan.objects.get(trigger="reassess").selection == {"hosts": ["fleet-002"]}


def test_the_banner_button_starts_nothing_when_every_result_is_current(operator_client, fleet):
    judged_now(*fleet)
    response = operator_client.post(reverse("scan-reassess-outdated"), {"q": "fleet"})
    assert response.url == reverse("overview") + "?q=fleet"
    assert not Scan.objects.filter(trigger="reassess").exists()


# -- the host page's difference between scans --------------------------------------------------


def two_results(*, old_ruleset: str, new_ruleset: str, capture: bytes | None = None):
    """A host judged twice (a blocker appears); `capture` stored with both when given."""
    host = make_host(name="diffy")
    files = {"uname": capture} if capture is not None else {"uname": b"Linux diffy 1"}
    older = make_scan_result(
        host,
        [("quotas", "quotas.on", "warning")],
        finished=timezone.now() - datetime.timedelta(days=1),
        ruleset=old_ruleset,
        capture=files,
    )
    if capture is None:
        files = {"uname": b"Linux diffy 2"}
    newer = make_scan_result(
        host, [("quotas", "quotas.on", "blocker")], ruleset=new_ruleset, capture=files
    )
    return host, older, newer


def diff_label(client, host: Host) -> str:
    response = client.get(reverse("host-detail", args=[host.pk]))
    assert response.context["diff"]["changed"]
    return str(response.context["diff_source"])


def test_the_diff_of_a_reassessment_comes_from_the_rules(viewer_client):
    host, older, newer = two_results(old_ruleset="2026.1.1", new_ruleset="2026.11.1")
    HostScan.objects.filter(pk=newer.pk).update(reassessed_from=older)
    label = diff_label(viewer_client, host)
    assert label == "Changes come from the rules (ruleset 2026.1.1 → 2026.11.1, same capture)."
    assert label in viewer_client.get(reverse("host-detail", args=[host.pk])).content.decode()


def test_the_diff_of_two_results_of_the_same_capture_bytes_comes_from_the_rules(viewer_client):
    # The builder's tar.gz carries a time of its own: store the very same bytes twice.
    host, older, newer = two_results(old_ruleset="2026.1.1", new_ruleset="2026.11.1")
    newer.capture.data = bytes(older.capture.data)
    newer.capture.save()
    assert "same capture" in diff_label(viewer_client, host)


def test_the_diff_of_two_scans_under_different_rulesets_may_come_from_either(viewer_client):
    host, _, _ = two_results(old_ruleset="2026.1.1", new_ruleset="2026.11.1")
    assert diff_label(viewer_client, host) == (
        "Changes may come from the host or from the rules (ruleset 2026.1.1 → 2026.11.1)."
    )


def test_the_diff_of_two_scans_under_the_same_ruleset_comes_from_the_host(viewer_client):
    host, _, _ = two_results(old_ruleset="2026.11.1", new_ruleset="2026.11.1")
    assert diff_label(viewer_client, host) == "Changes come from the host."


def test_the_diff_of_the_same_capture_and_ruleset_comes_from_the_destination(viewer_client):
    host, older, newer = two_results(old_ruleset="2026.11.1", new_ruleset="2026.11.1")
    HostScan.objects.filter(pk=newer.pk).update(reassessed_from=older)
    assert diff_label(viewer_client, host) == (
        "Changes come from the destination (same capture, same ruleset 2026.11.1)."
    )
