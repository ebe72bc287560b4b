"""The lab's SSH hosts, driven by a plain paramiko client."""

import io
import socket
import time

import paramiko
import pytest

from assessments.lab import faults
from assessments.lab.inventory import HostSpec, start_lab
from assessments.probes import LINUX
from assessments.probes.framing import new_token, parse_framed
from assessments.probes.script import build_linux_script

FAULTS = (
    faults.AUTH_FAILURE,
    faults.REFUSED,
    faults.HANG,
    faults.GARBAGE,
    faults.DISCONNECT,
    faults.HUGE,
    faults.CHANGED_HOST_KEY,
    faults.LEGACY_ONLY,
)
HUGE = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def lab():
    specs = [HostSpec("linux_selinux", name="selinux"), HostSpec("linux_clean", name="clean")]
    specs += [HostSpec("linux_clean", fault=fault, name=fault) for fault in FAULTS]
    specs.append(HostSpec("linux_clean", name="slow", latency_ms=300))
    with start_lab(hosts=specs, huge_bytes=HUGE, workers=16) as running:
        yield running


def connect(lab, name: str, **auth) -> paramiko.SSHClient:
    host = lab.host(name)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    if not auth:
        auth = {"password": lab.credentials.password}
    client.connect(
        host.address,
        host.port,
        username=lab.credentials.username,
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
        banner_timeout=1,
        auth_timeout=5,
        **auth,
    )
    return client


def run_script(client: paramiko.SSHClient, script: str) -> tuple[bytes, int]:
    stdin, stdout, _ = client.exec_command("/bin/sh -s", timeout=10)
    stdin.write(script)
    stdin.channel.shutdown_write()
    data = stdout.read()
    return data, stdout.channel.recv_exit_status()


def probe_script(token: str) -> str:
    return build_linux_script(LINUX.values(), use_sudo=False, token=token)


def scan(lab, name: str) -> tuple[dict, int, bytes]:
    token = new_token()
    with connect(lab, name) as client:
        data, status = run_script(client, probe_script(token))
    return parse_framed(data, token), status, data


def test_it_answers_the_probe_script_byte_exact(lab):
    probes, status, _ = scan(lab, "selinux")
    assert status == 0
    assert set(probes) == set(LINUX)
    for probe_id in LINUX:
        assert probes[probe_id] == lab.host("selinux").probes[probe_id], probe_id


def test_it_answers_only_the_probes_the_script_asked_for(lab):
    token = new_token()
    script = build_linux_script([LINUX["uname"], LINUX["df"]], use_sudo=False, token=token)
    with connect(lab, "clean") as client:
        data, _ = run_script(client, script)
    assert set(parse_framed(data, token)) == {"uname", "df"}


def test_it_names_itself_in_uname(lab):
    probes, _, _ = scan(lab, "clean")
    assert probes["uname"].stdout.startswith(b"Linux clean ")


def test_it_accepts_the_lab_key(lab):
    with connect(lab, "clean", pkey=lab.credentials.client_key) as client:
        assert client.get_transport().is_authenticated()


def test_it_accepts_the_key_stored_for_the_key_credential(lab):
    key = paramiko.Ed25519Key.from_private_key(io.StringIO(lab.credentials.client_key_pem))
    with connect(lab, "clean", pkey=key) as client:
        assert client.get_transport().is_authenticated()


def test_it_rejects_a_wrong_password(lab):
    with pytest.raises(paramiko.AuthenticationException):
        connect(lab, "clean", password="not-the-password")


def test_it_rejects_everyone_with_the_auth_fault(lab):
    with pytest.raises(paramiko.AuthenticationException):
        connect(lab, faults.AUTH_FAILURE)


def test_it_answers_other_commands_with_not_found(lab):
    with connect(lab, "clean") as client:
        _, stdout, stderr = client.exec_command("cat /etc/shadow", timeout=5)
        assert stdout.channel.recv_exit_status() == 127
        assert stderr.read() == b"sh: 1: cat: not found\n"


def test_it_serves_several_sessions_on_one_connection(lab):
    with connect(lab, "clean") as client:
        client.exec_command("true", timeout=5)[1].channel.recv_exit_status()
        _, status = run_script(client, probe_script(new_token()))
    assert status == 0


def test_it_refuses_connections_with_the_refused_fault(lab):
    host = lab.host(faults.REFUSED)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host.address, host.port), timeout=2)


def test_it_accepts_and_never_answers_with_the_hang_fault(lab):
    with pytest.raises(paramiko.SSHException):
        connect(lab, faults.HANG)


def test_it_sends_noise_with_the_garbage_fault(lab):
    probes, _, data = scan(lab, faults.GARBAGE)
    assert probes == {}
    assert len(data) == 4096


def test_it_drops_the_connection_mid_answer(lab):
    probes, status, _ = scan(lab, faults.DISCONNECT)
    assert status == -1
    assert any(out.truncated for out in probes.values())


def test_it_streams_huge_output(lab):
    probes, status, _ = scan(lab, faults.HUGE)
    assert status == 0
    assert len(probes["getfattr"].stdout) >= HUGE
    assert probes["uname"].rc == 0


def test_it_presents_another_key_after_the_first_connection(lab):
    keys = []
    for _ in range(3):
        with connect(lab, faults.CHANGED_HOST_KEY) as client:
            keys.append(client.get_transport().get_remote_server_key().get_base64())
    assert keys[0] != keys[1]
    assert keys[1] == keys[2]


def test_it_offers_only_sha1_key_exchange_with_the_legacy_fault(lab):
    with pytest.raises(paramiko.SSHException, match="kex"):
        connect(lab, faults.LEGACY_ONLY)


def test_it_offers_no_post_quantum_key_exchange_so_clients_pick_curve25519(lab):
    others = [kex for kex in paramiko.Transport._preferred_kex if not kex.startswith("mlkem")]
    with pytest.raises(paramiko.SSHException, match="kex"):
        connect(lab, "clean", disabled_algorithms={"kex": others})


def test_it_answers_after_the_latency(lab):
    started = time.monotonic()
    scan(lab, "slow")
    assert time.monotonic() - started >= 0.3


def test_it_keeps_host_keys_across_restarts_with_a_state_dir(tmp_path):
    keys = []
    for _ in range(2):
        with start_lab(hosts=[HostSpec("linux_clean", name="a")], state_dir=tmp_path) as lab:
            keys.append(lab.host("a").host_key.get_base64())
    assert keys[0] == keys[1]


def test_it_gives_each_host_its_own_key(lab):
    assert lab.host("clean").host_key.get_base64() != lab.host("selinux").host_key.get_base64()
