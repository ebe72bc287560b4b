"""The account page's API tokens and the Swagger UI, in chromium."""

import os

import pytest
import requests

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("P2C_SCREENSHOT"):
        page.screenshot(path=f"{os.environ['P2C_SCREENSHOT']}-{name}.png", full_page=True)


def test_a_user_makes_a_token_sees_it_once_uses_it_and_revokes_it(
    page,
    live_server,
    operator_login,  # noqa: F811
):
    log_in(page, live_server, "/account/")
    page.fill("#id_name", "ci pipeline")
    page.fill("#id_expires_days", "30")
    page.click("text=Make a token")
    key = page.locator("#new-token").inner_text().strip()
    assert key.startswith("p2c_")
    shot(page, "account-new-token")
    me = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {key}"}, timeout=10
    )
    assert me.json()["username"] == "op"
    page.goto(f"{live_server.url}/account/")
    assert key not in page.content()
    row = page.locator("tbody tr", has_text="ci pipeline")
    assert key[:12] in row.inner_text() and "active" in row.inner_text()
    row.locator("text=Revoke").click()
    page.wait_for_selector("text=is revoked.")
    assert "revoked" in page.locator("tbody tr", has_text="ci pipeline").inner_text()
    shot(page, "account-revoked")
    again = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {key}"}, timeout=10
    )
    assert again.status_code == 401


def test_the_swagger_ui_draws_every_endpoint_under_the_csp(
    page,
    live_server,
    operator_login,  # noqa: F811
):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    log_in(page, live_server, "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/hosts/" in p for p in paths)
    assert any("/api/v1/scans/{id}/cancel/" in p.replace("\u200b", "") for p in paths)
    assert page.js_errors == [] and refused == []
    shot(page, "swagger")
