"""An invalid filter in a real browser: the error shows, no host is listed, no scan offered."""

import pytest

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invalid_filter_shows_its_error_and_lists_no_host(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/hosts/?os_family=windows&verdict=typo")
    alert = page.locator("[role=alert].filter-errors")
    assert "verdict=typo" in alert.inner_text()
    assert (
        "typo is not one of the available choices"
        in page.locator("label.filter").nth(4).inner_text()
    )
    assert page.locator("form[action='/scans/start-filtered/']").count() == 0
    assert page.locator("p.hint").first.inner_text() == "0 hosts."
