"""Real sshd fixtures (session-scoped) and builders for the SSH collector tests."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessments.collectors.hostkeys import KnownKey, PresentedKey
from assessments.scanning.targets import Prepared, build_target
from fleet.choices import CredentialKind, OsFamily
from fleet.models import Credential, Host, HostGroup
from tests.conftest import missing_service
from tests.sshd import (
    NOSUDO_USER,
    TEST_PASSWORD,
    TEST_USER,
    Sshd,
    ensure_user,
    generate_key,
    sshd_unavailable,
    start_sshd,
)

PASSPHRASE = "correct horse battery"


@dataclass
class ClientKeys:
    plain: Path
    encrypted: Path

    def public_lines(self) -> list[str]:
        return [Path(f"{p}.pub").read_text() for p in (self.plain, self.encrypted)]


@pytest.fixture(scope="session")
def client_keys(tmp_path_factory: pytest.TempPathFactory) -> ClientKeys:
    directory = tmp_path_factory.mktemp("client-keys")
    return ClientKeys(
        plain=generate_key(directory, "id_ed25519"),
        encrypted=generate_key(directory, "id_encrypted", "ecdsa", passphrase=PASSPHRASE),
    )


def _start(tmp_path_factory: pytest.TempPathFactory, keys: ClientKeys, **kwargs) -> Iterator[Sshd]:
    reason = sshd_unavailable()
    if reason:
        missing_service(reason)
    ensure_user(TEST_USER, sudo=True)
    ensure_user(NOSUDO_USER)
    lines = keys.public_lines()
    sshd = start_sshd(
        tmp_path_factory.mktemp("sshd"),
        authorized_keys={TEST_USER: lines, NOSUDO_USER: lines},
        **kwargs,
    )
    yield sshd
    sshd.stop()


@pytest.fixture(scope="session")
def agent_socket(
    tmp_path_factory: pytest.TempPathFactory, client_keys: ClientKeys
) -> Iterator[str]:
    """A real ssh-agent holding the plain client key; yields its SSH_AUTH_SOCK path."""
    if not shutil.which("ssh-agent"):
        missing_service("ssh-agent is missing (apt-get install openssh-client)")
    path = str(tmp_path_factory.mktemp("agent") / "agent.sock")
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", path], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(path).exists():
                break
            time.sleep(0.02)
        env = {**os.environ, "SSH_AUTH_SOCK": path}
        subprocess.run(
            ["ssh-add", str(client_keys.plain)], env=env, check=True, capture_output=True
        )
        yield path
    finally:
        agent.terminate()
        agent.wait(5)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory, client_keys: ClientKeys) -> Iterator[Sshd]:
    yield from _start(tmp_path_factory, client_keys)


@pytest.fixture(scope="session")
def bastion_sshd(
    tmp_path_factory: pytest.TempPathFactory, client_keys: ClientKeys
) -> Iterator[Sshd]:
    yield from _start(tmp_path_factory, client_keys, extra_config=["AllowTcpForwarding yes"])


@pytest.fixture(scope="session")
def legacy_sshd(
    tmp_path_factory: pytest.TempPathFactory, client_keys: ClientKeys
) -> Iterator[Sshd]:
    yield from _start(tmp_path_factory, client_keys, legacy=True)


def make_credential(kind: str = CredentialKind.SSH_PASSWORD, **overrides) -> Credential:
    secret = overrides.pop("secret", TEST_PASSWORD)
    passphrase = overrides.pop("passphrase", "")
    fields = {"name": f"cred-{Credential.objects.count()}", "username": TEST_USER, **overrides}
    credential = Credential(kind=kind, **fields)
    if secret:
        credential.set_secret(secret)
    if passphrase:
        credential.set_passphrase(passphrase)
    credential.save()
    return credential


def key_credential(keys: ClientKeys, *, encrypted: bool = False, **overrides) -> Credential:
    path = keys.encrypted if encrypted else keys.plain
    return make_credential(
        CredentialKind.SSH_KEY,
        secret=path.read_text(),
        passphrase=PASSPHRASE if encrypted else "",
        **overrides,
    )


def make_host(sshd: Sshd | None = None, *, trust: bool = True, **overrides) -> Host:
    """A host pointing at `sshd`, its key trusted by its group's first-contact policy."""
    fields = {
        "name": f"host-{Host.objects.count()}",
        "address": "127.0.0.1",
        "port": sshd.port if sshd else 22,
        "os_family": OsFamily.LINUX,
        **overrides,
    }
    if "credential" not in fields:
        fields["credential"] = make_credential()
    host = Host.objects.create(**fields)
    if trust:
        group, _ = HostGroup.objects.get_or_create(name="tofu", trust_first_host_key=True)
        host.groups.add(group)
    return host


def tiny_script(use_sudo: bool, token: str) -> str:
    """A stand-in probe script in the framed format: `uname -a` and who we run as."""
    sudo = "sudo -n " if use_sudo else ""
    return f"""T={token}
exec 3>&1
run() {{
  id=$1; shift
  printf '\\n@@P2C %s BEGIN %s\\n' "$T" "$id"
  err=$( {{ "$@" 1>&3; }} 2>&1 ); rc=$?
  printf '\\n@@P2C %s STDERR %s\\n%s' "$T" "$id" "$err"
  printf '\\n@@P2C %s END %s %s\\n' "$T" "$id" "$rc"
}}
run uname {sudo}uname -a
run whoami {sudo}id -un
"""


def prepare(host: Host, deadline_s: float = 120) -> Prepared:
    """What the batch job hands a collector for `host`: its target and host key store."""
    return build_target(host, deadline_s)


class MemoryHostKeys:
    """A `HostKeyStore` in a dict, for tests of the collectors without a database."""

    def __init__(self, known: dict[tuple[str, int], list[KnownKey]] | None = None) -> None:
        self.keys = known or {}
        self.recorded: list[tuple[str, int, PresentedKey, bool]] = []

    def lookup(self, address: str, port: int) -> list[KnownKey]:
        return list(self.keys.get((address, port), []))

    def touch(self, address: str, port: int, key: PresentedKey) -> bool:
        return any(k.public_key == key.public_key for k in self.lookup(address, port))

    def record(
        self, address: str, port: int, key: PresentedKey, *, trusted: bool, known: bool
    ) -> None:
        self.recorded.append((address, port, key, trusted))
        state = "trusted" if trusted else "pending"
        kept = [k for k in self.lookup(address, port) if k.public_key != key.public_key]
        old = [k for k in self.lookup(address, port) if k.public_key == key.public_key]
        if old and not trusted:
            state = old[0].state
        kept.append(KnownKey(key.key_type, key.public_key, key.fingerprint, state))
        self.keys[(address, port)] = kept


def collect_over_ssh(host: Host, *, deadline_s: float = 120, script=None):
    """`collect_ssh` of `host` as the batch job runs it (default script: `tiny_script`)."""
    from assessments.collectors.ssh import collect_ssh

    target, host_keys = prepare(host, deadline_s)
    return collect_ssh(target, host_keys, script=script or tiny_script)
