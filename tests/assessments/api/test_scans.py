import datetime

import pytest
from django.utils import timezone

from assessments.models import HostScan, Scan
from tests.builders import make_host, make_scan_result

SCANS = "/api/v1/scans/"


@pytest.fixture
def fleet(db):
    hosts = [make_host(name=f"fleet-{i}", groups=["web" if i % 2 else "db"]) for i in range(3)]
    make_host(name="off", enabled=False, groups=["db"])
    return hosts


def start(client, data, capture):
    with capture(execute=False):
        return client.post(SCANS, data, format="json")


def running_scan(statuses: dict[str, str], minutes_ago: float = 10) -> Scan:
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    scan = Scan.objects.create(status="running", started=started)
    for name, status in statuses.items():
        HostScan.objects.create(scan=scan, host=make_host(name=name), status=status)
    return scan


def test_an_operator_starts_a_scan_of_all_hosts(
    operator_api, fleet, django_capture_on_commit_callbacks
):
    response = start(operator_api, {"all": True}, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    body = response.json()
    scan = Scan.objects.get()
    assert body["id"] == scan.pk and response["Location"] == body["url"]
    assert scan.selection == {"all": True}
    assert body["progress"]["total"] == 3  # enabled hosts only
    assert scan.requested_by.username == "user-operator"


def test_it_starts_a_scan_of_groups_and_hosts(
    operator_api, fleet, django_capture_on_commit_callbacks
):
    data = {"groups": ["web"], "hosts": ["fleet-0"]}
    start(operator_api, data, django_capture_on_commit_callbacks)
    assert Scan.objects.get().host_scans.count() == 2


def test_it_starts_a_scan_of_the_hosts_lists_filters(
    operator_api, fleet, django_capture_on_commit_callbacks
):
    data = {"filters": {"q": "fleet-2"}}
    response = start(operator_api, data, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    assert Scan.objects.get().selection == {"hosts": ["fleet-2"]}


def test_invalid_filters_start_nothing_and_say_which(operator_api, fleet):
    response = operator_api.post(SCANS, {"filters": {"group": "999"}}, format="json")
    assert response.status_code == 400
    assert "filters.group" in response.json()["errors"]
    assert not Scan.objects.exists()


def test_an_unknown_filter_name_is_refused(operator_api, fleet):
    response = operator_api.post(SCANS, {"filters": {"colour": "red"}}, format="json")
    assert response.status_code == 400
    assert "Unknown filters colour" in response.json()["errors"]["filters"][0]


def test_an_unknown_host_is_refused_under_its_field(operator_api, fleet):
    response = operator_api.post(SCANS, {"hosts": ["ghost"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"hosts": ["no such host: ghost"]}
    assert not Scan.objects.exists()


@pytest.mark.parametrize("data", [{}, {"all": True, "hosts": ["fleet-0"]}])
def test_it_needs_exactly_one_kind_of_selection(operator_api, fleet, data):
    response = operator_api.post(SCANS, data, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Give one of")


def test_a_viewer_may_not_start_a_scan(viewer_api, fleet):
    assert viewer_api.post(SCANS, {"all": True}, format="json").status_code == 403
    assert not Scan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_scan_the_queue_did_not_take_is_created_with_a_notice(redis_down, api_cache_cleared):
    from django.contrib.auth.models import Group, User

    from tests.conftest import token_client

    user = User.objects.create_user("op", password="pw-123456!")
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    make_host(name="fleet-0")
    response = token_client(user).post(SCANS, {"hosts": ["fleet-0"]}, format="json")
    assert response.status_code == 201
    assert "saved but not started: queue unavailable" in response.json()["notice"]
    assert Scan.objects.get().status == "queued"


def test_the_detail_has_progress_eta_and_verdicts(viewer_api, db):
    statuses = {"h1": "done", "h2": "failed", "h3": "running", "h4": "queued"}
    scan = running_scan(statuses | {"h5": "queued", "h6": "queued"}, minutes_ago=10)
    HostScan.objects.filter(scan=scan, host__name="h1").update(verdict="ready")
    body = viewer_api.get(f"{SCANS}{scan.pk}/").json()
    assert body["progress"] == {
        "total": 6,
        "queued": 3,
        "running": 1,
        "done": 1,
        "failed": 1,
        "cancelled": 0,
    }
    assert body["eta_minutes"] == 20
    assert body["verdicts"] == {"ready": 1}


def test_the_detail_answers_304_while_nothing_changed(viewer_api, db):
    scan = running_scan({"h1": "running"})
    url = f"{SCANS}{scan.pk}/"
    tag = viewer_api.get(url)["ETag"]
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    HostScan.objects.filter(scan=scan).update(status="done")
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_it_lists_a_scans_hosts_by_status(viewer_api, db):
    scan = running_scan({"a-ok": "done", "b-bad": "failed"})
    rows = viewer_api.get(f"{SCANS}{scan.pk}/hosts/", {"status": "failed"}).json()["results"]
    assert [r["host_name"] for r in rows] == ["b-bad"]
    response = viewer_api.get(f"{SCANS}{scan.pk}/hosts/", {"status": "broken"})
    assert response.status_code == 400
    assert "Unknown status 'broken'" in response.json()["errors"]["status"][0]


def test_an_operator_cancels_a_scan(operator_api, db):
    scan = running_scan({"a": "running", "b": "queued"})
    response = operator_api.post(f"{SCANS}{scan.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["cancel_requested"] is True
    assert response.json()["progress"]["cancelled"] == 1


def test_a_viewer_may_not_cancel(viewer_api, db):
    scan = running_scan({"a": "queued"})
    assert viewer_api.post(f"{SCANS}{scan.pk}/cancel/").status_code == 403
    assert not Scan.objects.get().cancel_requested


def test_retry_failed_scans_exactly_the_failed_hosts(
    operator_api, db, django_capture_on_commit_callbacks
):
    scan = running_scan({"a-ok": "done", "b-bad": "failed", "c-bad": "failed"})
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_api.post(f"{SCANS}{scan.pk}/retry-failed/")
    assert response.status_code == 201
    retry = Scan.objects.get(pk=response.json()["id"])
    assert retry.selection == {"hosts": ["b-bad", "c-bad"]}


def test_retry_with_no_failed_host_is_a_400(operator_api, db):
    scan = running_scan({"a-ok": "done"})
    response = operator_api.post(f"{SCANS}{scan.pk}/retry-failed/")
    assert response.status_code == 400
    assert response.json()["detail"] == f"No failed host in scan #{scan.pk} to retry."


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, rows, django_assert_num_queries):
    host = make_host(name="h")
    for _ in range(rows):
        make_scan_result(host)
    # token, its last_used, roles, the page of scans with their counts per status
    with django_assert_num_queries(4):
        response = viewer_api.get(SCANS, {"limit": 100})
    assert len(response.json()["results"]) == rows
    assert response.json()["results"][0]["progress"]["done"] == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_a_scans_hosts_take_a_fixed_number_of_queries(
    viewer_api, db, rows, django_assert_num_queries
):
    scan = running_scan({f"h{i:02}": "done" for i in range(rows)})
    # token, its last_used, roles, the scan, the page of its hosts with their names
    with django_assert_num_queries(5):
        response = viewer_api.get(f"{SCANS}{scan.pk}/hosts/", {"limit": 100})
    assert len(response.json()["results"]) == rows
