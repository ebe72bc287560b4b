import pytest

from fleet.lib.imports import import_hosts
from fleet.models import Host, HostGroup
from tests.fleet.builders import csv_bytes, make_credential, make_host, make_target

pytestmark = pytest.mark.django_db

GOOD = (
    "web1,10.0.0.1,2222,linux,web;prod,rhel5;legacy,root-pw,vz1,bastion:22,true,true,,,",
    "dc1,10.0.0.2,,windows,win,,,,,false,false,https,5986,kerberos",
)


@pytest.fixture
def names(db: None) -> None:
    make_credential("root-pw")
    make_target("vz1")


def test_it_creates_hosts_with_every_column(names: None) -> None:
    report = import_hosts("hosts.csv", csv_bytes(*GOOD))
    assert report.ok, report.errors
    web = Host.objects.get(name="web1")
    assert (web.address, web.port, web.os_family, web.jump_host) == (
        "10.0.0.1",
        2222,
        "linux",
        "bastion:22",
    )
    assert web.use_sudo and web.allow_legacy_ssh
    assert {g.name for g in web.groups.all()} == {"web", "prod"}
    assert {t.name for t in web.tags.all()} == {"rhel5", "legacy"}
    assert web.credential.name == "root-pw" and web.target.name == "vz1"


def test_it_reads_winrm_options(names: None) -> None:
    import_hosts("hosts.csv", csv_bytes(*GOOD))
    dc = Host.objects.get(name="dc1")
    assert (dc.os_family, dc.winrm_scheme, dc.winrm_port, dc.winrm_transport) == (
        "windows",
        "https",
        5986,
        "kerberos",
    )
    assert dc.credential is None and dc.port is None


def test_reimporting_the_same_file_changes_nothing(names: None) -> None:
    import_hosts("hosts.csv", csv_bytes(*GOOD))
    report = import_hosts("hosts.csv", csv_bytes(*GOOD))
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Host.objects.count() == 2


def test_it_updates_hosts_by_name_and_says_what_changed(names: None) -> None:
    make_host("web1", address="old", owner="kept")
    report = import_hosts("h.csv", csv_bytes("web1,10.9.9.9", header="name,address"))
    assert [(r.action, r.changes) for r in report.rows] == [("updated", ["address"])]
    host = Host.objects.get(name="web1")
    assert (host.address, host.owner) == ("10.9.9.9", "kept")


def test_an_empty_cell_means_the_default(names: None) -> None:
    make_host("web1", port=2222, use_sudo=True)
    import_hosts("h.csv", csv_bytes("web1,,", header="name,port,use_sudo"))
    host = Host.objects.get(name="web1")
    assert (host.port, host.use_sudo, host.address) == (None, False, "web1")


def test_an_empty_os_family_keeps_what_a_scan_learned(names: None) -> None:
    make_host("web1", os_family="linux")
    import_hosts("h.csv", csv_bytes("web1,", header="name,os_family"))
    assert Host.objects.get(name="web1").os_family == "linux"


def test_it_accepts_a_byte_order_mark_and_semicolons(names: None) -> None:
    data = '\ufeffname;address;groups;notes\nweb1;10.0.0.1;"a;b";café\n'.encode()
    report = import_hosts("h.csv", data)
    assert report.ok, report.errors
    host = Host.objects.get(name="web1")
    assert host.notes == "café" and host.groups.count() == 2


def test_it_reads_owner_site_notes_and_enabled(names: None) -> None:
    import_hosts(
        "h.csv", csv_bytes("a,ops,paris,old box,false", header="name,owner,site,notes,enabled")
    )
    host = Host.objects.get(name="a")
    assert (host.owner, host.site, host.notes, host.enabled) == ("ops", "paris", "old box", False)


def test_dry_run_reports_without_changing(names: None) -> None:
    report = import_hosts("hosts.csv", csv_bytes(*GOOD), dry_run=True)
    assert report.ok and report.counts()["created"] == 2
    assert Host.objects.count() == 0 and HostGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x,,99999", "not a port number"),
        ("x,,,solaris", "os_family 'solaris'"),
        ("x,,,,,,nobody", "unknown credential 'nobody'"),
        ("x,,,,,,,vz9", "unknown target 'vz9'"),
        ("x,,,,,,,,,maybe", "'maybe' is not a boolean"),
        ("x,,,,,,,,,,,ftp", "winrm_scheme 'ftp'"),
        (",10.0.0.1", "empty name"),
        ("x,,,,,,,,jump host:22", "not [user@]host[:port]"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_changes_nothing(
    names: None, row: str, message: str
) -> None:
    report = import_hosts("h.csv", csv_bytes("ok1,10.0.0.9", row))
    assert not report.ok
    assert [p.line for p in report.errors] == [3]
    assert message in report.errors[0].message
    assert Host.objects.count() == 0


def test_it_reports_every_problem_at_once(names: None) -> None:
    report = import_hosts("h.csv", csv_bytes("a,,0", "b,,,bsd", "a,,22", "c,,,,,,ghost"))
    assert [p.line for p in report.errors] == [2, 3, 4, 5]
    assert "duplicate name 'a' (first on line 2)" in report.errors[2].message
    assert Host.objects.count() == 0


def test_an_unknown_column_is_reported_on_the_header(names: None) -> None:
    report = import_hosts("h.csv", csv_bytes("a,b", header="name,hostname"))
    assert [(p.line, "unknown column 'hostname'" in p.message) for p in report.errors] == [
        (1, True)
    ]


def test_a_file_without_a_name_column_is_refused(names: None) -> None:
    report = import_hosts("h.csv", csv_bytes("10.0.0.1", header="address"))
    assert "no 'name' column" in report.errors[0].message


def test_a_failing_row_rolls_back_the_groups_of_good_rows(names: None) -> None:
    report = import_hosts("h.csv", csv_bytes("a,,,,newgroup", "b,,,,,,,,,,,,,,"[:-1] + ",zz"))
    assert not report.ok
    assert not HostGroup.objects.filter(name="newgroup").exists()


def test_rows_are_numbered_by_their_first_line_despite_multiline_cells(names: None) -> None:
    data = b'name,notes,port\na,"two\nlines",22\nb,,bad\n'
    report = import_hosts("h.csv", data)
    assert [p.line for p in report.errors] == [4]


def test_a_file_that_is_not_utf8_is_refused_with_its_line(names: None) -> None:
    report = import_hosts("h.csv", b"name,notes\na,caf\xe9\n")
    assert "line 2" in report.errors[0].message and "UTF-8" in report.errors[0].message


def test_a_value_too_long_for_the_database_is_an_error(names: None) -> None:
    report = import_hosts("h.csv", csv_bytes("a," + "x" * 300, header="name,address"))
    assert "address" in report.errors[0].message and report.errors[0].line == 2


@pytest.mark.parametrize("document", ["README.md", "docs/inventory.md"])
def test_the_documented_csv_example_imports(document: str) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / document).read_text()
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    for name in ("root-key", "domain-admin"):
        make_credential(name)
    make_target("vz-node-1")
    report = import_hosts("example.csv", example.encode())
    assert report.ok, report.errors
    assert report.counts()["created"] == 2


def test_an_import_costs_about_one_query_per_new_host(
    names: None, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    rows = [f"h{i},10.0.0.{i},web;prod,t1;t2" for i in range(40)]
    with django_assert_max_num_queries(60):
        report = import_hosts("h.csv", csv_bytes(*rows, header="name,address,groups,tags"))
    assert report.counts()["created"] == 40
    assert Host.objects.get(name="h7").groups.count() == 2


def test_reimporting_unchanged_hosts_writes_nothing(
    names: None, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    data = csv_bytes(*[f"h{i},web" for i in range(40)], header="name,groups")
    import_hosts("h.csv", data)
    with django_assert_max_num_queries(12):
        import_hosts("h.csv", data)


def test_empty_cells_padding_rows_and_header_are_ignored(names: None) -> None:
    report = import_hosts("h.csv", b"name,address,,\nweb1,10.0.0.1,,\nweb2,10.0.0.2,,,\n")
    assert report.ok, report.errors
    assert Host.objects.count() == 2


def test_a_value_beyond_the_header_is_an_error(names: None) -> None:
    report = import_hosts("h.csv", b"name,address,\nweb1,10.0.0.1,oops\nweb2,1,,extra\n")
    assert [p.line for p in report.errors] == [2, 3]


def test_a_concurrent_change_is_reported_and_rolled_back(names: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    def collide(**fields: object) -> None:
        raise IntegrityError("UNIQUE constraint failed: fleet_hostgroup.name")

    monkeypatch.setattr(HostGroup.objects, "create", collide)
    report = import_hosts("h.csv", csv_bytes("a,,,,newgroup"))
    assert "changed during the import" in report.errors[0].message
    assert not report.rows and Host.objects.count() == 0
