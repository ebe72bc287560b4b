"""Bulk actions on the hosts list in a real browser: tick three hosts, assign them a
destination and see the node's assigned sum change; select every host matching a filter,
confirm on the server's page, and see what changed."""

import os

import fakeredis
import pytest

from tests.browser import test_readiness_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fleet, operator_login, log_in = pages.fleet, pages.operator_login, pages.log_in

SHOTS = "/tmp/s19/shots"
GIB = 1024**3


@pytest.fixture
def queue(monkeypatch):  # type: ignore[no-untyped-def]
    """Scans are enqueued on a private fake Redis and never run: the test reads the DB."""
    from rq import Queue

    from assessments.scanning import scans

    fake = Queue("scans", connection=fakeredis.FakeRedis())
    monkeypatch.setattr(scans, "scan_queue", lambda: fake)
    return fake


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/bulk-{name}.png", full_page=True)


def sized(fleet) -> None:  # type: ignore[no-untyped-def]
    """Each host's latest result holds 10 GiB of data and a stored capture."""
    from assessments.models import Capture, HostScan

    HostScan.objects.filter(host__in=fleet).update(data_bytes=10 * GIB)
    for host in fleet:
        Capture.objects.create(host_scan_id=host.latest_scan_id, data=b"stored")


def assigned_text(page, node: str) -> str:  # type: ignore[no-untyped-def]
    panel = page.locator("section.panel", has=page.locator(f"h2:text-is('{node}')"))
    return str(panel.locator("dt:text-is('Assigned') + dd").inner_text())


def test_an_operator_assigns_three_hosts_and_sees_the_node_sum_change(
    page, live_server, fleet, operator_login, queue
):
    from assessments.models import Scan
    from fleet.models import Host, TargetNode

    TargetNode.objects.create(name="node-a", os_family="linux", free_bytes=100 * GIB)
    Host.objects.filter(name="win-01").update(os_family="linux")
    sized(fleet)
    log_in(page, live_server, "/destinations/")
    assert assigned_text(page, "node-a").startswith("0 hosts")

    page.goto(f"{live_server.url}/hosts/")
    page.check("input.select-page")  # the header box ticks the page
    assert page.locator("input[name=host]:checked").count() == 3
    assert page.inner_text(".bulk-count") == "(3 hosts selected)"
    page.select_option("#id_bulk-target", label="node-a")
    shot(page, "hosts-selected")
    page.click("button[value=destination]")
    page.wait_for_selector(".messages li")
    message = page.inner_text(".messages li")
    assert message.startswith("Assigned 3 hosts to node-a.")
    assert "Re-judging 3 hosts from their stored captures" in message
    shot(page, "assigned")
    assert Scan.objects.filter(trigger="reassess").count() == 1

    page.goto(f"{live_server.url}/destinations/")
    text = assigned_text(page, "node-a")
    assert text.startswith("3 hosts") and "30.0 GiB assigned of 100.0 GiB free" in text
    shot(page, "destinations")
    assert page.js_errors == []


def test_select_all_matching_asks_to_confirm_then_tags_every_match(
    page, live_server, fleet, operator_login, queue
):
    from fleet.models import HostGroup, Tag

    group = HostGroup.objects.get(name="web")
    log_in(page, live_server, f"/hosts/?group={group.pk}")
    page.check("input[name=all_matching]")
    assert page.inner_text(".bulk-count") == "(all 1 host matching)"
    page.fill("#id_bulk-tag", "wave-1")
    page.click("button[value=tag_add]")
    page.wait_for_selector("h1:has-text('Add tag wave-1 on 1 host?')")
    assert "every host matching these filters" in page.inner_text(".confirm-count")
    assert "Group: web" in page.inner_text(".confirm-filters")
    assert not Tag.objects.filter(name="wave-1").exists()
    shot(page, "confirm")
    page.click("button:has-text('Confirm: Add tag wave-1 on 1 host')")
    page.wait_for_selector(".messages li")
    assert page.inner_text(".messages li") == "Tagged 1 host with wave-1."
    assert page.url.endswith(f"/hosts/?group={group.pk}")
    assert list(Tag.objects.get(name="wave-1").hosts.values_list("name", flat=True)) == ["web-01"]


def test_without_javascript_ticked_hosts_are_posted_as_a_form(
    browser, live_server, fleet, operator_login, queue
):
    from fleet.models import Wave

    Wave.objects.create(name="W1")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "/hosts/")
        assert page.locator("input.select-page").is_hidden()  # needs JavaScript
        page.check("input[aria-label='Select db-01']")
        page.check("input[aria-label='Select web-01']")
        page.select_option("#id_bulk-wave", label="W1")
        page.click("button[value=wave_set]")
        page.wait_for_selector(".messages li")
        assert page.inner_text(".messages li") == "Put 2 hosts in wave W1."
    finally:
        context.close()


def test_scan_all_hosts_from_the_hosts_list_asks_first(
    page, live_server, fleet, operator_login, queue
):
    from assessments.models import Scan

    before = Scan.objects.count()
    log_in(page, live_server, "/hosts/")
    page.click("form[action='/scans/start-filtered/'] button:has-text('Scan all hosts')")
    page.wait_for_selector("h1:has-text('Scan all hosts?')")
    assert "3 enabled hosts" in page.inner_text(".confirm-count")
    assert Scan.objects.count() == before
    page.click("button:has-text('Confirm: scan 3 hosts')")
    page.wait_for_selector(".messages li")
    assert Scan.objects.latest("pk").selection == {"all": True}


def test_an_operator_waives_a_class_on_the_ticked_hosts(
    page, live_server, fleet, operator_login, queue
):
    log_in(page, live_server, "/hosts/")
    page.check("input[aria-label='Select web-01']")
    page.click("summary:has-text('Waive a restriction class')")
    page.select_option("#id_bulk-restriction", "selinux")
    page.fill("#id_bulk-reason", "Accepted by the change board")
    page.fill("#id_bulk-owner", "ops")
    shot(page, "waive")
    page.click("button[value=waive]")
    page.wait_for_selector(".messages li")
    assert page.inner_text(".messages li") == "Waived `selinux` on 1 host (1 finding)."
    row = page.locator("table.table tbody tr", has_text="web-01")
    assert "Ready with conditions (waived)" in row.inner_text()


def test_enter_in_the_tag_field_does_not_start_a_scan(
    page, live_server, fleet, operator_login, queue
):
    from assessments.models import Scan

    before = Scan.objects.count()
    log_in(page, live_server, "/hosts/")
    page.check("input.select-page")
    page.fill("#id_bulk-tag", "pci")
    page.press("#id_bulk-tag", "Enter")
    page.wait_for_selector(".messages li")
    assert page.inner_text(".messages li") == "Nothing changed: Action: Choose an action."
    assert Scan.objects.count() == before
