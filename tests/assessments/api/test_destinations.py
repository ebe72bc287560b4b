import pytest

from assessments.choices import ScanTrigger
from assessments.models import Scan
from fleet.models import Host, TargetNode
from tests.builders import make_host

URL = "/api/v1/destinations/"
GIB = 1024**3
NODE = {"name": "vz-01", "os_family": "linux", "architecture": "x64", "free_gib": 1.5}


def detail(node: TargetNode) -> str:
    return f"{URL}{node.pk}/"


def test_a_viewer_lists_nodes_with_gib_bytes_and_assigned_hosts(viewer_api, db):
    node = TargetNode.objects.create(name="vz", free_bytes=512 * GIB, platform="vz7")
    make_host(name="a", target=node)
    body = viewer_api.get(URL).json()
    row = body["results"][0]
    assert (row["name"], row["free_gib"], row["free_bytes"]) == ("vz", 512.0, 512 * GIB)
    assert row["assigned_hosts"] == 1
    assert row["reassessment"] is None


def test_an_operator_creates_one_in_gib(operator_api):
    response = operator_api.post(URL, NODE, format="json")
    assert response.status_code == 201, response.json()
    node = TargetNode.objects.get(name="vz-01")
    assert node.free_bytes == int(1.5 * GIB)
    assert response["Location"].endswith(detail(node))


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1, "cannot be negative"), (5000000, "check the unit"), ("abc", "Enter a number")],
)
def test_the_pages_free_space_checks_answer_400(operator_api, value, error):
    response = operator_api.post(URL, {**NODE, "free_gib": value}, format="json")
    assert response.status_code == 400
    assert error in response.json()["errors"]["free_gib"][0]
    assert not TargetNode.objects.exists()


def test_a_duplicate_name_is_a_400_naming_the_field(operator_api):
    TargetNode.objects.create(name="vz-01")
    response = operator_api.post(URL, NODE, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_a_patch_keeps_what_it_leaves_out(operator_api):
    node = TargetNode.objects.create(name="vz", free_bytes=GIB, platform="vz7", notes="rack")
    response = operator_api.patch(detail(node), {"address": "10.1.1.1"}, format="json")
    assert response.status_code == 200, response.json()
    node.refresh_from_db()
    assert (node.address, node.free_bytes, node.platform, node.notes) == (
        "10.1.1.1",
        GIB,
        "vz7",
        "rack",
    )
    assert not Scan.objects.exists()


def test_editing_free_space_reassesses_the_assigned_hosts(
    operator_api, django_capture_on_commit_callbacks
):
    node = TargetNode.objects.create(name="vz", free_bytes=100 * GIB, platform="legacy")
    make_host(name="a", target=node)
    make_host(name="b", target=node)
    make_host(name="other")
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_api.patch(detail(node), {"free_gib": 200}, format="json")
    scan = Scan.objects.get()
    assert (scan.trigger, scan.selection) == (ScanTrigger.REASSESS, {"hosts": ["a", "b"]})
    started = response.json()["reassessment"]
    assert (started["scan"], started["hosts"]) == (scan.pk, 2)
    assert started["status_url"].endswith(f"/api/v1/scans/{scan.pk}/")


def test_editing_the_platform_reassesses_too(operator_api, django_capture_on_commit_callbacks):
    node = TargetNode.objects.create(name="vz", free_bytes=GIB, platform="legacy")
    make_host(name="a", target=node)
    with django_capture_on_commit_callbacks(execute=False):
        operator_api.patch(detail(node), {"platform": "vz7"}, format="json")
    assert Scan.objects.get().selection == {"hosts": ["a"]}


def test_delete_unassigns_the_hosts(operator_api):
    node = TargetNode.objects.create(name="vz")
    make_host(name="a", target=node)
    assert operator_api.delete(detail(node)).status_code == 204
    assert Host.objects.get().target is None


def test_a_viewer_may_not_write(viewer_api, db):
    node = TargetNode.objects.create(name="vz")
    assert viewer_api.post(URL, NODE, format="json").status_code == 403
    assert viewer_api.patch(detail(node), {"notes": "x"}, format="json").status_code == 403
    assert viewer_api.delete(detail(node)).status_code == 403
    assert TargetNode.objects.get().notes == ""


def test_the_detail_has_an_etag(viewer_api, db):
    node = TargetNode.objects.create(name="vz")
    tag = viewer_api.get(detail(node))["ETag"]
    assert viewer_api.get(detail(node), HTTP_IF_NONE_MATCH=tag).status_code == 304


@pytest.mark.parametrize("nodes", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, django_assert_num_queries, nodes):
    for n in range(nodes):
        node = TargetNode.objects.create(name=f"vz{n}")
        make_host(target=node)
    with django_assert_num_queries(3 + 1):
        response = viewer_api.get(URL)
    assert len(response.json()["results"]) == nodes
