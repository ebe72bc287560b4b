import pytest
from django.urls import reverse

from assessments.models import Waiver
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    host = make_host(name="blocked")
    make_scan_result(host, [("selinux", "selinux.enforcing", "blocker")])
    return host


def post_waiver(client, host, **extra):
    data = {"check_id": "selinux.enforcing", "reason": "known", "owner": "ops"} | extra
    return client.post(reverse("waiver-create", args=[host.pk]), data)


def test_an_operator_waives_a_blocker_and_the_verdict_changes(operator_client, host):
    response = post_waiver(operator_client, host)
    assert response.status_code == 302
    host.refresh_from_db()
    assert host.verdict == "waived"
    page = operator_client.get(reverse("host-detail", args=[host.pk])).content.decode()
    assert "waived" in page and "Revoke" in page


def test_the_scan_page_keeps_the_verdict_the_host_had_when_scanned(operator_client, host):
    post_waiver(operator_client, host)
    page = operator_client.get(reverse("scan-detail", args=[host.latest_scan.scan_id]))
    row = page.content.decode().split(f'href="/hosts/{host.pk}/"')[1].split("</tr>")[0]
    judged = row.split('class="muted now-verdict"')[0]
    assert "Not ready" in judged and "Ready with conditions" not in judged
    assert "now <span" in row and "Ready with conditions (waived)" in row


def test_the_scan_page_says_nothing_more_while_the_verdict_is_unchanged(operator_client, host):
    page = operator_client.get(reverse("scan-detail", args=[host.latest_scan.scan_id]))
    assert "now-verdict" not in page.content.decode()


def test_the_host_page_says_ready_with_conditions_waived_not_ready(operator_client, host):
    post_waiver(operator_client, host)
    page = operator_client.get(reverse("host-detail", args=[host.pk])).content.decode()
    heading = page.split("<h1>")[1].split("</h1>")[0]
    assert "Ready with conditions (waived)" in heading
    assert "v-waived" in heading


def test_the_host_page_summary_counts_a_waived_blocker_as_waived(operator_client, host):
    post_waiver(operator_client, host)
    response = operator_client.get(reverse("host-detail", args=[host.pk]))
    assert response.context["counts"]["blocker"] == 0
    assert response.context["counts"]["waived"] == 1
    summary = response.content.decode().split('class="sev-summary"')[1].split("</ul>")[0]
    assert "Blocker</span> 0" in summary and "waived</span> 1" in summary


def test_a_viewer_cannot_waive(viewer_client, host):
    assert post_waiver(viewer_client, host).status_code == 403
    assert not Waiver.objects.exists()


def test_it_refuses_to_waive_a_check_without_a_finding(operator_client, host):
    post_waiver(operator_client, host, check_id="nothing.here")
    assert not Waiver.objects.exists()


def test_it_needs_a_reason(operator_client, host):
    post_waiver(operator_client, host, reason="")
    assert not Waiver.objects.exists()


def test_an_operator_edits_a_waiver(operator_client, host):
    post_waiver(operator_client, host)
    waiver = Waiver.objects.get()
    url = reverse("waiver-edit", args=[waiver.pk])
    assert operator_client.get(url).status_code == 200
    operator_client.post(
        url,
        {"check_id": waiver.check_id, "reason": "known", "owner": "dba", "why": "handover"},
    )
    event = waiver.events.get(action="edited")
    assert event.changes == {"owner": ["ops", "dba"]} and event.reason == "handover"


def test_an_operator_revokes_a_waiver(operator_client, host):
    post_waiver(operator_client, host)
    waiver = Waiver.objects.get()
    operator_client.post(reverse("waiver-revoke", args=[waiver.pk]), {"why": "fixed"})
    host.refresh_from_db()
    assert host.verdict == "not_ready"


def test_a_viewer_cannot_edit_or_revoke(viewer_client, operator, host):
    from assessments.scanning.waivers import create_waiver

    waiver = create_waiver(host, "selinux.enforcing", "selinux", reason="r", owner="o")
    assert viewer_client.get(reverse("waiver-edit", args=[waiver.pk])).status_code == 403
    assert viewer_client.post(reverse("waiver-revoke", args=[waiver.pk])).status_code == 403


def test_the_waiver_list_shows_the_trail(viewer_client, host):
    from assessments.scanning.waivers import create_waiver

    create_waiver(host, "selinux.enforcing", "selinux", reason="vendor says ok", owner="o")
    content = viewer_client.get(reverse("waiver-list")).content.decode()
    assert "vendor says ok" in content and "Created" in content


def test_the_waiver_list_query_count_is_flat(viewer_client, db):
    from assessments.scanning.waivers import create_waiver
    from tests.assessments.views.conftest import queries_for

    def add(n, start):
        for i in range(start, start + n):
            h = make_host(name=f"w{i}")
            make_scan_result(h, [("selinux", "selinux.enforcing", "blocker")])
            create_waiver(h, "selinux.enforcing", "selinux", reason="r", owner="o")

    add(3, 0)
    few = queries_for(viewer_client, reverse("waiver-list"))
    add(27, 10)
    assert queries_for(viewer_client, reverse("waiver-list")) == few
