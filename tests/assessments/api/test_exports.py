import csv
import io

import pytest
from openpyxl import load_workbook

from tests.builders import make_host, make_scan_result

EXPORTS = "/api/v1/exports/"


@pytest.fixture
def fleet(db):
    web = make_host(name="web1", groups=["web"])
    make_scan_result(
        web,
        [
            ("filesystems", "fs.unsupported", "blocker"),
            ("quotas", "quotas.on", "warning"),
        ],
    )
    db1 = make_host(name="db1", groups=["db"])
    make_scan_result(db1, [("selinux", "selinux.enforcing", "blocker")])
    return [web, db1]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("api", "page"),
    [("blockers.csv", "/export/blockers.csv"), ("hosts.csv", "/export/hosts.csv")],
)
@pytest.mark.parametrize("params", [{}, {"q": "web1"}, {"include": "warnings"}])
def test_the_csv_is_the_pages_file(viewer_api, viewer_client, fleet, api, page, params):
    response = viewer_api.get(EXPORTS + api, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="p2c-' in response["Content-Disposition"]
    assert body(response) == body(viewer_client.get(page, params))


def test_the_blockers_follow_the_filters(viewer_api, fleet):
    text = body(viewer_api.get(EXPORTS + "blockers.csv", {"q": "db1"})).decode("utf-8-sig")
    assert "selinux.enforcing" in text and "fs.unsupported" not in text


def test_the_workbook_is_the_pages(viewer_api, fleet):
    response = viewer_api.get(EXPORTS + "hosts.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(body(response)))
    hosts = book.worksheets[1]
    assert sorted(row[0].value for row in hosts.iter_rows(min_row=2)) == ["db1", "web1"]


@pytest.mark.parametrize("name", ["blockers.csv", "hosts.csv", "hosts.xlsx"])
def test_an_invalid_filter_is_a_json_400(viewer_api, fleet, name):
    response = viewer_api.get(EXPORTS + name, {"group": "999"})
    assert response.status_code == 400
    assert response.json()["errors"]["group"]


@pytest.mark.parametrize("name", ["blockers.csv", "hosts.csv", "hosts.xlsx"])
def test_an_export_needs_a_token(db, client, name):
    assert client.get(EXPORTS + name).status_code == 401


@pytest.mark.parametrize("name", ["blockers.csv", "hosts.csv"])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_csv_takes_a_fixed_number_of_queries(
    viewer_api, db, rows, name, django_assert_num_queries
):
    for _ in range(rows):
        make_scan_result(make_host(groups=["g"]), [("filesystems", "fs.x", "blocker")])
    with django_assert_num_queries(6):
        response = viewer_api.get(EXPORTS + name)
        lines = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert len(lines) == rows + 1
