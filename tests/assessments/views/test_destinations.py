"""The destinations page never misleads: hosts not judged, over-committed nodes, one unit."""

import pytest
from django.urls import reverse

from fleet.models import TargetNode
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

GIB = 1024**3


def page(client) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("destination-list"))
    return response.context, response.content.decode()


def reasons(context: dict) -> dict[str, list[str]]:
    return {f.host.name: f.reasons for f in context["homeless"]}


def test_a_host_whose_last_scan_failed_is_never_compatible_and_says_why(viewer_client):
    TargetNode.objects.create(name="vz", os_family="linux", free_bytes=100 * GIB)
    down = make_host(name="down")
    make_scan_result(down, [], status="failed", error_class="unreachable")
    context, html = page(viewer_client)
    assert context["columns"][0]["count"] == 0
    assert reasons(context) == {"down": ["not judged: last scan failed (unreachable)"]}
    assert "not judged: last scan failed (unreachable)" in html


def test_a_failed_windows_host_says_the_same_as_a_linux_one(viewer_client):
    TargetNode.objects.create(name="w", os_family="windows", windows_version="2008r2")
    make_scan_result(
        make_host(name="win", os_family="windows"), [], status="failed", error_class="timeout"
    )
    assert reasons(page(viewer_client)[0]) == {"win": ["not judged: last scan failed (timed out)"]}


def test_a_host_never_scanned_is_listed_as_never_scanned(viewer_client):
    TargetNode.objects.create(name="vz", os_family="linux")
    make_host(name="new")
    context, _ = page(viewer_client)
    assert reasons(context) == {"new": ["never scanned"]}
    assert context["homeless_count"] == 1


def test_a_node_with_more_data_assigned_than_free_is_over_committed(viewer_client):
    node = TargetNode.objects.create(name="vz", os_family="linux", free_bytes=100 * GIB)
    for i, size in enumerate([150 * GIB, int(40.6 * GIB)]):
        make_scan_result(make_host(name=f"h{i}", target=node), [], data_bytes=size)
    context, html = page(viewer_client)
    assert context["columns"][0]["overcommit"] == int(90.6 * GIB)
    assert "Over-committed" in html
    assert "190.6 GiB assigned of 100.0 GiB free: over-committed by 90.6 GiB" in html


def test_a_node_with_room_for_its_hosts_has_no_warning(viewer_client):
    node = TargetNode.objects.create(name="vz", os_family="linux", free_bytes=100 * GIB)
    make_scan_result(make_host(name="h", target=node), [], data_bytes=10 * GIB)
    context, html = page(viewer_client)
    assert context["columns"][0]["overcommit"] == 0
    assert "Over-committed" not in html
    assert "10.0 GiB assigned of 100.0 GiB free" in html


def test_every_size_on_the_page_is_binary_with_one_decimal(viewer_client):
    TargetNode.objects.create(name="vz", os_family="linux", free_bytes=100 * GIB)
    make_scan_result(make_host(name="h"), [], platform_stored=True, data_bytes=int(18.6 * GIB))
    _, html = page(viewer_client)
    assert "18.6 GiB" in html and "100.0 GiB" in html
    assert " GB" not in html


def test_the_intro_counts_only_hosts_a_completed_scan_judged(viewer_client):
    TargetNode.objects.create(name="vz", os_family="linux")
    make_scan_result(make_host(name="ok"), [])
    make_scan_result(make_host(name="down"), [], status="failed", error_class="unreachable")
    make_host(name="new")
    context, html = page(viewer_client)
    assert (context["judged"], context["not_judged"], context["never_scanned"]) == (1, 1, 1)
    assert "Which of the 1 host judged by a completed scan" in html
    assert "(1 whose last scan did not complete and 1 never scanned: not judged" in html
