"""User data in chart labels is text: plotly must not turn a group's name into markup."""

import pytest

from tests.browser.test_readiness_pages import log_in, operator_login  # noqa: F401 (fixture)
from tests.builders import make_host, make_scan_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIL = '<b>x</b><a href="https://evil.example/">link</a>'


@pytest.mark.usefixtures("operator_login")
def test_a_group_name_with_tags_shows_literally_in_the_group_chart(page, live_server):
    host = make_host(name="web-01", groups=[EVIL])
    make_scan_result(host, [("selinux", "selinux.enforcing", "blocker")])
    log_in(page, live_server)
    chart = page.locator("[data-chart=chart-groups-data]")
    page.wait_for_selector("[data-chart=chart-groups-data].chart-ready svg.main-svg")
    assert chart.locator("a").count() == 0
    assert chart.locator("b").count() == 0
    assert EVIL in chart.locator("svg").first.text_content()
    assert page.js_errors == []
