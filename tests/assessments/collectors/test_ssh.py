"""The paramiko SSH collector against a real OpenSSH sshd on loopback."""

import contextlib
import gc
import os
import re
import socket
import subprocess
import threading
import time

import pytest

from assessments.choices import ErrorClass
from assessments.collectors import base
from assessments.collectors.base import CollectError
from assessments.engine import assess
from assessments.facts import Facts
from assessments.probes import LINUX
from assessments.probes.script import build_linux_script
from fleet.choices import CredentialKind, HostKeyState
from fleet.models import HostKey
from tests.assessments.collectors.conftest import (
    collect_over_ssh,
    key_credential,
    make_credential,
    make_host,
    tiny_script,
)
from tests.sshd import NOSUDO_USER

pytestmark = [pytest.mark.sshd, pytest.mark.django_db]


def collect(host, **kwargs):
    return collect_over_ssh(host, **kwargs)


def failure(host, **kwargs) -> CollectError:
    with pytest.raises(CollectError) as caught:
        collect(host, **kwargs)
    return caught.value


def test_it_collects_with_a_password(sshd):
    result = collect(make_host(sshd))
    assert result.transport == "ssh"
    assert result.probes["whoami"].stdout.strip() == b"p2ctest"
    assert result.probes["whoami"].rc == 0


def test_it_records_the_algorithms_it_negotiated(sshd):
    result = collect(make_host(sshd))
    assert re.search(r"kex=(curve25519|ecdh|diffie-hellman|mlkem|sntrup)\S+", result.algorithms), (
        result.algorithms
    )
    assert "hostkey=ssh-ed25519" in result.algorithms
    assert "cipher=" in result.algorithms


def test_it_reads_the_hostname_from_uname(sshd):
    assert collect(make_host(sshd)).hostname == socket.gethostname()


def test_it_collects_with_a_private_key(sshd, client_keys):
    result = collect(make_host(sshd, credential=key_credential(client_keys)))
    assert result.probes["whoami"].stdout.strip() == b"p2ctest"


def test_it_collects_with_an_encrypted_key_and_its_passphrase(sshd, client_keys):
    host = make_host(sshd, credential=key_credential(client_keys, encrypted=True))
    assert collect(host).probes["whoami"].stdout.strip() == b"p2ctest"


def test_it_reports_a_wrong_password_as_auth_failed(sshd):
    error = failure(make_host(sshd, credential=make_credential(secret="wrong-pw")))
    assert error.error_class == ErrorClass.AUTH_FAILED
    assert "wrong-pw" not in error.detail


def test_it_reports_a_missing_passphrase_as_auth_failed(sshd, client_keys):
    credential = key_credential(client_keys, encrypted=True)
    credential.passphrase_encrypted = ""
    credential.save()
    assert failure(make_host(sshd, credential=credential)).error_class == ErrorClass.AUTH_FAILED


def test_it_needs_an_ssh_credential(sshd, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    host = make_host(sshd)
    host.credential = None
    host.save()
    assert failure(host).error_class == ErrorClass.NO_CREDENTIAL


def test_it_reports_a_closed_port_as_refused(db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = failure(make_host(port=port))
    assert error.error_class == ErrorClass.REFUSED
    assert error.retryable


def test_it_times_out_on_a_listener_that_never_speaks(db):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        started = time.monotonic()
        error = failure(make_host(port=listener.getsockname()[1]), deadline_s=1.5)
    assert error.error_class == ErrorClass.TIMEOUT
    assert time.monotonic() - started < 6  # paramiko alone would wait 15 s for a banner


def test_it_stops_a_hanging_script_at_the_deadline(sshd):
    def hanging(use_sudo: bool, token: str) -> str:
        return tiny_script(use_sudo, token) + "sleep 30\n"

    started = time.monotonic()
    result = collect(make_host(sshd), script=hanging, deadline_s=3)
    assert time.monotonic() - started < 10  # the script sleeps 30 s
    assert result.probes["whoami"].stdout.strip() == b"p2ctest"
    assert any("deadline" in note for note in result.notes)


def test_it_stops_reading_at_the_output_cap(sshd, monkeypatch):
    monkeypatch.setattr(base, "MAX_OUTPUT", 100_000)

    def huge(use_sudo: bool, token: str) -> str:
        return f"printf '\\n@@P2C {token} BEGIN big\\n'; yes p2c | head -c 50000000\n"

    result = collect(make_host(sshd), script=huge)
    assert result.probes["big"].truncated
    assert len(result.probes["big"].stdout) < 100_000
    assert any("MiB" in note for note in result.notes)


def test_it_reports_a_script_without_frames_as_a_protocol_error(sshd):
    error = failure(make_host(sshd), script=lambda use_sudo, token: "echo garbage\n")
    assert error.error_class == ErrorClass.PROTOCOL_ERROR


def test_it_runs_probes_with_sudo_when_configured(sshd):
    result = collect(make_host(sshd, use_sudo=True))
    assert result.probes["whoami"].stdout.strip() == b"root"


def test_it_reports_sudo_that_wants_a_password_as_permission_denied(sshd):
    credential = make_credential(username=NOSUDO_USER)
    error = failure(make_host(sshd, use_sudo=True, credential=credential))
    assert error.error_class == ErrorClass.PERMISSION_DENIED
    assert "NOPASSWD" in error.detail


def test_it_goes_through_a_jump_host(sshd, bastion_sshd):
    host = make_host(sshd, jump_host=f"127.0.0.1:{bastion_sshd.port}")
    assert collect(host).probes["whoami"].stdout.strip() == b"p2ctest"


def test_it_pins_the_jump_hosts_key_too(sshd, bastion_sshd):
    collect(make_host(sshd, jump_host=f"p2ctest@127.0.0.1:{bastion_sshd.port}"))
    pinned = HostKey.objects.get(fingerprint=bastion_sshd.host_key_fingerprint)
    assert pinned.host.enabled is False
    assert pinned.state == HostKeyState.TRUSTED


def test_it_refuses_an_unapproved_jump_host_key(sshd, bastion_sshd):
    host = make_host(sshd, trust=False, jump_host=f"127.0.0.1:{bastion_sshd.port}")
    error = failure(host)
    assert error.error_class == ErrorClass.HOST_KEY_UNKNOWN
    assert bastion_sshd.host_key_fingerprint in error.detail


def test_it_reports_a_target_the_jump_host_cannot_reach(sshd, bastion_sshd):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    host = make_host(port=port, jump_host=f"127.0.0.1:{bastion_sshd.port}")
    assert failure(host).error_class in (ErrorClass.REFUSED, ErrorClass.UNREACHABLE)


def _open_files() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def test_it_leaves_no_thread_or_socket_open(sshd, legacy_sshd):
    hosts = [
        make_host(sshd),
        make_host(legacy_sshd, allow_legacy_ssh=True),
        make_host(sshd, credential=make_credential(secret="nope")),
    ]
    for host in hosts:  # warm up: imports, the database connection
        with contextlib.suppress(CollectError):
            collect(host)
    threads, files = threading.active_count(), _open_files()
    for host in hosts:
        with contextlib.suppress(CollectError):
            collect(host)
    time.sleep(0.2)
    assert threading.active_count() <= threads
    assert _open_files() <= files


def _local_addresses() -> set[str]:
    listing = subprocess.run(["ip", "-o", "addr", "show"], capture_output=True, text=True)
    fields = [line.split() for line in listing.stdout.splitlines()]
    addresses = {f[3].split("/")[0] for f in fields if len(f) > 3 and f[2] in ("inet", "inet6")}
    return {a for a in addresses if not a.startswith(("127.", "::1", "fe80:"))}


def test_it_collects_and_assesses_this_machine_end_to_end(sshd):
    # The real probe script, minus the two probes that walk every file of the disk.
    probes = [p for p in LINUX.values() if p.id not in ("getfattr", "license_scan")]

    def real_script(use_sudo: bool, token: str) -> str:
        return build_linux_script(probes, use_sudo=use_sudo, token=token)

    result = collect(make_host(sshd, use_sudo=True), script=real_script)
    assessment = assess(Facts(result.os_family, result.probes, hostname=result.hostname))
    evidence = {f.restriction: "" for f in assessment.findings}
    for finding in assessment.findings:
        evidence[finding.restriction] += finding.evidence
    root_type = next(line.split()[2] for line in open("/proc/mounts") if line.split()[1] == "/")
    assert result.hostname == socket.gethostname()
    assert root_type in evidence["filesystems"]
    assert all(address in evidence["ip_addresses"] for address in _local_addresses())


def test_it_authenticates_with_the_workers_ssh_agent(sshd, agent_socket, monkeypatch):
    monkeypatch.setenv("SSH_AUTH_SOCK", agent_socket)
    credential = make_credential(CredentialKind.SSH_KEY, secret="")
    assert collect(make_host(sshd, credential=credential)).probes["whoami"].rc == 0
