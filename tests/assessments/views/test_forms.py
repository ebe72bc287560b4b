"""Forms and messages in words: form errors without HTML, the wrong cron field named,
selections described, capture and upload errors that say what the file is not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Scan, ScanSchedule
from fleet.models import HostGroup

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_an_empty_scan_form_says_what_to_choose_without_html(operator_client, fleet):
    response = operator_client.post(reverse("scan-start"), {}, follow=True)
    [message] = messages_of(response)
    assert message == "No scan started: Choose all hosts, some groups or some hosts."
    assert "errorlist" not in response.content.decode()


def test_an_unknown_host_is_named_with_its_field(operator_client, fleet):
    response = operator_client.post(reverse("scan-start"), {"hosts": "nope"}, follow=True)
    assert messages_of(response) == ["No scan started: Hosts: Unknown hosts: nope"]


def schedule_post(client, cron: str):  # type: ignore[no-untyped-def]
    data = {"name": "nightly", "cron": cron, "timezone": "UTC", "enabled": "on", "all_hosts": "on"}
    return client.post(reverse("schedule-create"), data)


def test_an_impossible_cron_names_the_wrong_field(operator_client):
    response = schedule_post(operator_client, "0 25 * * *")
    assert "hour: 25 is out of range 0-23." in response.content.decode()
    assert not ScanSchedule.objects.exists()


def test_a_cron_with_four_fields_says_how_many(operator_client):
    response = schedule_post(operator_client, "0 1 * *")
    assert "4 fields given; five are needed" in response.content.decode()


def test_a_valid_cron_is_saved(operator_client):
    assert schedule_post(operator_client, "*/15 9-17 * * 1-5").status_code == 302
    assert ScanSchedule.objects.get().cron == "*/15 9-17 * * 1-5"


def test_the_schedule_list_shows_selections_in_words(operator_client, fleet):
    web = HostGroup.objects.get(name="web")
    ScanSchedule.objects.create(name="all", cron="0 1 * * *", selection={"all": True})
    ScanSchedule.objects.create(name="web", cron="0 1 * * *", selection={"groups": ["web"]})
    ScanSchedule.objects.create(name="some", cron="0 1 * * *", selection={"hosts": ["a", "b"]})
    page = operator_client.get(reverse("schedule-list")).content.decode()
    assert "{&#x27;all&#x27;: True}" not in page and "{'all'" not in page
    assert "<td>all hosts</td>" in page
    assert f"<td>group web ({web.hosts.count()} host)</td>" in page
    assert "<td>2 hosts</td>" in page


def test_the_scan_page_shows_its_selection_in_words(operator_client, fleet):
    scan = Scan.objects.create(selection={"groups": ["db"], "hosts": ["fleet-001"]})
    page = operator_client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "Selection: group db (2 hosts), 1 host" in page


def test_a_capture_that_is_no_archive_says_so_without_directories(operator_client, fleet):
    upload = SimpleUploadedFile("capture.txt", b"hello, not an archive\n" * 10)
    data = {"host": fleet[0].pk, "capture": upload}
    page = operator_client.post(reverse("capture-upload"), data).content.decode()
    assert "the file is not a .tar.gz/.tgz or .zip" in page
    assert "directory" not in page
