"""An invalid filter selects nothing and says why, on every page that takes the filters."""

import pytest
from django.urls import reverse

from assessments.models import Scan
from tests.assessments.views.conftest import fleet  # noqa: F401

pytestmark = pytest.mark.django_db

TYPO = {"os_family": "linux", "verdict": "typo"}


def test_the_hosts_list_shows_the_fields_error_and_no_host(viewer_client, fleet):  # noqa: F811
    response = viewer_client.get(reverse("host-list"), TYPO)
    content = response.content.decode()
    assert response.context["table"].paginator.count == 0
    assert "No host is selected" in content
    assert "typo is not one of the available choices" in content
    assert "<code>verdict=typo</code>" in content


def test_the_hosts_list_offers_no_scan_for_an_invalid_filter(operator_client, fleet):  # noqa: F811
    content = operator_client.get(reverse("host-list"), {"group": "999"}).content.decode()
    assert 'action="/scans/filtered/"' not in content and "Scan these" not in content
    assert "Select a valid choice" in content


def test_a_valid_filter_still_offers_the_scan(operator_client, fleet):  # noqa: F811
    content = operator_client.get(reverse("host-list"), {"os_family": "linux"}).content.decode()
    assert "Scan these 3 hosts" in content and "No host is selected" not in content


def test_the_overview_counts_no_host_for_an_invalid_filter(viewer_client, fleet):  # noqa: F811
    response = viewer_client.get(reverse("overview"), TYPO)
    assert response.context["total"] == 0
    assert "No host is selected" in response.content.decode()


@pytest.mark.parametrize("url", ["/restrictions/", "/restrictions/quotas/"])
def test_the_restriction_pages_select_no_host_for_an_invalid_filter(viewer_client, fleet, url):  # noqa: F811
    content = viewer_client.get(url, {"tag": "999"}).content.decode()
    assert "No host is selected" in content and "<code>tag=999</code>" in content


def test_the_restriction_page_lists_no_host_for_an_invalid_filter(viewer_client, fleet):  # noqa: F811
    response = viewer_client.get("/restrictions/quotas/", {"group": "999"})
    assert response.context["page"].paginator.count == 0


def test_the_csv_answers_400_naming_the_field_and_value(viewer_client, fleet):  # noqa: F811
    response = viewer_client.get(reverse("export-blockers"), {"group": "999"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Invalid filter: group=999: Select a valid")


def test_the_csv_names_every_invalid_field(viewer_client, fleet):  # noqa: F811
    response = viewer_client.get(reverse("export-blockers"), {**TYPO, "age": "old"})
    body = response.content.decode()
    assert response.status_code == 400 and "verdict=typo" in body and "age=old" in body
    assert "os_family" not in body


def test_the_outdated_banner_reassesses_nothing_for_an_invalid_filter(operator_client, fleet):  # noqa: F811
    before = Scan.objects.count()
    operator_client.post(reverse("scan-reassess-outdated"), {"verdict": "typo"})
    assert Scan.objects.count() == before
