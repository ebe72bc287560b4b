"""The printable readiness report in chromium: it prints to PDF, and print media shows every
blocker and hides the site's navigation (pypdf is not installed: the text is read from the
print-media rendering)."""

import re

import pytest
from django.contrib.auth.models import Group, User

from tests.builders import make_host, make_scan_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-pw-123!"
BLOCKERS = {
    "web-01": [("selinux", "selinux.enforcing", "Long evidence: " + "x" * 400)],
    "web-02": [
        ("filesystems", "filesystems.unsupported_fs", "XFS with reflink on /data"),
        ("quotas", "quotas.enabled", "Quotas on /home"),
    ],
}


@pytest.fixture
def fleet(db):
    for name, findings in BLOCKERS.items():
        host = make_host(name=name, groups=["web"])
        make_scan_result(
            host,
            [
                {
                    "restriction": r,
                    "check_id": c,
                    "severity": "blocker",
                    "title": f"{name}: {c} blocks",
                    "evidence": e,
                }
                for r, c, e in findings
            ]
            + [("ip_addresses", "ip_addresses.aliases", "warning")],
        )
    make_host(name="never-01", groups=["web"])


@pytest.fixture
def viewer_login(db):
    user = User.objects.create_user("viewer", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    return user


def test_the_report_prints_every_blocker(page, live_server, fleet, viewer_login, tmp_path):
    page.goto(f"{live_server.url}/login/?next=/hosts/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/hosts/*")
    page.click("text=Printable report")
    page.wait_for_url(f"{live_server.url}/report/*")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", path=str(tmp_path / "report.pdf"))
    assert pdf.startswith(b"%PDF")
    # Each of the four sections starts a page of its own.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 4
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator(".actions").is_visible()
    text = page.locator("main").inner_text()
    for name, findings in BLOCKERS.items():
        for _, check, _ in findings:
            assert f"{name}: {check} blocks" in text
    assert "never-01" in text and "Never scanned" in text
    # The long evidence wraps inside the A4 width instead of running off the page.
    width = page.evaluate("() => document.querySelector('pre.evidence').scrollWidth")
    assert width <= page.evaluate("() => document.querySelector('pre.evidence').clientWidth")
    assert page.js_errors == []
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path="/tmp/report-print.png", full_page=True)
