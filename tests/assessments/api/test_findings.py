import pytest

from assessments.models import Waiver
from tests.builders import make_host, make_scan_result

FINDINGS = "/api/v1/findings/"


def checks(response) -> list[str]:
    return sorted(row["check"] for row in response.json()["results"])


@pytest.fixture
def fleet(db):
    web = make_host(name="web1", groups=["web"])
    make_scan_result(web, findings=[("filesystems", "fs.old", "blocker")])  # superseded
    Waiver.objects.create(
        host=web, restriction="quotas", check_id="quota.on", reason="accepted", owner="ops"
    )
    make_scan_result(
        web,
        findings=[
            ("filesystems", "fs.unsupported", "blocker"),
            ("selinux", "selinux.enforcing", "warning"),
            ("quotas", "quota.on", "blocker"),
        ],
    )
    win = make_host(name="win1", os_family="windows")
    make_scan_result(win, findings=[("volumes", "vol.ntfs", "pass")])
    return {"web1": web, "win1": win}


def test_it_lists_the_findings_of_the_latest_results_only(viewer_api, fleet):
    response = viewer_api.get(FINDINGS)
    assert response.status_code == 200
    assert checks(response) == ["fs.unsupported", "quota.on", "selinux.enforcing", "vol.ntfs"]


def test_a_finding_names_its_host(viewer_api, fleet):
    row = viewer_api.get(FINDINGS, {"check": "vol.ntfs"}).json()["results"][0]
    assert (row["host"], row["host_name"], row["severity"]) == (fleet["win1"].pk, "win1", "pass")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"restriction": "filesystems"}, ["fs.unsupported"]),
        ({"severity": "blocker"}, ["fs.unsupported", "quota.on"]),
        ({"severity": "blocker", "waived": "false"}, ["fs.unsupported"]),
        ({"waived": "true"}, ["quota.on"]),
        ({"check": "selinux.enforcing"}, ["selinux.enforcing"]),
        ({"os_family": "windows"}, ["vol.ntfs"]),
    ],
)
def test_it_filters(viewer_api, fleet, params, expected):
    assert checks(viewer_api.get(FINDINGS, params)) == expected


def test_it_filters_by_host_and_group(viewer_api, fleet):
    assert len(checks(viewer_api.get(FINDINGS, {"host": fleet["win1"].pk}))) == 1
    group = fleet["web1"].groups.get()
    assert len(checks(viewer_api.get(FINDINGS, {"group": group.pk}))) == 3


def test_a_restriction_filter_keeps_the_pass_findings_of_the_class(viewer_api, fleet):
    # The hosts list's `restriction` means "hosts with a problem there"; here it is the
    # findings' own, so a host whose class passed still lists its pass finding.
    assert checks(viewer_api.get(FINDINGS, {"restriction": "volumes"})) == ["vol.ntfs"]


def test_an_invalid_filter_is_a_400(viewer_api, fleet):
    response = viewer_api.get(FINDINGS, {"severity": "dire", "wave": "12345"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"severity", "wave"}


def test_it_pages_with_a_cursor(viewer_api, fleet):
    first = viewer_api.get(FINDINGS, {"limit": 3}).json()
    assert len(first["results"]) == 3 and "count" not in first
    second = viewer_api.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 4
    assert second["next"] is None


def test_a_finding_detail_has_an_etag(viewer_api, fleet):
    row = viewer_api.get(FINDINGS).json()["results"][0]
    response = viewer_api.get(f"{FINDINGS}{row['id']}/")
    assert response.json() == row
    assert (
        viewer_api.get(f"{FINDINGS}{row['id']}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )


def test_findings_are_read_only(operator_api, fleet):
    assert operator_api.post(FINDINGS, {}, format="json").status_code == 405


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, rows, django_assert_num_queries):
    for number in range(rows):
        make_scan_result(make_host(), findings=[("filesystems", f"fs.{number}", "blocker")])
    # token, its last_used, roles, the page of findings with their hosts' names
    with django_assert_num_queries(4):
        response = viewer_api.get(FINDINGS, {"limit": 100})
    assert len(response.json()["results"]) == rows
