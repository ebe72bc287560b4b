import pytest

from assessments.models import ScanSchedule
from tests.builders import make_host

URL = "/api/v1/schedules/"
NIGHTLY = {"name": "nightly", "cron": "30 2 * * *", "timezone": "Europe/Berlin"}


def detail(schedule: ScanSchedule) -> str:
    return f"{URL}{schedule.pk}/"


@pytest.fixture
def fleet(db):
    make_host(name="web1", groups=["web"])
    make_host(name="db1")


def test_an_operator_creates_a_schedule_with_its_next_run(operator_api, fleet, operator):
    data = {**NIGHTLY, "selection": {"groups": ["web"], "hosts": ["db1"]}}
    response = operator_api.post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["selection"] == {"groups": ["web"], "hosts": ["db1"]}
    assert body["next_run"] and body["created_by"] == operator.username
    schedule = ScanSchedule.objects.get()
    assert schedule.next_run is not None and schedule.enabled


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("0 25 * * *", "hour: 25 is out of range 0-23."),
        ("0 1 * *", "4 fields given; five are needed"),
        ("*/0 * * * *", "minute: a step of 0 is not allowed."),
    ],
)
def test_cron_field_errors_are_named(operator_api, fleet, cron, message):
    data = {**NIGHTLY, "cron": cron, "selection": {"all": True}}
    response = operator_api.post(URL, data, format="json")
    assert response.status_code == 400
    assert message in response.json()["errors"]["cron"][0]
    assert not ScanSchedule.objects.exists()


def test_an_unknown_time_zone_is_refused_in_words(operator_api, fleet):
    data = {**NIGHTLY, "timezone": "Mars/Olympus", "selection": {"all": True}}
    errors = operator_api.post(URL, data, format="json").json()["errors"]
    assert errors["timezone"][0].startswith("Unknown time zone Mars/Olympus")


def test_a_selection_is_needed_and_its_names_must_exist(operator_api, fleet):
    none = operator_api.post(URL, NIGHTLY, format="json").json()["errors"]
    assert none["selection"] == ["Choose all hosts, some groups or some hosts."]
    data = {**NIGHTLY, "selection": {"groups": ["nope"], "hosts": ["ghost"]}}
    errors = operator_api.post(URL, data, format="json").json()["errors"]
    assert errors["selection.groups"] == ["Unknown groups: nope"]
    assert errors["selection.hosts"] == ["Unknown hosts: ghost"]


def test_a_patch_keeps_the_rest_and_disabling_clears_the_next_run(operator_api, fleet):
    schedule = ScanSchedule.objects.create(**NIGHTLY, selection={"all": True})
    response = operator_api.patch(detail(schedule), {"enabled": False}, format="json")
    assert response.status_code == 200, response.json()
    schedule.refresh_from_db()
    assert (schedule.cron, schedule.selection, schedule.enabled) == (
        "30 2 * * *",
        {"all": True},
        False,
    )
    assert schedule.next_run is None and response.json()["next_run"] is None


def test_an_operator_deletes_one(operator_api, fleet):
    schedule = ScanSchedule.objects.create(**NIGHTLY, selection={"all": True})
    assert operator_api.delete(detail(schedule)).status_code == 204
    assert not ScanSchedule.objects.exists()


def test_a_viewer_reads_but_may_not_write(viewer_api, fleet):
    schedule = ScanSchedule.objects.create(**NIGHTLY, selection={"all": True})
    assert viewer_api.get(detail(schedule)).json()["selection_text"]
    data = {**NIGHTLY, "name": "x", "selection": {"all": True}}
    assert viewer_api.post(URL, data, format="json").status_code == 403
    assert viewer_api.patch(detail(schedule), {"enabled": False}, format="json").status_code == 403
    assert viewer_api.delete(detail(schedule)).status_code == 403
    assert ScanSchedule.objects.get().enabled


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, django_assert_num_queries, count):
    for n in range(count):
        ScanSchedule.objects.create(name=f"s{n}", cron="0 1 * * *", selection={"all": True})
    with django_assert_num_queries(3 + 1):
        response = viewer_api.get(URL)
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("selection", "field"),
    [
        ({"groups": [{"a": 1}]}, "selection.groups"),
        ({"hosts": "web1"}, "selection.hosts"),
        ("all", "selection"),
    ],
)
def test_a_selection_of_the_wrong_shape_is_a_400(operator_api, fleet, selection, field):
    response = operator_api.post(URL, {**NIGHTLY, "selection": selection}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
