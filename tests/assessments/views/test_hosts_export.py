"""The hosts table exports: /export/hosts.csv, /export/hosts.xlsx and `export_hosts`."""

import csv
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments.checks.restrictions import RESTRICTIONS
from assessments.models import Waiver
from assessments.pages.hosts_export import HEADER
from fleet.models import TargetNode
from tests.assessments.views.conftest import fleet, same_queries_with_more_hosts  # noqa: F401
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

URLS = ["export-hosts-csv", "export-hosts-xlsx"]
FIRST = ["host", "address", "os_family", "groups", "verdict", "destination", "wave"]


def rows_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def header_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


@pytest.fixture
def mixed(db: None) -> dict:
    node = TargetNode.objects.create(name="vz-01")
    bad = make_host(name="alpha", address="10.1.0.1", groups=["db", "web"], target=node)
    make_scan_result(
        bad,
        [
            ("filesystems", "filesystems.unsupported_fs", "blocker"),
            ("filesystems", "filesystems.other", "warning"),
            ("quotas", "quotas.enabled", "warning"),
            ("selinux", "selinux.enforcing", "pass"),
        ],
    )
    unsure = make_host(name="bravo", address="10.1.0.2")
    make_scan_result(
        unsure,
        [
            {
                "restriction": "ip_addresses",
                "check_id": "ip_addresses.aliases",
                "severity": "unknown",
                "title": "Addresses could not be read",
            },
            ("selinux", "selinux.enforcing", "pass"),
        ],
    )
    failed = make_host(name="charlie", address="10.1.0.3")
    make_scan_result(failed, [], status="failed", error_class="timeout", error_detail="no answer")
    make_host(name="delta", address="10.1.0.4", os_family="windows")
    make_host(name="=HYPERLINK(1)", address="10.1.0.9")
    return {"node": node}


def test_the_header_starts_with_the_contract_then_one_column_per_restriction(viewer_client, mixed):
    header = header_of(viewer_client.get(reverse("export-hosts-csv")))
    assert header == HEADER
    assert header[:7] == FIRST
    assert header[7:-1] == [r.id for r in RESTRICTIONS]
    assert header[-1] == "reason"


def test_one_row_per_host_with_worst_severity_per_class(viewer_client, mixed):
    response = viewer_client.get(reverse("export-hosts-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = {row["host"]: row for row in rows_of(response)}
    assert set(rows) == {"alpha", "bravo", "charlie", "delta", "'=HYPERLINK(1)"}
    alpha = rows["alpha"]
    assert alpha["address"] == "10.1.0.1"
    assert alpha["groups"] == "db;web"
    assert alpha["verdict"] == "not_ready"
    assert alpha["destination"] == "vz-01"
    assert alpha["wave"] == ""
    assert alpha["filesystems"] == "blocker"  # the worst of blocker and warning
    assert alpha["quotas"] == "warning"
    assert alpha["selinux"] == "pass"
    assert alpha["xattrs"] == ""  # no finding of that class
    assert alpha["reason"] == ""


def test_unknown_and_unscanned_hosts_say_why(viewer_client, mixed):
    rows = {row["host"]: row for row in rows_of(viewer_client.get(reverse("export-hosts-csv")))}
    assert rows["bravo"]["verdict"] == "unknown"
    assert rows["bravo"]["ip_addresses"] == "unknown"
    assert rows["bravo"]["reason"] == "Addresses could not be read"
    assert rows["charlie"]["verdict"] == "unknown"
    assert rows["charlie"]["reason"].startswith("Latest scan failed: ")
    assert "(timeout)" in rows["charlie"]["reason"]
    assert rows["delta"]["verdict"] == "never"
    assert rows["delta"]["reason"] == "Never scanned"


def test_the_csv_honours_the_hosts_list_filters(viewer_client, mixed):
    response = viewer_client.get(reverse("export-hosts-csv"), {"os_family": "windows"})
    assert [row["host"] for row in rows_of(response)] == ["delta"]
    response = viewer_client.get(reverse("export-hosts-csv"), {"destination": mixed["node"].pk})
    assert [row["host"] for row in rows_of(response)] == ["alpha"]


@pytest.mark.parametrize("name", URLS)
def test_an_invalid_filter_answers_400_with_the_reason(viewer_client, mixed, name):
    response = viewer_client.get(reverse(name), {"group": "999", "verdict": "typo"})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.startswith("Invalid filter: ")
    assert "group=999" in body and "verdict=typo" in body


@pytest.mark.parametrize("name", URLS)
def test_anonymous_users_are_sent_to_log_in(client, mixed, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", URLS)
def test_a_user_without_a_role_is_refused(roleless_client, mixed, name):
    assert roleless_client.get(reverse(name)).status_code == 403


# Session, user and role, then the export's own: groups, hosts, findings (CSV); and the
# verdict counts and the blockers CSV's three queries (XLSX).
@pytest.mark.parametrize("name, queries", [("export-hosts-csv", 6), ("export-hosts-xlsx", 10)])
def test_the_queries_do_not_grow_with_the_fleet(
    viewer_client,
    same_queries_with_more_hosts,  # noqa: F811
    name,
    queries,
):
    assert same_queries_with_more_hosts(viewer_client, reverse(name)) == queries


def test_the_csv_reads_its_rows_in_a_fixed_number_of_queries(
    viewer_client, mixed, django_assert_num_queries
):
    with django_assert_num_queries(6):
        response = viewer_client.get(reverse("export-hosts-csv"))
        rows_of(response)


def test_the_workbook_has_summary_hosts_and_findings(viewer_client, mixed):
    response = viewer_client.get(reverse("export-hosts-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Summary", "Hosts", "Findings"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    summary = {row[0]: row[2] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["not_ready"] == 1
    assert summary["unknown"] == 2
    assert summary["never"] == 2
    assert summary["total"] == 5
    hosts = list(book["Hosts"].iter_rows(values_only=True))
    assert list(hosts[0]) == HEADER
    names = [row[0] for row in hosts[1:]]
    assert "'=HYPERLINK(1)" in names  # text, never a formula
    for row in book["Hosts"].iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    findings = list(book["Findings"].iter_rows(values_only=True))
    assert findings[0][:5] == ("host", "address", "os_family", "groups", "verdict")
    alpha = [row for row in findings[1:] if row[0] == "alpha"]
    assert {row[7] for row in alpha} == {"blocker", "warning"}


def test_the_workbook_is_streamed_from_a_file_with_its_length(viewer_client, mixed):
    response = viewer_client.get(reverse("export-hosts-xlsx"))
    assert response.streaming
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


def test_empty_texts_are_left_out_of_the_workbook_as_blank_cells(viewer_client, db):
    make_host(name="echo", address="10.1.0.5")  # no destination, no wave, never scanned
    response = viewer_client.get(reverse("export-hosts-xlsx"))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        hosts = archive.read("xl/worksheets/sheet2.xml").decode()
    assert 'r="A2"' in hosts and 'r="E2"' in hosts  # name ... verdict
    assert 'r="F2"' not in hosts and 'r="G2"' not in hosts  # destination, wave


def test_the_hosts_list_links_to_both_exports_with_its_filters(viewer_client, mixed):
    body = viewer_client.get(reverse("host-list"), {"os_family": "linux"}).content.decode()
    assert f"{reverse('export-hosts-csv')}?os_family=linux" in body
    assert f"{reverse('export-hosts-xlsx')}?os_family=linux" in body


def test_the_command_writes_the_same_csv(viewer_client, mixed, tmp_path):
    out = tmp_path / "hosts.csv"
    call_command("export_hosts", "--format", "csv", "--output", str(out))
    web = b"".join(viewer_client.get(reverse("export-hosts-csv")).streaming_content)
    assert out.read_bytes() == web


def test_the_command_takes_the_filters(mixed, tmp_path):
    out = tmp_path / "hosts.csv"
    call_command("export_hosts", "--output", str(out), "--filter", "os_family=windows")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [row["host"] for row in rows] == ["delta"]


def test_the_command_writes_the_workbook(mixed, tmp_path):
    out = tmp_path / "hosts.xlsx"
    call_command("export_hosts", "--format", "xlsx", "--output", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Hosts", "Findings"]
    assert book["Hosts"].max_row == 6


@pytest.mark.parametrize("item", ["verdict=typo", "colour=red", "os_family"])
def test_the_command_refuses_an_invalid_filter(mixed, tmp_path, item):
    with pytest.raises(CommandError, match="Invalid filter"):
        call_command("export_hosts", "--output", str(tmp_path / "x.csv"), "--filter", item)


def test_a_waived_blocker_reads_waived_below_an_unwaived_warning(viewer_client, db):
    host = make_host(name="echo")
    for restriction, check_id in [("filesystems", "filesystems.nfs"), ("quotas", "quotas.a")]:
        Waiver.objects.create(
            host=host, restriction=restriction, check_id=check_id, reason="r", owner="o"
        )
    make_scan_result(
        host,
        [
            {
                "restriction": "filesystems",
                "check_id": "filesystems.nfs",
                "severity": "blocker",
                "waived": True,
            },
            {
                "restriction": "quotas",
                "check_id": "quotas.a",
                "severity": "blocker",
                "waived": True,
            },
            ("quotas", "quotas.b", "warning"),
        ],
    )
    (row,) = rows_of(viewer_client.get(reverse("export-hosts-csv")))
    assert row["verdict"] == "waived"
    assert row["filesystems"] == "waived"
    assert row["quotas"] == "warning"


def test_the_command_writes_the_csv_to_standard_output_without_a_bom(mixed, capsys):
    call_command("export_hosts", "--filter", "os_family=windows")
    out = capsys.readouterr().out
    assert out.startswith("host,address,os_family,groups,verdict,destination,wave,")
    assert out.splitlines()[1].startswith("delta,")


def test_control_characters_of_raw_evidence_do_not_break_the_workbook(viewer_client, db):
    host = make_host(name="foxtrot")
    spec = {"restriction": "raw_devices", "check_id": "raw_devices.bound", "severity": "blocker"}
    # (No NUL: the database never holds one, results.db_text replaces it before saving.)
    make_scan_result(host, [{**spec, "evidence": "$ raw -qa\n\x1b[1mbound\x0b\x07"}])
    response = viewer_client.get(reverse("export-hosts-xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    (finding,) = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    assert finding[9] == "$ raw -qa\n\ufffd[1mbound\ufffd\ufffd"
