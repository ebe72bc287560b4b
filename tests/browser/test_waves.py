"""An operator creates a wave, puts a host in it from the host page and filters by it."""

import os

import pytest

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("P2C_SCREENSHOT"):
        page.screenshot(path=f"{os.environ['P2C_SCREENSHOT']}-{name}.png", full_page=True)


def test_an_operator_creates_a_wave_assigns_a_host_and_filters_by_it(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
):
    web = fleet[0]
    log_in(page, live_server, "/waves/")
    page.fill("#id_name", "wave-1")
    page.fill("#id_target_date", "2027-03-01")
    page.click("text=Create wave")
    page.wait_for_selector("text=Wave wave-1 created.")
    page.goto(f"{live_server.url}{web.get_absolute_url()}")
    page.select_option("#id_wave", label="wave-1")
    page.click("text=Set wave")
    page.wait_for_selector("text=Wave of web-01: wave-1.")
    shot(page, "host")
    page.goto(f"{live_server.url}/waves/")
    row = page.locator("table.waves tbody tr")
    assert row.count() == 1
    assert "2027-03-01" in row.inner_text()
    shot(page, "waves")
    row.locator("a", has_text="wave-1").click()
    page.wait_for_url("**/hosts/?wave=*")
    shot(page, "hosts")
    assert page.locator("table tbody tr").count() == 1
    assert "web-01" in page.locator("table tbody").inner_text()
    assert page.js_errors == []


def test_deleting_a_wave_asks_first_naming_its_hosts(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
):
    from fleet.models import Host, Wave

    wave = Wave.objects.create(name="wave-9")
    Host.objects.filter(name__in=["web-01", "db-01"]).update(wave=wave)
    log_in(page, live_server, "/waves/")
    page.click("a[aria-label='Delete wave wave-9']")
    page.wait_for_url(f"**/waves/{wave.pk}/delete/")
    assert "2 hosts are in wave-9" in page.locator("main").inner_text()
    shot(page, "delete-confirm")
    assert Wave.objects.filter(pk=wave.pk).exists()
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Wave wave-9 deleted; 2 hosts are now in no wave.")
    assert not Wave.objects.filter(pk=wave.pk).exists()
    assert page.js_errors == []
