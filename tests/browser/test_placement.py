"""An operator proposes a placement in a real browser: sets the headroom, reviews the
proposal, applies it and sees the destinations page's sums change."""

import os

import pytest

from tests.browser.test_readiness_pages import log_in, operator_login  # noqa: F401
from tests.builders import make_host, make_scan_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIB = 1024**3


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("P2C_SCREENSHOT"):
        page.screenshot(path=f"{os.environ['P2C_SCREENSHOT']}-{name}.png", full_page=True)


@pytest.fixture
def fleet(db):  # type: ignore[no-untyped-def]
    from fleet.models import TargetNode

    TargetNode.objects.create(name="vz-a", os_family="linux", free_bytes=100 * GIB)
    TargetNode.objects.create(name="vz-b", os_family="linux", free_bytes=300 * GIB)
    for name, gib in [("app-01", 60), ("app-02", 30), ("db-01", 120), ("huge-01", 400)]:
        host = make_host(name=name)
        make_scan_result(host, [], platform_stored=True, data_bytes=gib * GIB, capture={"df": b"x"})
    down = make_host(name="down-01")
    make_scan_result(down, [], status="failed", error_class="unreachable")


def node_panel(page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("section.panel", has=page.locator("h2", has_text=name))


def test_an_operator_reviews_and_applies_a_placement(
    page,
    live_server,
    fleet,
    operator_login,  # noqa: F811
):
    from fleet.models import Host

    log_in(page, live_server, "/destinations/")
    assert "0 hosts" in node_panel(page, "vz-a").inner_text()
    shot(page, "destinations-before")
    page.click("text=Propose a placement")
    page.wait_for_url("**/destinations/placement/")
    page.fill("#id_headroom", "95")
    page.click("text=Propose")
    assert "The headroom is at most 90 %" in page.content()
    shot(page, "headroom-error")
    page.fill("#id_headroom", "5")
    page.click("text=Propose")
    page.wait_for_url("**/destinations/placement/?*headroom=5*")
    shot(page, "review")
    vz_a = page.locator("section.placement-node", has=page.locator("h2", has_text="vz-a"))
    assert "app-01" in vz_a.inner_text() and "app-02" in vz_a.inner_text()
    assert "90.0 GiB of 95.0 GiB usable" in vz_a.inner_text()
    unplaced = page.locator("section.placement-unplaced").inner_text()
    assert "too big for any node: 400.0 GiB > 285.0 GiB usable" in unplaced
    assert "not judged: last scan failed (unreachable)" in unplaced
    page.click("text=Apply this proposal (3 changes)")
    page.wait_for_url(f"{live_server.url}/destinations/")
    assert "Placement applied (5 hosts considered): 3 hosts assigned; 3 hosts are being" in (
        page.content()
    )
    shot(page, "destinations-after")
    assert "2 hosts: 90.0 GiB assigned of 100.0 GiB free" in node_panel(page, "vz-a").inner_text()
    assert "1 host: 120.0 GiB assigned of 300.0 GiB free" in node_panel(page, "vz-b").inner_text()
    assert dict(Host.objects.values_list("name", "target__name"))["db-01"] == "vz-b"
    assert page.js_errors == []
