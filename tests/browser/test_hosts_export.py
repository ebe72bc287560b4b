"""The hosts table exports download from the hosts list with its filters."""

import csv
import os

import pytest
from openpyxl import load_workbook

from tests.browser.test_readiness_pages import fleet, log_in, operator_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_hosts_csv_and_xlsx_download_with_the_filters(
    page,
    live_server,
    fleet,  # noqa: F811
    operator_login,  # noqa: F811
):
    log_in(page, live_server, "/hosts/?os_family=linux")
    if os.environ.get("P2C_SCREENSHOT"):
        page.screenshot(path=os.environ["P2C_SCREENSHOT"], full_page=True)
    with page.expect_download() as download_info:
        page.click("text=Hosts CSV")
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:7] == [
        "host",
        "address",
        "os_family",
        "groups",
        "verdict",
        "destination",
        "wave",
    ]
    assert sorted(row[0] for row in rows[1:]) == ["db-01", "web-01"]
    with page.expect_download() as download_info:
        page.click("text=Hosts XLSX")
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as handle:  # a temp name, no .xlsx
        book = load_workbook(handle)
    assert book.sheetnames == ["Summary", "Hosts", "Findings"]
    assert sorted(row[0] for row in book["Hosts"].iter_rows(min_row=2, values_only=True)) == [
        "db-01",
        "web-01",
    ]
