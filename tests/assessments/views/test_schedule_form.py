"""The schedule form: time zones from the IANA list, and a new schedule selects nothing."""

import zoneinfo

import pytest
from django.urls import reverse

from assessments.models import ScanSchedule

pytestmark = pytest.mark.django_db


def new_form(client):  # type: ignore[no-untyped-def]
    return client.get(reverse("schedule-create")).context


def test_the_time_zone_is_a_select_of_the_sorted_iana_list(operator_client):
    field = new_form(operator_client)["form"]["timezone"]
    names = [value for value, _ in field.field.choices]
    assert names == sorted(zoneinfo.available_timezones())
    assert field.value() == "UTC"
    assert 'value="Europe/Berlin"' in str(field)
    assert "<select" in str(field)


def test_an_unknown_time_zone_is_refused_in_words(operator_client):
    data = {"name": "n", "cron": "0 1 * * *", "timezone": "Mars/Olympus", "all_hosts": "on"}
    response = operator_client.post(reverse("schedule-create"), data)
    assert "Unknown time zone Mars/Olympus: choose one of the list" in response.content.decode()
    assert not ScanSchedule.objects.exists()


def test_a_new_schedule_selects_no_host(operator_client, fleet):
    selection = new_form(operator_client)["selection"]
    assert not selection["all_hosts"].value()
    assert "checked" not in str(selection["all_hosts"])


def test_a_new_schedule_saved_without_a_choice_says_what_to_choose(operator_client, fleet):
    data = {"name": "n", "cron": "0 1 * * *", "timezone": "UTC"}
    response = operator_client.post(reverse("schedule-create"), data)
    assert "Choose all hosts, some groups or some hosts." in response.content.decode()
    assert not ScanSchedule.objects.exists()


def test_an_existing_schedule_keeps_its_selection(operator_client, fleet):
    schedule = ScanSchedule.objects.create(name="w", cron="0 3 * * 0", selection={"all": True})
    response = operator_client.get(reverse("schedule-edit", args=[schedule.pk]))
    assert response.context["selection"]["all_hosts"].value() is True
