"""Starting a scan in a real browser while Redis is down: the scan's page says "queue
unavailable" (a warning), not a server error."""

import os

import pytest

from tests.browser import test_readiness_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fleet, operator_login, log_in = pages.fleet, pages.operator_login, pages.log_in

SHOTS = "/tmp/queue-shots"
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_a_scan_started_while_redis_is_down_says_queue_unavailable(
    page, live_server, fleet, operator_login, monkeypatch
):
    import redis
    from rq import Queue

    from assessments.models import Scan
    from assessments.scanning import scans

    down = Queue("scans", connection=redis.Redis.from_url(CLOSED_REDIS_URL))
    monkeypatch.setattr(scans, "scan_queue", lambda: down)
    log_in(page, live_server, "/scans/")
    page.click("details.panel summary")
    page.check("#id_all_hosts")
    page.click("form[action='/scans/start/'] button:has-text('Start scan')")
    # Scanning all hosts asks first, with the count.
    page.click("button:has-text('Confirm: scan 3 hosts')")
    page.wait_for_selector(".messages li.warning")
    scan = Scan.objects.latest("pk")
    page.wait_for_url(f"{live_server.url}/scans/{scan.pk}/")
    warning = page.locator(".messages li.warning")
    assert "saved but not started: queue unavailable" in warning.inner_text()
    assert warning.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 243, 225)"
    assert scan.status == "queued" and scan.host_scans.filter(status="queued").count() == 3
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/queue-unavailable.png", full_page=True)
