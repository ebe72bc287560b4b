"""The printable readiness report: content, filters, an invalid filter, the query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Waiver
from assessments.scanning import ruleset
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


def test_it_lists_every_blocker_and_unknown_with_evidence_and_remediation(viewer_client, fleet):
    response = viewer_client.get(reverse("report"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Readiness report: All hosts" in content
    assert ruleset.current() in content
    assert [h.name for h in response.context["judged"]] == ["fleet-000", "fleet-001", "fleet-002"]
    for host in response.context["judged"]:
        assert {f["severity"] for f in host.findings} == {"blocker", "unknown"}
    assert content.count("filesystems.unsupported_fs is blocker") == 3
    assert content.count("ip_addresses.aliases is unknown") == 3
    assert "quotas.enabled is warning" not in content  # warnings are counted, not listed
    assert '<pre class="evidence">$ probe\nfilesystems.unsupported_fs output</pre>' in content
    assert "Fix it before the migration." in content
    assert "@media print" in content and "break-before: page" in content
    assert response.context["counts"]["not_ready"] == 3
    counts = dict((r.id, c) for r, c in response.context["restrictions"])
    assert counts["filesystems"]["blocker"] == 3 and counts["quotas"]["warning"] == 3


def test_it_states_the_range_of_scan_dates(viewer_client, db):
    old = timezone.now() - datetime.timedelta(days=10)
    make_scan_result(make_host(name="a"), [], finished=old)
    make_scan_result(make_host(name="b"), [])
    dates = viewer_client.get(reverse("report")).context["scan_dates"]
    assert dates["first"] == old and dates["last"] > old


def test_it_marks_a_waived_blocker_with_the_reason(viewer_client, db):
    host = make_host(name="waived-01")
    Waiver.objects.create(
        host=host,
        restriction="selinux",
        check_id="selinux.enforcing",
        reason="Accepted by the CAB on 2026-11-30",
        owner="ops",
    )
    make_scan_result(host, [("selinux", "selinux.enforcing", "blocker")])
    content = viewer_client.get(reverse("report")).content.decode()
    assert "Waived:</strong> Accepted by the CAB on 2026-11-30" in content


def test_it_lists_hosts_never_scanned_or_failed_with_the_reason(viewer_client, db):
    make_host(name="never-01")
    make_scan_result(
        make_host(name="down-01"),
        status="failed",
        error_class="unreachable",
        error_detail="connection refused",
    )
    response = viewer_client.get(reverse("report"))
    rows = {h.name: h.findings[0] for h in response.context["unjudged"]}
    assert rows["never-01"]["title"] == "Never scanned"
    assert rows["down-01"]["title"] == "Latest scan failed"
    assert "connection refused" in rows["down-01"]["evidence"]
    assert "connection refused" in response.content.decode()


def test_it_follows_the_hosts_list_filters_and_says_them_in_words(viewer_client, fleet):
    make_host(name="win-01", os_family="windows", groups=["web"])
    group = fleet[1].groups.get()
    response = viewer_client.get(reverse("report"), {"group": group.pk, "os_family": "linux"})
    assert response.context["title_words"] == "Group web, Linux"
    assert "Readiness report: Group web, Linux" in response.content.decode()
    assert [h.name for h in response.context["judged"]] == ["fleet-001"]
    assert response.context["unjudged"] == []
    assert response.context["total"] == 1


def test_an_invalid_filter_shows_the_error_and_selects_nothing(viewer_client, fleet):
    response = viewer_client.get(reverse("report"), {"group": "999"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "No host is selected" in content and "group=999" in content
    assert response.context["judged"] == [] and response.context["unjudged"] == []
    assert response.context["total"] == 0


def test_it_sends_anonymous_users_to_the_login_page(client, fleet):
    response = client.get(reverse("report"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_refuses_a_user_without_a_role(roleless_client, fleet):
    assert roleless_client.get(reverse("report")).status_code == 403


def test_the_overview_and_hosts_list_link_to_it_with_the_filters(viewer_client, fleet):
    for page in ("overview", "host-list"):
        content = viewer_client.get(reverse(page), {"os_family": "linux"}).content.decode()
        assert f'href="{reverse("report")}?os_family=linux">Printable report</a>' in content


def test_its_query_count_does_not_grow_with_the_hosts(viewer_client, same_queries_with_more_hosts):
    make_host(name="never-01")
    same_queries_with_more_hosts(viewer_client, reverse("report"))
