"""Uploading a capture in a real browser: another host's capture needs "Import anyway", and
the capture is judged by a job while the scan page shows its progress."""

import re
import threading

import pytest
from django.db import connections

from assessments.captures import capture_to_targz
from assessments.facts import ProbeOutput
from assessments.models import HostScan
from tests.assessments.scan_helpers import RAW_BOUND
from tests.browser import test_readiness_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
fleet, operator_login, log_in = pages.fleet, pages.operator_login, pages.log_in

SHOTS = "/tmp/upload-shots"


def test_another_hosts_capture_is_imported_only_when_confirmed(
    page, live_server, fleet, operator_login, monkeypatch
):
    import os

    from assessments import jobs
    from assessments.scanning import scans

    def run_in_background(scan_id, ids):
        # As in test_readiness_pages: the "worker" borrows the live server's SQLite connection.
        shared = connections["default"] if connections["default"].vendor == "sqlite" else None
        if shared is not None:
            shared.inc_thread_sharing()

        def work():
            if shared is not None:
                connections["default"] = shared
            try:
                jobs.scan_batch(scan_id, ids)
            finally:
                if shared is not None:
                    shared.dec_thread_sharing()
                else:
                    connections.close_all()

        threading.Thread(target=work, daemon=True).start()
        return []

    monkeypatch.setattr(scans, "enqueue_batches", run_in_background)
    os.makedirs(SHOTS, exist_ok=True)
    data = capture_to_targz("linux", "db-07", {"raw": ProbeOutput(RAW_BOUND, b"", 0)})
    upload = {"name": "p2c-capture.tar.gz", "mimeType": "application/gzip", "buffer": data}
    log_in(page, live_server, "/captures/upload/")
    page.select_option("#id_host", label="web-01")
    page.set_input_files("#id_capture", upload)
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("#hostname-mismatch")
    assert "This capture is from host db-07, not web-01." in page.inner_text("#hostname-mismatch")
    page.screenshot(path=f"{SHOTS}/mismatch.png", full_page=True)
    assert not HostScan.objects.filter(transport="capture").exists()

    page.check("#id_import_anyway")
    page.set_input_files("#id_capture", upload)
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/scans/\d+/$"))
    page.wait_for_selector("[data-status=finished]", timeout=20_000)
    page.screenshot(path=f"{SHOTS}/scan.png", full_page=True)
    assert "1 done" in page.locator(".progress-head").inner_text()
    assert HostScan.objects.get(transport="capture").host == fleet[0]
