"""Migration waves: the model, the `wave` filter on every page and export, the host page's
wave form and the /waves/ page."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from fleet.models import Host, Wave
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def waves(db: None) -> dict:
    first = Wave.objects.create(name="wave-1", target_date=datetime.date(2027, 3, 1))
    second = Wave.objects.create(name="wave-2")
    ready = make_host(name="in-1-ready", wave=first)
    make_scan_result(ready, [("selinux", "selinux.enforcing", "pass")])
    blocked = make_host(name="in-1-blocked", wave=first)
    make_scan_result(blocked, [("selinux", "selinux.enforcing", "blocker")])
    make_host(name="in-2", wave=second)
    make_host(name="in-none")
    return {"first": first, "second": second}


def table_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.record.name for row in response.context["table"].paginated_rows]


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_hosts_list_filters_by_wave_and_shows_it(viewer_client, waves):
    response = viewer_client.get(reverse("host-list"), {"wave": waves["first"].pk})
    assert sorted(table_names(response)) == ["in-1-blocked", "in-1-ready"]
    assert "<th" in response.content.decode() and ">Wave<" in response.content.decode()
    assert "wave-1" in response.content.decode()


def test_an_unknown_wave_is_an_error_that_selects_nothing(viewer_client, waves):
    response = viewer_client.get(reverse("host-list"), {"wave": "999"})
    assert table_names(response) == []
    assert response.context["filter"].errors


def test_the_overview_filters_by_wave(viewer_client, waves):
    response = viewer_client.get(reverse("overview"), {"wave": waves["second"].pk})
    assert response.status_code == 200
    assert response.context["filter"].qs.count() == 1


def test_the_hosts_csv_fills_the_wave_column_and_filters_by_wave(viewer_client, waves):
    rows = {row["host"]: row for row in csv_rows(viewer_client.get(reverse("export-hosts-csv")))}
    assert rows["in-1-ready"]["wave"] == "wave-1"
    assert rows["in-2"]["wave"] == "wave-2"
    assert rows["in-none"]["wave"] == ""
    response = viewer_client.get(reverse("export-hosts-csv"), {"wave": waves["second"].pk})
    assert [row["host"] for row in csv_rows(response)] == ["in-2"]


def test_the_blockers_csv_filters_by_wave(viewer_client, waves):
    response = viewer_client.get(reverse("export-blockers"), {"wave": waves["second"].pk})
    assert {row["host"] for row in csv_rows(response)} == {"in-2"}
    response = viewer_client.get(reverse("export-blockers"), {"wave": waves["first"].pk})
    assert {row["host"] for row in csv_rows(response)} == {"in-1-blocked"}


def test_an_unknown_wave_makes_the_exports_answer_400(viewer_client, waves):
    assert viewer_client.get(reverse("export-hosts-csv"), {"wave": "999"}).status_code == 400


def test_the_report_names_the_wave(viewer_client, waves):
    response = viewer_client.get(reverse("report"), {"wave": waves["first"].pk})
    assert "Wave wave-1" in response.content.decode()


def test_the_host_page_shows_the_wave(viewer_client, waves):
    host = Host.objects.get(name="in-1-ready")
    body = viewer_client.get(host.get_absolute_url()).content.decode()
    assert "wave-1" in body and "2027-03-01" in body
    assert reverse("host-wave", args=[host.pk]) not in body  # no form for a viewer


def test_an_operator_sets_and_clears_the_wave(operator_client, waves):
    host = Host.objects.get(name="in-none")
    url = reverse("host-wave", args=[host.pk])
    assert url in operator_client.get(host.get_absolute_url()).content.decode()
    assert operator_client.post(url, {"wave": waves["second"].pk}).status_code == 302
    host.refresh_from_db()
    assert host.wave == waves["second"]
    operator_client.post(url, {"wave": ""})
    host.refresh_from_db()
    assert host.wave is None


def test_an_unknown_wave_changes_nothing(operator_client, waves):
    host = Host.objects.get(name="in-2")
    operator_client.post(reverse("host-wave", args=[host.pk]), {"wave": "999"})
    host.refresh_from_db()
    assert host.wave == waves["second"]


def test_a_viewer_cannot_set_the_wave(viewer_client, waves):
    host = Host.objects.get(name="in-none")
    url = reverse("host-wave", args=[host.pk])
    assert viewer_client.post(url, {"wave": waves["first"].pk}).status_code == 403
    host.refresh_from_db()
    assert host.wave is None


def test_the_waves_page_counts_hosts_and_verdicts_and_links_to_the_hosts(viewer_client, waves):
    response = viewer_client.get(reverse("wave-list"))
    assert response.status_code == 200
    rows = {row["wave"].name: row for row in response.context["rows"]}
    assert rows["wave-1"]["wave"].host_count == 2
    verdicts = dict(rows["wave-1"]["verdicts"])
    assert verdicts["ready"] == 1 and verdicts["not_ready"] == 1
    assert rows["wave-2"]["wave"].host_count == 1
    assert response.context["unassigned"] == 1
    body = response.content.decode()
    assert f'{reverse("host-list")}?wave={waves["first"].pk}"' in body
    assert "Create wave" not in body and "Delete" not in body


def test_an_operator_creates_and_deletes_a_wave(operator_client, waves):
    response = operator_client.post(
        reverse("wave-list"), {"name": "wave-3", "target_date": "2027-06-30", "description": ""}
    )
    assert response.status_code == 302
    wave = Wave.objects.get(name="wave-3")
    assert wave.target_date == datetime.date(2027, 6, 30)
    response = operator_client.post(reverse("wave-list"), {"name": "wave-3"})
    assert response.status_code == 200 and response.context["form"].errors
    operator_client.post(reverse("wave-delete", args=[wave.pk]), {"confirm": "1"})
    assert not Wave.objects.filter(name="wave-3").exists()


def test_deleting_a_wave_first_asks_naming_how_many_hosts_are_in_it(operator_client, waves):
    url = reverse("wave-delete", args=[waves["first"].pk])
    response = operator_client.get(url)
    assert response.status_code == 200
    assert "2 hosts are in wave-1 (target date 2027-03-01)" in response.content.decode()
    assert 'name="confirm" value="1"' in response.content.decode()
    assert Wave.objects.filter(pk=waves["first"].pk).exists()


def test_a_delete_post_without_the_confirm_deletes_nothing(operator_client, waves):
    url = reverse("wave-delete", args=[waves["first"].pk])
    response = operator_client.post(url)
    assert response.status_code == 200
    assert "Delete wave wave-1?" in response.content.decode()
    assert Wave.objects.filter(pk=waves["first"].pk).exists()


def test_a_confirmed_delete_leaves_its_hosts_in_no_wave_and_says_how_many(operator_client, waves):
    url = reverse("wave-delete", args=[waves["first"].pk])
    response = operator_client.post(url, {"confirm": "1"}, follow=True)
    assert not Wave.objects.filter(name="wave-1").exists()
    assert Host.objects.filter(name__startswith="in-1", wave__isnull=True).count() == 2
    assert "Wave wave-1 deleted; 2 hosts are now in no wave." in response.content.decode()


def test_the_waves_list_links_to_the_confirm_page_instead_of_deleting(operator_client, waves):
    body = operator_client.get(reverse("wave-list")).content.decode()
    assert f'href="{reverse("wave-delete", args=[waves["first"].pk])}"' in body
    assert f'action="{reverse("wave-delete", args=[waves["first"].pk])}"' not in body


def test_a_viewer_cannot_create_or_delete_a_wave(viewer_client, waves):
    assert viewer_client.post(reverse("wave-list"), {"name": "wave-x"}).status_code == 403
    url = reverse("wave-delete", args=[waves["first"].pk])
    assert viewer_client.post(url, {"confirm": "1"}).status_code == 403
    assert viewer_client.get(url).status_code == 403
    assert Wave.objects.count() == 2


def test_the_hosts_list_carries_the_wave_to_its_links(viewer_client, waves):
    response = viewer_client.get(reverse("host-list"), {"wave": waves["first"].pk})
    assert response.context["querystring"] == f"wave={waves['first'].pk}"
    assert f"{reverse('export-hosts-csv')}?wave={waves['first'].pk}" in response.content.decode()


def test_scanning_the_filtered_hosts_scans_only_the_wave(
    operator_client, waves, django_capture_on_commit_callbacks
):
    from assessments.models import Scan

    with django_capture_on_commit_callbacks(execute=False):
        operator_client.post(reverse("scan-filtered"), {"wave": waves["first"].pk})
    selection = Scan.objects.latest("pk").selection
    assert selection == {"hosts": ["in-1-blocked", "in-1-ready"]}


def test_the_restriction_page_filters_by_wave(viewer_client, waves):
    url = reverse("restriction-detail", args=["selinux"])
    assert viewer_client.get(url).context["shown_hosts"] == 1
    assert viewer_client.get(url, {"wave": waves["second"].pk}).context["shown_hosts"] == 0
    assert viewer_client.get(url, {"wave": waves["first"].pk}).context["shown_hosts"] == 1


def test_the_waves_page_queries_do_not_grow_with_the_hosts(viewer_client, waves):
    from tests.assessments.views.conftest import queries_for

    few = queries_for(viewer_client, reverse("wave-list"))
    for number in range(27):
        make_host(name=f"more-{number}", wave=waves["first" if number % 2 else "second"])
    assert queries_for(viewer_client, reverse("wave-list")) == few


def test_the_waves_list_offers_operators_a_placement_proposal_per_wave(operator_client, waves):
    body = operator_client.get(reverse("wave-list")).content.decode()
    assert f'href="{reverse("placement")}?wave={waves["first"].pk}"' in body
