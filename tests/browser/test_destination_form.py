"""An operator adds a destination in a real browser: free space typed in GiB, shown in GiB
on the edit form, and the node appears on the destinations page with its buttons."""

import os

import pytest

from tests.browser import test_readiness_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fleet, operator_login, log_in = pages.fleet, pages.operator_login, pages.log_in

SHOTS = "/tmp/destination-shots"
GIB = 1024**3


def test_an_operator_adds_a_destination_in_gib(page, live_server, fleet, operator_login):
    from fleet.models import TargetNode

    log_in(page, live_server, "/destinations/")
    page.click("text=Add destination")
    page.fill("#id_name", "vz7-node-01")
    page.fill("#id_free_gib", "-3")
    page.select_option("#id_platform", "vz7")
    page.click("form.stack button[type=submit]")
    assert "cannot be negative" in page.content()
    page.fill("#id_free_gib", "750.5")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/form.png", full_page=True)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/destinations/")
    node = TargetNode.objects.get(name="vz7-node-01")
    assert node.free_bytes == int(750.5 * GIB)
    assert "Virtuozzo 7 (3.10)" in page.content()
    page.screenshot(path=f"{SHOTS}/list.png", full_page=True)
    page.click("text=Edit")
    assert page.input_value("#id_free_gib") == "750.5"
    assert page.js_errors == []
