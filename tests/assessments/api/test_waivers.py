import datetime

import pytest

from assessments.models import Waiver
from assessments.scanning.waivers import create_waiver, edit_waiver
from tests.builders import make_host, make_scan_result

URL = "/api/v1/waivers/"
CHECK = "selinux.enforcing"


@pytest.fixture
def host(db):
    host = make_host(name="blocked")
    make_scan_result(host, [("selinux", CHECK, "blocker"), ("quotas", "quotas.none", "pass")])
    return host


def waive(client, target, **extra):  # type: ignore[no-untyped-def]
    data = {"host": target.pk, "check": CHECK, "reason": "known", "owner": "ops"} | extra
    return client.post(URL, data, format="json")


def detail(waiver: Waiver) -> str:
    return f"{URL}{waiver.pk}/"


def test_an_operator_waives_a_blocker_and_the_verdict_changes(operator_api, host, operator):
    response = waive(operator_api, host, expires="2099-01-01")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["check"], body["restriction"], body["host_name"]) == (CHECK, "selinux", "blocked")
    trail = body["events"]
    assert [(e["action"], e["user"], e["reason"]) for e in trail] == [
        ("created", operator.username, "known")
    ]
    host.refresh_from_db()
    assert host.verdict == "waived"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"owner": ""}, "owner"),
        ({"expires": "soon"}, "expires"),
        ({"check": "quotas.none"}, "check"),
        ({"check": "nope"}, "check"),
        ({"host": 999999}, "host"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(operator_api, host, extra, field):
    response = waive(operator_api, host, **extra)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Waiver.objects.exists()


def test_every_bad_field_is_named_at_once(operator_api, host):
    response = waive(operator_api, host, host="x", reason="")
    assert set(response.json()["errors"]) == {"host", "reason"}


def test_a_past_expiry_or_a_second_waiver_is_refused_in_words(operator_api, host):
    past = waive(operator_api, host, expires="2000-01-01")
    assert past.json()["detail"] == "The expiry date is in the past."
    waive(operator_api, host)
    again = waive(operator_api, host)
    assert again.status_code == 400
    assert "already waived" in again.json()["detail"]


def test_an_edit_is_recorded_with_old_and_new_values_and_why(operator_api, host):
    waiver = Waiver.objects.get(pk=waive(operator_api, host).json()["id"])
    response = operator_api.patch(
        detail(waiver), {"owner": "dba", "why": "handed over"}, format="json"
    )
    assert response.status_code == 200, response.json()
    edited = response.json()["events"][0]
    assert (edited["action"], edited["reason"]) == ("edited", "handed over")
    assert edited["changes"] == {"owner": ["ops", "dba"]}
    waiver.refresh_from_db()
    assert (waiver.owner, waiver.reason) == ("dba", "known")


def test_a_put_needs_reason_and_owner(operator_api, host):
    waiver = Waiver.objects.get(pk=waive(operator_api, host).json()["id"])
    response = operator_api.put(detail(waiver), {"owner": "dba"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_a_revoke_ends_it_keeps_the_trail_and_the_finding_counts_again(operator_api, host):
    waiver = Waiver.objects.get(pk=waive(operator_api, host).json()["id"])
    response = operator_api.post(f"{detail(waiver)}revoke/", {"why": "fixed"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is False
    latest = body["events"][0]
    assert (latest["action"], latest["reason"]) == ("revoked", "fixed")
    host.refresh_from_db()
    assert host.verdict == "not_ready"
    edit = operator_api.patch(detail(waiver), {"owner": "x"}, format="json")
    assert edit.status_code == 400


def test_the_list_shows_active_waivers_unless_asked_for_all(viewer_api, host, operator):
    waiver = create_waiver(host, CHECK, "selinux", reason="r", owner="o", user=operator)
    assert [w["id"] for w in viewer_api.get(URL).json()["results"]] == [waiver.pk]
    Waiver.objects.update(active=False)
    assert viewer_api.get(URL).json()["results"] == []
    assert len(viewer_api.get(URL, {"state": "all"}).json()["results"]) == 1
    assert "state" in viewer_api.get(URL, {"state": "old"}).json()["errors"]


def test_an_expired_waiver_is_expired_by_the_list_with_the_clock_in_the_trail(viewer_api, host):
    waiver = create_waiver(host, CHECK, "selinux", reason="r", owner="o")
    Waiver.objects.update(expires=datetime.date(2000, 1, 1))
    assert viewer_api.get(URL).json()["results"] == []
    trail = viewer_api.get(detail(waiver)).json()["events"]
    assert (trail[0]["action"], trail[0]["user"]) == ("expired", None)


def test_a_viewer_reads_but_may_not_write(viewer_api, host):
    waiver = create_waiver(host, CHECK, "selinux", reason="r", owner="o")
    assert viewer_api.get(detail(waiver)).status_code == 200
    assert waive(viewer_api, host).status_code == 403
    assert viewer_api.patch(detail(waiver), {"owner": "x"}, format="json").status_code == 403
    assert viewer_api.post(f"{detail(waiver)}revoke/").status_code == 403
    assert Waiver.objects.get().active


def test_a_waiver_cannot_be_deleted(operator_api, host):
    waiver = create_waiver(host, CHECK, "selinux", reason="r", owner="o")
    assert operator_api.delete(detail(waiver)).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(
    viewer_api, db, django_assert_num_queries, count, operator
):
    for n in range(count):
        host = make_host(name=f"h{n}")
        make_scan_result(host, [("selinux", CHECK, "blocker")])
        waiver = create_waiver(host, CHECK, "selinux", reason="r", owner="o", user=operator)
        if n % 2:  # a longer trail for some
            edit_waiver(waiver, user=operator, owner="p")
    # expiry check, waivers with host and creator, their events with users
    with django_assert_num_queries(3 + 3):
        response = viewer_api.get(URL)
    assert len(response.json()["results"]) == count


def test_form_data_works_as_json_does(operator_api, host):
    data = {"host": host.pk, "check": CHECK, "reason": "known", "owner": "ops"}
    response = operator_api.post(URL, data, format="multipart")
    assert response.status_code == 201, response.json()
    assert Waiver.objects.get().reason == "known"
