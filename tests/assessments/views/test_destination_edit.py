"""Operators add, edit and delete destination nodes; free space is entered in GiB."""

import pytest
from django.urls import reverse

from assessments.choices import ScanTrigger
from assessments.models import Scan
from fleet.models import Host, TargetNode
from tests.builders import make_host

pytestmark = pytest.mark.django_db

GIB = 1024**3


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "vz-01",
        "address": "",
        "os_family": "linux",
        "windows_version": "",
        "architecture": "x64",
        "free_gib": "1.5",
        "platform": "vz7",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_converts_gib_to_bytes(operator_client):
    response = operator_client.post(reverse("destination-create"), form_data())
    assert response.status_code == 302
    node = TargetNode.objects.get(name="vz-01")
    assert node.free_bytes == int(1.5 * GIB)
    assert node.platform == "vz7"


def test_create_without_free_space_records_none(operator_client):
    operator_client.post(reverse("destination-create"), form_data(free_gib=""))
    assert TargetNode.objects.get(name="vz-01").free_bytes is None


@pytest.mark.parametrize(
    ("value", "error"),
    [("-1", "cannot be negative"), ("5000000", "check the unit"), ("abc", "Enter a number")],
)
def test_create_refuses_negative_or_absurd_free_space(operator_client, value, error):
    response = operator_client.post(reverse("destination-create"), form_data(free_gib=value))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not TargetNode.objects.exists()


def test_edit_shows_free_space_in_gib(operator_client):
    node = TargetNode.objects.create(name="vz", free_bytes=512 * GIB)
    response = operator_client.get(reverse("destination-edit", args=[node.pk]))
    assert response.context["form"]["free_gib"].value() == 512
    assert 'value="512"' in response.content.decode()


def test_edit_of_free_space_reassesses_the_assigned_hosts(
    operator_client, django_capture_on_commit_callbacks
):
    node = TargetNode.objects.create(name="vz", free_bytes=100 * GIB, platform="legacy")
    make_host(name="a", target=node)
    make_host(name="b", target=node)
    make_host(name="other")
    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(
            reverse("destination-edit", args=[node.pk]),
            form_data(name="vz", free_gib="200", platform="legacy"),
            follow=True,
        )
    node.refresh_from_db()
    assert node.free_bytes == 200 * GIB
    scan = Scan.objects.get()
    assert scan.trigger == ScanTrigger.REASSESS
    assert scan.selection == {"hosts": ["a", "b"]}
    assert sorted(scan.host_scans.values_list("host__name", flat=True)) == ["a", "b"]
    html = response.content.decode()
    assert reverse("scan-detail", args=[scan.pk]) in html
    assert "2 assigned hosts are being re-judged" in html


def test_edit_of_platform_reassesses_too(operator_client, django_capture_on_commit_callbacks):
    node = TargetNode.objects.create(name="vz", free_bytes=GIB, platform="legacy")
    make_host(name="a", target=node)
    with django_capture_on_commit_callbacks(execute=False):
        operator_client.post(
            reverse("destination-edit", args=[node.pk]),
            form_data(name="vz", free_gib="1", platform="vz7"),
        )
    assert Scan.objects.get().selection == {"hosts": ["a"]}


def test_edit_of_notes_only_starts_no_reassessment(operator_client):
    node = TargetNode.objects.create(name="vz", free_bytes=GIB, platform="vz7")
    make_host(name="a", target=node)
    operator_client.post(
        reverse("destination-edit", args=[node.pk]),
        form_data(name="vz", free_gib="1", platform="vz7", notes="rack 4"),
    )
    assert TargetNode.objects.get().notes == "rack 4"
    assert not Scan.objects.exists()


def test_delete_confirm_names_the_assigned_hosts_and_unassigns_them(operator_client):
    node = TargetNode.objects.create(name="vz")
    make_host(name="a", target=node)
    make_host(name="b", target=node)
    page = operator_client.get(reverse("destination-delete", args=[node.pk])).content.decode()
    assert "2 hosts are assigned to vz: their destination becomes none" in page
    response = operator_client.post(reverse("destination-delete", args=[node.pk]))
    assert response.status_code == 302
    assert not TargetNode.objects.exists()
    assert set(Host.objects.values_list("target", flat=True)) == {None}


def test_viewers_see_no_buttons_and_are_refused(viewer_client):
    node = TargetNode.objects.create(name="vz")
    html = viewer_client.get(reverse("destination-list")).content.decode()
    assert "Add destination" not in html
    assert reverse("destination-edit", args=[node.pk]) not in html
    assert viewer_client.post(reverse("destination-create"), form_data()).status_code == 403
    edit = reverse("destination-edit", args=[node.pk])
    assert viewer_client.post(edit, form_data(name="vz")).status_code == 403
    assert viewer_client.post(reverse("destination-delete", args=[node.pk])).status_code == 403
    assert TargetNode.objects.get().name == "vz"


def test_operators_see_the_buttons(operator_client):
    node = TargetNode.objects.create(name="vz")
    html = operator_client.get(reverse("destination-list")).content.decode()
    assert "Add destination" in html
    assert reverse("destination-edit", args=[node.pk]) in html
    assert reverse("destination-delete", args=[node.pk]) in html
