"""The served plotly bundle draws every trace type of the overview in chromium: bars, the
donut's slices and the lines over time (a bundle without one draws empty axes, no error)."""

import pytest

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = {
    "chart-restrictions-data": "g.trace.bars path",
    "chart-verdicts-data": "g.slice path.surface",
    "chart-os-data": "g.trace.bars path",
    "chart-time-data": "g.trace.scatter path.js-line",
}


@pytest.mark.usefixtures("fleet", "operator_login")
def test_bars_slices_and_lines_are_drawn(page, live_server):
    log_in(page, live_server)
    for data_id, shapes in DRAWN.items():
        chart = page.locator(f"[data-chart={data_id}]")
        page.wait_for_selector(f"[data-chart={data_id}].chart-ready svg.main-svg")
        assert chart.locator(shapes).count() > 0, data_id
    assert page.js_errors == []
