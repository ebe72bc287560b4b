"""A real OpenSSH sshd on a free loopback port, for tests that need a real SSH peer.

`start_sshd()` runs `/usr/sbin/sshd -D -e` in the foreground with its own config, host key and
authorized_keys in a fresh directory, and waits until it answers with its banner. It must run
as root (sshd only lets other users log in when it is root); `sshd_unavailable()` says why it
cannot run here, so a fixture can call `tests.conftest.missing_service()` with that reason.

Test users are real local accounts created on demand (`ensure_user`); `TEST_USER` may use
`sudo -n` without a password, `NOSUDO_USER` may not.

    sshd = start_sshd(tmp_path, authorized_keys={TEST_USER: [public_key_line]})
    ... connect to 127.0.0.1:sshd.port, compare sshd.host_key_fingerprint ...
    sshd.stop()
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
TEST_USER = "p2ctest"
NOSUDO_USER = "p2cnosudo"
TEST_PASSWORD = "p2c-Test-pw-1"  # a throwaway account that only loopback sshds of tests accept

LEGACY_CONFIG = (
    "HostKeyAlgorithms ssh-rsa",
    "KexAlgorithms diffie-hellman-group14-sha1",
    "PubkeyAcceptedAlgorithms +ssh-rsa",
)


def sshd_unavailable() -> str | None:
    """Why a real sshd cannot be started here, or None when it can."""
    if not os.path.exists(SSHD):
        return f"{SSHD} is missing (apt-get install openssh-server)"
    if not os.path.exists(SSH_KEYGEN):
        return "ssh-keygen is missing (apt-get install openssh-client)"
    if os.geteuid() != 0:
        return "a test sshd must run as root to let test users log in"
    return None


def fingerprint_of(public_line: str) -> str:
    """`SHA256:...` of an OpenSSH public key line, as `ssh-keygen -l` prints it."""
    blob = base64.b64decode(public_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def generate_key(
    directory: Path, name: str, key_type: str = "ed25519", passphrase: str = ""
) -> Path:
    """A new key pair `directory/name` (+ `.pub`); returns the private key path."""
    path = directory / name
    bits = ["-b", "2048"] if key_type == "rsa" else []
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", key_type, *bits, "-N", passphrase, "-C", name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def ensure_user(name: str, password: str = TEST_PASSWORD, *, sudo: bool = False) -> None:
    """Create a local login account (idempotent), set its password and its sudo rights."""
    if subprocess.run(["id", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True, capture_output=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    dropin = Path("/etc/sudoers.d") / f"p2c-{name}"
    if sudo:
        dropin.write_text(f"{name} ALL=(root) NOPASSWD: ALL\n")
        dropin.chmod(0o440)
    elif dropin.exists():
        dropin.unlink()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Sshd:
    """A running sshd: where it listens and which host key it shows."""

    port: int
    directory: Path
    host_key_type: str  # the key blob's type, e.g. "ssh-ed25519", "ssh-rsa"
    host_key_fingerprint: str
    host_key_base64: str
    process: subprocess.Popen[bytes]
    log_path: Path
    host: str = "127.0.0.1"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_sshd(
    tmp_path: Path | None = None,
    *,
    legacy: bool = False,
    host_key_type: str | None = None,
    authorized_keys: Mapping[str, Iterable[str]] | None = None,
    password_auth: bool = True,
    extra_config: Iterable[str] = (),
    port: int | None = None,
) -> Sshd:
    """Start sshd on 127.0.0.1 and wait until it speaks SSH.

    `legacy` restricts it to what RHEL/CentOS 5-6 offer: SHA-1 key exchange, an `ssh-rsa`
    host key. `authorized_keys` maps user names to public key lines. The log goes to
    `tmp_path/sshd-<port>.log` when given.
    """
    reason = sshd_unavailable()
    if reason:
        raise RuntimeError(reason)
    # sshd reads authorized_keys as the logging-in user, so the directory must be traversable
    # by everyone (pytest's tmp_path is not); private host keys stay 0600 inside it.
    directory = Path(tempfile.mkdtemp(prefix="p2c-sshd-"))
    directory.chmod(0o755)
    key_type = host_key_type or ("rsa" if legacy else "ed25519")
    host_key = generate_key(directory, f"ssh_host_{key_type}_key", key_type)
    public_line = host_key.with_suffix(".pub").read_text().strip()
    keys_dir = directory / "authorized_keys"
    keys_dir.mkdir()
    keys_dir.chmod(0o755)
    for user, lines in (authorized_keys or {}).items():
        (keys_dir / user).write_text("".join(f"{line.strip()}\n" for line in lines))
        (keys_dir / user).chmod(0o644)
    port = port or free_port()
    config = [
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {host_key}",
        f"PidFile {directory / 'sshd.pid'}",
        f"AuthorizedKeysFile {keys_dir}/%u",
        "UsePAM no",
        "StrictModes no",
        f"PasswordAuthentication {'yes' if password_auth else 'no'}",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "UseDNS no",
        "MaxStartups 200:30:400",
        "MaxSessions 50",
        "LogLevel VERBOSE",
        *(LEGACY_CONFIG if legacy else ()),
        *extra_config,
    ]
    config_path = directory / "sshd_config"
    config_path.write_text("\n".join(config) + "\n")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    log_path = (tmp_path or directory) / f"sshd-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    sshd = Sshd(
        port=port,
        directory=directory,
        host_key_type=public_line.split()[0],
        host_key_fingerprint=fingerprint_of(public_line),
        host_key_base64=public_line.split()[1],
        process=process,
        log_path=log_path,
    )
    try:
        _wait_for_banner(sshd)
    except Exception:
        sshd.stop()
        raise
    return sshd


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, so no sshd outlives a killed run."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_for_banner(sshd: Sshd, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sshd.process.poll() is not None:
            raise RuntimeError(f"sshd exited with {sshd.process.returncode}: {sshd.log()}")
        try:
            with socket.create_connection((sshd.host, sshd.port), timeout=1) as sock:
                if sock.recv(4) == b"SSH-":
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"sshd did not answer on port {sshd.port}: {sshd.log()}")
