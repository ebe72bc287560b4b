"""On a phone (375 px wide) the filters, the group filter among them, fit: no page scroll."""

import pytest

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401
from tests.builders import make_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def overflow(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("path", ["/hosts/", "/", "/destinations/placement/"])
def test_the_filters_fit_a_phone_screen(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
    path,
):
    make_host(name="long-01", groups=["a-very-long-group-name-of-the-datacentre-migration-wave-3"])
    log_in(page, live_server, path)
    page.set_viewport_size(PHONE)
    page.reload()
    groups = page.locator("form.filters select[name=group], form.filters [name=group]").first
    box = groups.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert overflow(page) <= 0
    page.screenshot(path=f"/tmp/access-phone{path.replace('/', '-')}.png", full_page=True)
