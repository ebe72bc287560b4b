import csv
import io

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse

from assessments.pages.exports import HEADER, neutralise
from tests.assessments.views.conftest import fleet, same_queries_with_more_hosts  # noqa: F401
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

EXPECTED_HEADER = (
    "host,address,os_family,groups,verdict,restriction,check,severity,title,evidence,"
    "remediation,waived,scanned_at,beyond_document"
)


@pytest.fixture
def hosts():
    web = make_host(name="web1", address="10.0.0.1", groups=["web", "dmz"])
    make_scan_result(web, [("selinux", "selinux.enforcing", "pass")])  # older scan ignored
    make_scan_result(
        web,
        [
            ("selinux", "selinux.enforcing", "blocker"),
            ("quotas", "quotas.on", "warning"),
            ("xattrs", "xattrs.none", "pass"),
        ],
    )
    db = make_host(name="db1", os_family="linux", groups=["db"])
    make_scan_result(db, [("filesystems", "filesystems.nfs", "blocker")])
    return web, db


def download(client, **params):
    response = client.get(reverse("export-blockers"), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, body


def rows_of(body):
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_it_starts_with_a_bom_and_the_exact_header(viewer_client, hosts):
    _, body = download(viewer_client)
    assert body.startswith("\ufeff" + EXPECTED_HEADER + "\r\n")
    assert ",".join(HEADER) == EXPECTED_HEADER


def test_it_has_one_row_per_blocker_of_the_latest_scans(viewer_client, hosts):
    _, body = download(viewer_client)
    rows = rows_of(body)[1:]
    assert [(r[0], r[6], r[7]) for r in rows] == [
        ("db1", "filesystems.nfs", "blocker"),
        ("web1", "selinux.enforcing", "blocker"),
    ]
    assert rows[1][3] == "dmz;web" and rows[1][4] == "not_ready" and rows[1][11] == "false"


def test_it_adds_warnings_on_request(viewer_client, hosts):
    _, body = download(viewer_client, include="warnings")
    assert [r[6] for r in rows_of(body)[1:]] == [
        "filesystems.nfs",
        "quotas.on",
        "selinux.enforcing",
    ]


def test_it_honours_the_hosts_list_filters(viewer_client, hosts):
    from fleet.models import HostGroup

    _, body = download(viewer_client, group=HostGroup.objects.get(name="db").pk)
    assert [r[0] for r in rows_of(body)[1:]] == ["db1"]
    _, body = download(viewer_client, q="web")
    assert [r[0] for r in rows_of(body)[1:]] == ["web1"]


def test_it_marks_waived_findings(viewer_client, hosts):
    from assessments.scanning.waivers import create_waiver

    create_waiver(hosts[0], "selinux.enforcing", "selinux", reason="ok", owner="me")
    _, body = download(viewer_client)
    web_row = next(r for r in rows_of(body) if r[0] == "web1")
    assert web_row[11] == "true" and web_row[4] == "waived"


def test_it_neutralises_formulas(viewer_client, db):
    host = make_host(name="=cmd|' /C calc'!A0", address="@evil")
    make_scan_result(
        host,
        [
            {
                "restriction": "selinux",
                "check_id": "selinux.x",
                "severity": "blocker",
                "title": "+SUM(1)",
                "evidence": "-2+3",
                "remediation": "\tx",
            }
        ],
    )
    _, body = download(viewer_client)
    row = rows_of(body)[1]
    assert row[0] == "'=cmd|' /C calc'!A0" and row[1] == "'@evil"
    assert row[8] == "'+SUM(1)" and row[9] == "'-2+3" and row[10] == "'\tx"


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\t1", "\r1"])
def test_every_formula_prefix_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain " + value) == "plain " + value


def test_it_streams(viewer_client, hosts):
    response, _ = download(viewer_client)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]


def test_it_refuses_a_user_without_a_role(client, hosts):
    from tests.conftest import make_user

    client.force_login(make_user(None, "nobody"))
    assert client.get(reverse("export-blockers")).status_code == 403


def test_its_query_count_does_not_grow_with_the_fleet(
    viewer_client,
    same_queries_with_more_hosts,  # noqa: F811
):
    same_queries_with_more_hosts(viewer_client, reverse("export-blockers"))


def test_the_command_writes_the_same_file(viewer_client, hosts, tmp_path):
    target = tmp_path / "blockers.csv"
    call_command("export_blockers", "--output", str(target))
    _, body = download(viewer_client)
    assert target.read_bytes().decode("utf-8") == body


def test_it_marks_the_findings_beyond_the_document():
    from assessments.pages.exports import blocker_rows
    from fleet.models import Host

    host = make_host(name="nfs1")
    make_scan_result(
        host,
        [
            ("kernel_services", "kernel_services.nfs_server", "blocker"),
            ("raw_devices", "raw_devices.bindings", "blocker"),
        ],
    )
    marks = {row[6]: row[-1] for row in blocker_rows(Host.objects.filter(pk=host.pk))}
    assert marks == {"kernel_services.nfs_server": "true", "raw_devices.bindings": "false"}


def test_it_lists_every_unknown_finding_even_without_warnings(viewer_client, hosts):
    make_scan_result(hosts[1], [("filesystems", "filesystems.capacity", "unknown")])
    _, body = download(viewer_client)
    db_rows = [r for r in rows_of(body)[1:] if r[0] == "db1"]
    assert [(r[6], r[7], r[4]) for r in db_rows] == [("filesystems.capacity", "unknown", "unknown")]


def test_it_has_one_row_for_a_host_never_scanned(viewer_client, hosts):
    make_host(name="new1", address="10.9.9.9")
    _, body = download(viewer_client)
    row = next(r for r in rows_of(body)[1:] if r[0] == "new1")
    assert row[4:10] == ["never", "", "", "unknown", "Never scanned", "never scanned"]
    assert row[12] == ""


def test_it_gives_the_error_of_a_host_whose_scan_failed(viewer_client, hosts):
    host = make_host(name="dead1")
    make_scan_result(
        host, status="failed", error_class="timeout", error_detail="no answer on 22 in 10 s"
    )
    _, body = download(viewer_client, include="warnings")
    rows = [r for r in rows_of(body)[1:] if r[0] == "dead1"]
    assert len(rows) == 1 and rows[0][4] == "unknown" and rows[0][7] == "unknown"
    assert rows[0][9] == "Timed out (timeout): no answer on 22 in 10 s"


def test_it_keeps_the_rows_in_host_order_with_the_unjudged_hosts(viewer_client, hosts):
    make_host(name="cache1")
    make_host(name="zeta1")
    _, body = download(viewer_client)
    assert [r[0] for r in rows_of(body)[1:]] == ["cache1", "db1", "web1", "zeta1"]


def test_it_neutralises_the_row_of_a_host_never_scanned(viewer_client, db):
    make_host(name="=cmd|' /C calc'!A0", address="+1")
    _, body = download(viewer_client)
    assert rows_of(body)[1][:2] == ["'=cmd|' /C calc'!A0", "'+1"]


def test_its_timestamps_are_iso_8601_to_the_second_with_the_zone(viewer_client, db):
    import datetime

    host = make_host(name="t1")
    when = datetime.datetime(2026, 12, 3, 22, 10, 5, 123456, tzinfo=datetime.UTC)
    make_scan_result(host, [("selinux", "selinux.x", "blocker")], finished=when)
    _, body = download(viewer_client)
    assert rows_of(body)[1][12] == "2026-12-03T22:10:05+00:00"
