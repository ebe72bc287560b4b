import pytest
from django.urls import reverse

from assessments.scanning.waivers import create_waiver
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


MODELS = ["scan", "hostscan", "capture", "finding", "waiver", "scanschedule"]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_results(staff_client, model):
    host = make_host(name="h1")
    make_scan_result(host, [("quotas", "quotas.on", "blocker")], capture={"uname": b"Linux"})
    create_waiver(host, "quotas.on", "quotas", reason="r", owner="o")
    response = staff_client.get(reverse(f"admin:assessments_{model}_changelist"))
    assert response.status_code == 200


def test_waivers_cannot_be_edited_around_the_audit_trail(staff_client):
    host = make_host(name="h1")
    make_scan_result(host, [("quotas", "quotas.on", "blocker")])
    waiver = create_waiver(host, "quotas.on", "quotas", reason="r", owner="o")
    url = reverse("admin:assessments_waiver_change", args=[waiver.pk])
    staff_client.post(url, {"reason": "changed", "owner": "x"})
    waiver.refresh_from_db()
    assert waiver.reason == "r"
