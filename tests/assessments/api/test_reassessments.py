import pytest

from assessments.checks.base import RULESET_VERSION
from assessments.models import HostScan, Scan
from tests.builders import make_host, make_scan_result

URL = "/api/v1/reassessments/"


@pytest.fixture
def fleet(db):
    hosts = [make_host(name="web1", groups=["web"]), make_host(name="db1")]
    for host in hosts:
        make_scan_result(host, [("selinux", "selinux.enforcing", "blocker")])
    return hosts


def test_an_operator_reassesses_the_scan_forms_selection(
    operator_api, fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as enqueues:
        response = operator_api.post(URL, {"groups": ["web"]}, format="json")
    assert response.status_code == 201, response.json()
    scan = Scan.objects.get(trigger="reassess")
    assert scan.selection == {"groups": ["web"]} and len(enqueues) == 1
    assert response["Location"].endswith(f"/api/v1/scans/{scan.pk}/")
    assert response.json()["progress"]["queued"] == 1


def test_the_status_of_a_reassessment_is_readable_here(viewer_api, operator_api, fleet):
    operator_api.post(URL, {"all": True}, format="json")
    scan = Scan.objects.get(trigger="reassess")
    Scan.objects.create(selection={"all": True})  # a plain scan is not listed
    assert [s["id"] for s in viewer_api.get(URL).json()["results"]] == [scan.pk]
    body = viewer_api.get(f"{URL}{scan.pk}/").json()
    assert (body["trigger"], body["progress"]["total"]) == ("reassess", 2)


def test_unknown_names_or_no_selection_are_a_400(operator_api, fleet):
    assert "hosts" in operator_api.post(URL, {"hosts": ["ghost"]}, format="json").json()["errors"]
    assert operator_api.post(URL, {}, format="json").status_code == 400
    assert not Scan.objects.filter(trigger="reassess").exists()


def test_outdated_reassesses_only_hosts_an_older_ruleset_judged(
    operator_api, fleet, django_capture_on_commit_callbacks
):
    HostScan.objects.filter(host__name="db1").update(ruleset=RULESET_VERSION)
    HostScan.objects.filter(host__name="web1").update(ruleset="old")
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_api.post(f"{URL}outdated/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert Scan.objects.get(trigger="reassess").selection == {"hosts": ["web1"]}


def test_outdated_takes_the_hosts_lists_filters_and_names_a_bad_one(operator_api, fleet):
    HostScan.objects.update(ruleset="old")
    bad = operator_api.post(f"{URL}outdated/", {"filters": {"verdict": "typo"}}, format="json")
    assert bad.status_code == 400 and "filters.verdict" in bad.json()["errors"]
    unknown = operator_api.post(f"{URL}outdated/", {"filters": {"colour": "x"}}, format="json")
    assert "filters" in unknown.json()["errors"]
    assert not Scan.objects.filter(trigger="reassess").exists()


def test_outdated_with_nothing_outdated_says_so(operator_api, fleet):
    HostScan.objects.update(ruleset=RULESET_VERSION)
    response = operator_api.post(f"{URL}outdated/", {}, format="json")
    assert response.status_code == 400
    assert "current ruleset" in response.json()["detail"]


def test_a_viewer_may_not_start_one(viewer_api, fleet):
    assert viewer_api.post(URL, {"all": True}, format="json").status_code == 403
    assert viewer_api.post(f"{URL}outdated/", {}, format="json").status_code == 403
    assert not Scan.objects.filter(trigger="reassess").exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, django_assert_num_queries, count):
    host = make_host()
    for _ in range(count):
        make_scan_result(host, scan=Scan.objects.create(selection={}, trigger="reassess"))
    with django_assert_num_queries(3 + 1):
        response = viewer_api.get(URL)
    assert len(response.json()["results"]) == count
