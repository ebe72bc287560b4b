import pytest

from fleet.choices import CredentialKind
from fleet.lib.imports import ANSIBLE_INI, ANSIBLE_YAML, CSV, detect_format, import_hosts
from fleet.models import Host, HostGroup
from tests.fleet.builders import make_credential, make_host

pytestmark = pytest.mark.django_db

INI = b"""# production
bastion ansible_host=10.0.0.1

[web]
web[01:03].example.com ansible_user=deploy
db1:2222 ansible_become=yes

[win]
dc1 ansible_host=10.1.1.1 ansible_connection=winrm ansible_port=5986 ansible_winrm_scheme=https \
ansible_winrm_transport=kerberos,ntlm

[prod:children]
web
win

[prod:vars]
ansible_ssh_common_args='-o ProxyJump=jump.example.com'
"""

YAML = b"""all:
  vars:
    ansible_user: root
  children:
    linux:
      hosts:
        app1:
          ansible_host: 10.0.0.5
      children:
        db:
          hosts:
            pg1: {ansible_port: 2200, ansible_user: postgres}
    windows:
      vars: {ansible_connection: winrm, ansible_user: Administrator}
      hosts:
        w1:
"""


def hosts_in(group: str) -> set[str]:
    return set(HostGroup.objects.get(name=group).hosts.values_list("name", flat=True))


def test_ini_hosts_ranges_and_ports_are_read() -> None:
    report = import_hosts("hosts", INI)
    assert report.ok, report.errors
    assert report.format == ANSIBLE_INI
    assert Host.objects.count() == 6
    assert Host.objects.get(name="db1").port == 2222
    assert Host.objects.get(name="db1").use_sudo is True
    assert Host.objects.get(name="web02.example.com").address == "web02.example.com"


def test_ini_winrm_connection_means_windows() -> None:
    import_hosts("hosts", INI)
    dc = Host.objects.get(name="dc1")
    assert (dc.os_family, dc.address, dc.winrm_port, dc.port) == ("windows", "10.1.1.1", 5986, None)
    assert (dc.winrm_scheme, dc.winrm_transport) == ("https", "kerberos")


def test_ini_children_make_members_of_the_parents() -> None:
    import_hosts("hosts", INI)
    assert HostGroup.objects.get(name="web").parent.name == "prod"
    assert hosts_in("prod") == {
        "web01.example.com",
        "web02.example.com",
        "web03.example.com",
        "db1",
        "dc1",
    }
    assert Host.objects.get(name="bastion").groups.count() == 0


def test_ini_group_vars_reach_the_hosts() -> None:
    import_hosts("hosts", INI)
    assert Host.objects.get(name="web01.example.com").jump_host == "jump.example.com"
    assert Host.objects.get(name="bastion").jump_host == ""


def test_yaml_nesting_and_vars_precedence() -> None:
    report = import_hosts("inventory.yml", YAML)
    assert report.ok, report.errors
    assert hosts_in("linux") == {"app1", "pg1"}
    assert HostGroup.objects.get(name="db").parent.name == "linux"
    assert Host.objects.get(name="w1").os_family == "windows"
    assert Host.objects.get(name="pg1").port == 2200


def test_ansible_user_finds_the_credential_named_after_it() -> None:
    credential = make_credential("postgres", username="postgres")
    report = import_hosts("inventory.yml", YAML)
    assert Host.objects.get(name="pg1").credential == credential
    warned = {row.name for row in report.rows if row.warnings}
    assert warned == {"app1", "w1"}


def test_ansible_user_falls_back_to_the_only_credential_with_that_user() -> None:
    credential = make_credential("win-admin", username="Administrator", kind=CredentialKind.WINRM)
    import_hosts("inventory.yml", YAML)
    assert Host.objects.get(name="w1").credential == credential


def test_a_missing_credential_for_ansible_user_is_a_clear_warning() -> None:
    report = import_hosts("inventory.yml", YAML)
    row = next(r for r in report.rows if r.name == "app1")
    assert "no credential for user 'root'" in row.warnings[0]
    assert "add_credential" in row.warnings[0]


def test_reimporting_an_inventory_creates_no_duplicates() -> None:
    import_hosts("hosts", INI)
    report = import_hosts("hosts", INI)
    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 6}
    assert Host.objects.count() == 6 and HostGroup.objects.count() == 3


def test_reimport_keeps_what_ansible_does_not_describe() -> None:
    make_host("db1", owner="dba team", notes="keep me")
    import_hosts("hosts", INI)
    host = Host.objects.get(name="db1")
    assert (host.owner, host.notes, host.port) == ("dba team", "keep me", 2222)


def test_p2c_vars_name_credentials_and_targets() -> None:
    report = import_hosts("hosts.ini", b"[a]\nh1 p2c_credential=nope p2c_target=vz9\n")
    assert [p.message for p in report.errors] == [
        "h1: unknown credential 'nope'",
        "h1: unknown target 'vz9'",
    ]
    assert Host.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"[web\nh1\n", 1, "unparsable section header"),
        (b"[web:stuff]\nh1\n", 1, "unparsable section header"),
        (b"[web]\nh1 ansible_port=http\n", 2, "not a port number"),
        (b"[web]\nh1 'unterminated\n", 2, "unparsable host line"),
        (b"[web]\nh1 novalue\n", 2, "expected key=value"),
        (b"[web:vars]\njustaword\n[web]\nh1\n", 2, "expected key=value"),
        (b"[web]\nh1 ansible_connection=docker\n", 2, "neither SSH nor WinRM"),
        (b"[web]\nh1 ansible_become=perhaps\n", 2, "not a boolean"),
        (b"[web]\nh1 ansible_host='{{ lookup }}'\n", 2, "Jinja template"),
        (b"[web]\nh1 ansible_ssh_common_args='-J a,b'\n", 2, "one hop"),
        (b"host,ip\nh1,10.0.0.1\n", 1, "needs a header with a name column"),
        (b"[a:children]\nb\n[b:children]\na\n[b]\nh1\n", 1, "its own ancestor"),
    ],
)
def test_a_bad_ini_inventory_changes_nothing(data: bytes, line: int, message: str) -> None:
    make_host("h1", address="before")
    report = import_hosts("hosts", data)
    assert not report.ok
    assert any(p.line == line and message in p.message for p in report.errors), report.errors
    assert Host.objects.get(name="h1").address == "before"


def test_an_unparsable_yaml_inventory_is_reported_with_its_line() -> None:
    report = import_hosts("inv.yaml", b"all:\n  hosts:\n    h1: [\n")
    assert "unparsable YAML inventory" in report.errors[0].message
    assert report.errors[0].line == 4
    assert Host.objects.count() == 0


def test_an_unknown_key_in_a_yaml_group_is_reported() -> None:
    report = import_hosts("inv.yaml", b"all:\n  hostz:\n    h1:\n")
    assert report.errors[0].line == 2 and "unknown key 'hostz'" in report.errors[0].message


def test_a_yaml_dry_run_changes_nothing() -> None:
    report = import_hosts("inv.yml", YAML, dry_run=True)
    assert report.counts()["created"] == 3 and report.groups_created
    assert Host.objects.count() == 0 and HostGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("hosts", "[web]\nh1\n", ANSIBLE_INI),
        ("hosts", "all:\n  hosts:\n", ANSIBLE_YAML),
        ("hosts", "---\nall: {}\n", ANSIBLE_YAML),
        ("inventory.txt", "name,address\nh1,1.2.3.4\n", CSV),
        ("x.yml", "name,address\n", ANSIBLE_YAML),
        ("x.csv", "[web]\n", CSV),
        ("inventory", "h1\nh2 ansible_host=1.2.3.4\n", ANSIBLE_INI),
    ],
)
def test_the_format_is_detected_by_extension_then_content(name: str, text: str, fmt: str) -> None:
    assert detect_format(name, text) == fmt


def test_a_dynamic_inventory_plugin_file_says_how_to_export_it() -> None:
    report = import_hosts("aws_ec2.yml", b"plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n")
    assert "ansible-inventory" in report.errors[0].message


def test_a_credential_set_by_hand_is_kept_without_a_warning() -> None:
    credential = make_credential("by-hand", username="someone")
    make_host("app1", credential=credential)
    report = import_hosts("inventory.yml", YAML)
    assert Host.objects.get(name="app1").credential == credential
    assert not next(r for r in report.rows if r.name == "app1").warnings
