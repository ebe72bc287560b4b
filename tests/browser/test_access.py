"""Keyboard and refusal in a real browser: the skip link, the 403 page inside the layout."""

import pytest

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_tab_shows_the_skip_link_and_enter_moves_to_main(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
):
    log_in(page, live_server, "/hosts/")
    link = page.locator("a.skip-link")
    assert link.bounding_box()["y"] < 0  # out of sight until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert link.bounding_box()["y"] >= 0
    page.screenshot(path="/tmp/access-skip-link.png")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_the_403_page_is_inside_the_layout_and_names_the_role(
    page,
    live_server,
    operator_login,  # noqa: F811
):
    log_in(page, live_server)
    response = page.goto(f"{live_server.url}/admin/django-rq/")
    assert response.status == 403
    assert page.locator("nav.mainnav").count() == 1
    assert "This page needs the admin role; you are an operator." in page.inner_text("main")
    page.screenshot(path="/tmp/access-403.png")
