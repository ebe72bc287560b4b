"""start_lab, the CSV inventory, the database rows, and the fleetlab command."""

import csv
import io
import time

import pytest
from django.core.management import call_command

from assessments.lab import faults
from assessments.lab.acceptor import Acceptor
from assessments.lab.inventory import (
    GROUP,
    HEADER,
    HostSpec,
    create_hosts,
    inventory_rows,
    plan,
    start_lab,
    write_inventory,
)
from fleet.models import Credential, HostGroup

DESIGN_HEADER = (
    "name,address,port,os_family,groups,tags,credential,target,jump_host,use_sudo,"
    "allow_legacy_ssh,winrm_scheme,winrm_port,winrm_transport"
)


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_plans_the_same_fleet_for_the_same_seed():
    assert plan(50, seed=3) == plan(50, seed=3)
    assert plan(50, seed=3) != plan(50, seed=4)


def test_its_fleet_mixes_linux_and_windows():
    profiles = {spec.profile.split("_")[0] for spec in plan(200, seed=1)}
    assert profiles == {"linux", "windows"}


def test_it_spreads_the_requested_faults():
    specs = plan(100, seed=1, faults="refused=3,hang=2%")
    assert sum(spec.fault == faults.REFUSED for spec in specs) == 3
    assert sum(spec.fault == faults.HANG for spec in specs) == 2


def test_it_writes_the_design_header(tmp_path):
    with start_lab(4, seed=1) as lab:
        write_inventory(lab, tmp_path / "fleet.csv")
    assert (tmp_path / "fleet.csv").read_text().splitlines()[0] == DESIGN_HEADER
    assert ",".join(HEADER) == DESIGN_HEADER


def test_its_rows_point_ssh_at_port_and_winrm_at_winrm_port(tmp_path):
    specs = [HostSpec("linux_clean"), HostSpec("windows_2003_x86")]
    with start_lab(hosts=specs) as lab:
        linux, windows = inventory_rows(lab)
        assert linux["port"] == str(lab.hosts[0].port) and linux["winrm_port"] == ""
        assert windows["winrm_port"] == str(lab.hosts[1].port) and windows["port"] == ""
    assert windows["winrm_transport"] == "basic"
    assert linux["groups"] == GROUP


def test_it_writes_https_for_tls_hosts():
    with start_lab(hosts=[HostSpec("windows_2003_x86", https=True)]) as lab:
        (row,) = inventory_rows(lab)
        assert lab.certificate.exists()
    assert row["winrm_scheme"] == "https"
    assert not lab.certificate.exists()


def test_it_tags_hosts_with_profile_and_fault():
    with start_lab(hosts=[HostSpec("linux_clean", fault=faults.HANG)]) as lab:
        (row,) = inventory_rows(lab)
    assert row["tags"].split(";") == [GROUP, "profile-linux_clean", "fault-hang"]


def test_it_listens_on_loopback_only():
    acceptor = Acceptor(workers=1)
    try:
        with pytest.raises(ValueError, match="loopback"):
            acceptor.listen("0.0.0.0", 0, None)
    finally:
        acceptor.stop()


def test_it_uses_consecutive_ports_from_a_base(unused_tcp_port_base):
    with start_lab(3, base_port=unused_tcp_port_base) as lab:
        ports = [host.port for host in lab.hosts]
    assert ports == [unused_tcp_port_base + i for i in range(3)]


@pytest.fixture
def unused_tcp_port_base() -> int:
    import socket

    for base in range(41000, 60000, 37):
        try:
            sockets = []
            for port in range(base, base + 3):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                sockets.append(sock)
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    pytest.skip("no free port range")


@pytest.mark.django_db
def test_it_creates_host_rows_in_a_trusting_group():
    with start_lab(hosts=[HostSpec("linux_clean", name="a"), HostSpec("windows_2003_x86")]) as lab:
        hosts = create_hosts(lab)
    assert [h.name for h in hosts] == ["a", "lab-0002"]
    assert hosts[0].trusts_first_host_key()
    assert hosts[1].credential.secret() == lab.credentials.password
    assert hosts[1].winrm_port == lab.hosts[1].port


@pytest.mark.django_db
def test_the_command_writes_an_inventory_and_credentials(tmp_path):
    path = tmp_path / "fleet.csv"
    out = io.StringIO()
    call_command("fleetlab", hosts=12, inventory=str(path), seed=2, run_seconds=0, stdout=out)
    rows = read_csv(path)
    assert len(rows) == 12
    assert list(rows[0]) == HEADER
    assert {row["credential"] for row in rows} <= {c.name for c in Credential.objects.all()}
    assert HostGroup.objects.get(name=GROUP).trust_first_host_key
    assert "Fleet lab: 12 hosts" in out.getvalue()


@pytest.mark.django_db
def test_the_command_never_prints_the_password(tmp_path):
    out = io.StringIO()
    call_command("fleetlab", hosts=2, inventory=str(tmp_path / "f.csv"), run_seconds=0, stdout=out)
    secret = Credential.objects.get(name="fleetlab-ssh").secret()
    assert secret not in out.getvalue()
    assert secret not in (tmp_path / "f.csv").read_text()


def test_it_starts_hundreds_of_hosts_quickly():
    started = time.monotonic()
    with start_lab(300, seed=1) as lab:
        assert len({host.port for host in lab.hosts}) == 300
    assert time.monotonic() - started < 5


def test_the_fleetlab_command_prints_its_help(capsys):
    import pytest
    from django.core.management import call_command

    with pytest.raises(SystemExit) as stopped:
        call_command("fleetlab", "--help")
    assert stopped.value.code == 0 and "--faults" in capsys.readouterr().out
