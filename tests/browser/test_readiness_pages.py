"""The readiness pages in a real browser: charts draw, filters, waivers, a live scan, the CSV."""

import csv
import re
import threading
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections

from tests.builders import make_host, make_scan_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-pw-123!"


@pytest.fixture
def fleet(db):
    web = make_host(name="web-01", groups=["web"])
    make_scan_result(web, [("selinux", "selinux.enforcing", "blocker")])
    db_host = make_host(name="db-01", groups=["db"])
    make_scan_result(db_host, [("quotas", "quotas.enabled", "warning")])
    win = make_host(name="win-01", os_family="windows", groups=["legacy"])
    make_scan_result(win, [("qos", "qos.psched", "pass")])
    return web, db_host, win


@pytest.fixture
def operator_login(db):
    user = User.objects.create_user("op", password=PASSWORD)
    # transaction=True flushes the roles migration's groups after the first test.
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


def log_in(page, live_server, next_path="/"):
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.fill("#id_username", "op")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}*")


def test_the_overview_draws_its_charts_and_follows_the_filters(
    page, live_server, fleet, operator_login
):
    log_in(page, live_server)
    page.wait_for_selector("#chart-restrictions-data + *, .chart-ready svg.main-svg")
    assert page.locator(".chart.chart-ready svg.main-svg").count() >= 4
    assert page.js_errors == []
    page.goto(f"{live_server.url}/hosts/?os_family=windows")
    assert page.locator("table.table tbody tr").count() == 1
    # An operator's first cell is the bulk checkbox; the host comes next.
    assert page.locator("table.table tbody").inner_text().strip().startswith("win-01")
    page.click("text=Charts for these hosts")
    page.wait_for_selector(".chart-ready svg.main-svg")
    assert page.locator(".card.total .card-num").inner_text() == "1"


def test_an_operator_waives_a_blocker_and_sees_the_verdict_change(
    page, live_server, fleet, operator_login
):
    web = fleet[0]
    log_in(page, live_server, f"/hosts/{web.pk}/")
    assert "Not ready" in page.locator("h1").inner_text()
    page.click("text=Waive this finding")
    page.fill("textarea[name=reason]", "Vendor support requires it; moving anyway")
    page.fill("input[name=owner]", "ops team")
    page.click("form[action$='/waivers/'] button[type=submit]")
    page.wait_for_selector(".messages")
    assert "Ready with conditions (waived)" in page.locator("h1").inner_text()
    assert "Not ready" not in page.locator("h1").inner_text()
    assert page.locator(".finding .badge.waived").count() == 1
    assert page.locator(".sev-summary .chip-waived").inner_text().strip() == "waived 1"
    # The scan it was judged on keeps the verdict it had then.
    page.click(f"a[href='/scans/{web.latest_scan.scan_id}/']")
    page.wait_for_selector("table.table tbody tr")
    row = page.locator("table.table tbody tr", has_text="web-01")
    assert "Not ready" in row.inner_text()


def test_an_operator_starts_a_scan_and_watches_it_finish(
    page, live_server, fleet, operator_login, monkeypatch, settings
):
    from assessments import collectors, jobs
    from assessments.scanning import scans
    from tests.assessments.scan_helpers import linux_result

    def slow_collect(target, host_keys):
        time.sleep(0.8)
        return linux_result(target.name)

    def run_in_background(scan_id, ids):
        # SQLite's in-memory test database allows one connection (the live server shares it
        # with the test); a second thread with its own meets "table is locked". There the
        # background "worker" borrows the live server's connection, one host at a time.
        shared = connections["default"] if connections["default"].vendor == "sqlite" else None
        if shared is not None:
            shared.inc_thread_sharing()

        def work():
            if shared is not None:
                connections["default"] = shared
            try:
                jobs.Batch(scan_id, ids, owner="browser-test").run()
            finally:
                if shared is not None:
                    shared.dec_thread_sharing()
                else:
                    connections.close_all()

        threading.Thread(target=work, daemon=True).start()
        return []

    settings.SCAN_CONCURRENCY = 1
    monkeypatch.setattr(collectors, "collect", slow_collect)
    monkeypatch.setattr(scans, "enqueue_batches", run_in_background)
    log_in(page, live_server, "/scans/")
    page.click("text=Start a scan")
    page.fill("input[name=hosts]", "web-01 db-01")
    page.click("form[action='/scans/start/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/scans/\d+/$"))
    page.wait_for_selector("[data-status=finished]", timeout=20_000)
    assert "2 done" in page.locator(".progress-head").inner_text()
    assert page.locator("table.table .badge.v-not_ready").count() == 2


def test_the_csv_downloads_with_the_filters(page, live_server, fleet, operator_login):
    log_in(page, live_server, "/hosts/?group=" + str(fleet[0].groups.get().pk))
    with page.expect_download() as download_info:
        page.click("text=Blockers CSV")
    path = download_info.value.path()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["host", "address", "os_family", "groups", "verdict"]
    assert [row[0] for row in rows[1:]] == ["web-01"]
