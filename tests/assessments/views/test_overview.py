import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_shows_the_verdict_counts_to_a_viewer(viewer_client, fleet):
    response = viewer_client.get(reverse("overview"))
    assert response.status_code == 200
    assert response.context["counts"]["not_ready"] == 3
    assert response.context["total"] == 3


@pytest.mark.parametrize("client_fixture", ["operator_client", "admin_client_role"])
def test_it_renders_for_every_role(request, client_fixture, fleet):
    client = request.getfixturevalue(client_fixture)
    assert client.get(reverse("overview")).status_code == 200


def test_it_sends_anonymous_users_to_the_login_page(client, fleet):
    response = client.get(reverse("overview"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_a_user_without_a_role(roleless_client, fleet):
    assert roleless_client.get(reverse("overview")).status_code == 403


def test_it_embeds_the_charts_as_json(viewer_client, fleet):
    content = viewer_client.get(reverse("overview")).content.decode()
    assert 'id="chart-restrictions-data" type="application/json"' in content
    assert "js/charts.js" in content and "vendor/plotly.min.js" in content
    assert "<script>" not in content  # strict CSP: no inline script


def test_it_counts_blockers_per_restriction_class(viewer_client, fleet):
    counts = dict(
        (r, c) for r, c, _ in viewer_client.get(reverse("overview")).context["restrictions"]
    )
    assert counts["filesystems"]["blocker"] == 3
    assert counts["quotas"]["warning"] == 3


def test_it_applies_the_hosts_list_filters(viewer_client, fleet):
    response = viewer_client.get(reverse("overview"), {"q": "fleet-001"})
    assert response.context["total"] == 1
    assert "q=fleet-001" in response.context["querystring"]


def test_its_query_count_does_not_grow_with_the_fleet(
    viewer_client, same_queries_with_more_hosts, django_assert_max_num_queries
):
    count = same_queries_with_more_hosts(viewer_client, reverse("overview"))
    # 17: the 15 of the page before re-assessment, plus the count of hosts judged by an
    # older ruleset (its banner), plus the waves of the filter form's wave choices.
    with django_assert_max_num_queries(17):
        viewer_client.get(reverse("overview"))
    assert count <= 17


def test_its_verdict_links_replace_the_current_verdict_filter(viewer_client, fleet):
    response = viewer_client.get(reverse("overview"), {"verdict": "ready", "q": "fleet"})
    link = response.context["verdict_links"]["not_ready"]
    assert link.count("verdict=") == 1 and "verdict=not_ready" in link and "q=fleet" in link


def test_the_overview_shows_the_classes_beyond_the_document_apart(viewer_client):
    content = viewer_client.get("/").content.decode()
    document, beyond = content.split('id="chart-beyond-data"')
    assert 'id="chart-restrictions-data"' in document
    assert "Kernel and modules" in beyond and "Raw devices" not in beyond.split("</section>")[0]
