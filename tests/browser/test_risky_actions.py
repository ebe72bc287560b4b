"""Risky actions ask first, in a real browser: "Scan all hosts" shows how many hosts it will
scan; approving a changed host key shows both fingerprints and keeps the old key in the
history. A scan page lists failures first, shows an ETA and retries its failed hosts."""

import datetime
import os

import pytest
from django.utils import timezone

from tests.browser import test_readiness_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fleet, operator_login, log_in = pages.fleet, pages.operator_login, pages.log_in

SHOTS = "/tmp/risky-shots"
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1: no scan runs


@pytest.fixture
def no_queue(monkeypatch):  # type: ignore[no-untyped-def]
    import redis
    from rq import Queue

    from assessments.scanning import scans

    down = Queue("scans", connection=redis.Redis.from_url(CLOSED_REDIS_URL))
    monkeypatch.setattr(scans, "scan_queue", lambda: down)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_scan_all_hosts_asks_with_the_count_then_starts(
    page, live_server, fleet, operator_login, no_queue
):
    from assessments.models import Scan

    before = Scan.objects.count()
    log_in(page, live_server, "/scans/")
    page.click("details.panel summary")
    page.check("#id_all_hosts")
    page.click("form[action='/scans/start/'] button:has-text('Start scan')")
    page.wait_for_selector("h1:has-text('Scan all hosts?')")
    assert "3 enabled hosts" in page.inner_text(".confirm-count")
    assert Scan.objects.count() == before
    shot(page, "scan-all-confirm")
    page.click("button:has-text('Confirm: scan 3 hosts')")
    page.wait_for_selector(".messages li")
    scan = Scan.objects.latest("pk")
    assert scan.selection == {"all": True} and scan.host_scans.count() == 3


def test_a_scan_page_lists_failures_first_with_an_eta_and_retries_them(
    page, live_server, fleet, operator_login, no_queue
):
    from assessments.models import HostScan, Scan

    web, db_host, win = fleet
    started = timezone.now() - datetime.timedelta(minutes=6)
    scan = Scan.objects.create(status="running", started=started)
    for host, status in ((web, "done"), (db_host, "failed"), (win, "queued")):
        HostScan.objects.create(scan=scan, host=host, status=status, error_class="unreachable")
    log_in(page, live_server, f"/scans/{scan.pk}/")
    rows = page.locator("#scan-progress tbody tr td:first-child").all_inner_texts()
    assert rows[0] == "db-01"
    assert "about 3 min left" in page.inner_text(".eta")
    shot(page, "scan-failures-first")
    page.click("button:has-text('Retry 1 failed host')")
    page.wait_for_selector(".messages li")
    retry = Scan.objects.latest("pk")
    assert retry.pk != scan.pk and retry.selection == {"hosts": ["db-01"]}


def test_approving_a_changed_host_key_asks_and_keeps_the_history(
    page, live_server, fleet, operator_login
):
    from fleet.models import HostKey

    web = fleet[0]
    HostKey.objects.create(
        host=web,
        key_type="ssh-ed25519",
        fingerprint="SHA256:oldKEY",
        public_key="O",
        state="trusted",
    )
    new = HostKey.objects.create(
        host=web, key_type="ssh-ed25519", fingerprint="SHA256:newKEY", public_key="N"
    )
    log_in(page, live_server, f"/hosts/{web.pk}/")
    page.click(f"form[action='/hosts/{web.pk}/host-keys/{new.pk}/approve/'] button")
    page.wait_for_selector("h1:has-text('Approve a changed host key')")
    assert "SHA256:oldKEY" in page.inner_text(".old-key")
    assert "SHA256:newKEY" in page.inner_text(".new-key")
    shot(page, "host-key-confirm")
    page.click("button:has-text('Confirm: trust the new key')")
    page.wait_for_selector(".key-history")
    history = page.inner_text(".replaced-key")
    assert "SHA256:oldKEY" in history and "SHA256:newKEY" in history and "approved by op" in history
    page.locator("h2:has-text('SSH host keys')").scroll_into_view_if_needed()
    shot(page, "host-key-history")
