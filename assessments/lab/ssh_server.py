"""Simulated SSH hosts: paramiko in server mode, answering the framed Linux probe script.

The SSH collector execs `/bin/sh -s` (maybe behind `sudo -n`) and writes one script to
stdin; the script carries the run's token in its markers (`@@P2C <token> `). The lab reads
the script, finds the token and answers every probe of the host's profile as
`framing.frame()` does, exit status 0. Any other command gets dash's "not found" and 127.

Faults (see `faults.py`): latency, hang and refused are handled by the acceptor and here;
`legacy_only` offers only `diffie-hellman-group14-sha1`, which paramiko 5 cannot run at all:
a modern client fails with "incompatible SSH algorithms", which is the point, and a legacy
client gets no further either. Scanning a legacy-only host successfully is covered by the
real OpenSSH test with legacy algorithms, not by the lab.
"""

import logging
import random
import re
import socket
import threading
import time

import paramiko
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
)

from assessments.facts import ProbeOutput
from assessments.lab import faults
from assessments.lab.model import LabCredentials, LabHost
from assessments.probes.framing import frame
from assessments.probes.script import framed_probes

log = logging.getLogger(__name__)
# paramiko logs every client that hangs up without a goodbye as an ERROR; in a lab that is
# routine (timeouts, fault tests), so the server transports log to a quiet channel.
TRANSPORT_LOG = "assessments.lab.ssh.transport"
logging.getLogger(TRANSPORT_LOG).setLevel(logging.CRITICAL)

TOKEN = re.compile(rb"@@P2C ([0-9a-f]{8,32}) ")
SHELL_COMMAND = re.compile(r"(^|[\s;&|])(/usr)?(/bin/)?(ba)?sh\s+-s\s*$")
STEP_TIMEOUT_S = 20.0  # any one wait of the server (handshake, channel, stdin)
MAX_SCRIPT_BYTES = 4 * 1024 * 1024
LEGACY_KEX = ("diffie-hellman-group14-sha1",)
HUGE_PROBE = "getfattr"


class _Interface(paramiko.ServerInterface):
    def __init__(self, host: LabHost, credentials: LabCredentials) -> None:
        self.host = host
        self.credentials = credentials
        self.commands: dict[int, str] = {}
        self.exec_requested = threading.Condition()

    def get_allowed_auths(self, username: str) -> str:
        return "publickey,password"

    def check_auth_password(self, username: str, password: str) -> int:
        if self.host.fault != faults.AUTH_FAILURE and self.credentials.password_ok(
            username, password
        ):
            return AUTH_SUCCESSFUL
        return AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if self.host.fault != faults.AUTH_FAILURE and self.credentials.key_ok(username, key):
            return AUTH_SUCCESSFUL
        return AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return OPEN_SUCCEEDED
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        with self.exec_requested:
            self.commands[channel.get_id()] = command.decode("utf-8", "replace")
            self.exec_requested.notify_all()
        return True

    def wait_command(self, channel: paramiko.Channel) -> str | None:
        with self.exec_requested:
            self.exec_requested.wait_for(
                lambda: channel.get_id() in self.commands, timeout=STEP_TIMEOUT_S
            )
            return self.commands.pop(channel.get_id(), None)


class SshHostServer:
    """Serves the SSH side of every Linux host of one lab."""

    def __init__(self, credentials: LabCredentials, huge_bytes: int = faults.HUGE_BYTES) -> None:
        self.credentials = credentials
        self.huge_bytes = huge_bytes

    def handler(self, host: LabHost):  # type: ignore[no-untyped-def]
        return lambda conn: self.serve(host, conn)

    def serve(self, host: LabHost, conn: socket.socket) -> None:
        """One connection, start to end."""
        number = host.next_connection()
        key = host.host_key
        if host.fault == faults.CHANGED_HOST_KEY and number > 1:
            key = host.rotated_key
        conn.settimeout(STEP_TIMEOUT_S)
        transport = paramiko.Transport(conn)
        transport.set_log_channel(TRANSPORT_LOG)
        try:
            assert key is not None
            transport.add_server_key(key)
            if host.fault == faults.LEGACY_ONLY:
                transport._preferred_kex = LEGACY_KEX  # type: ignore[attr-defined]
            else:
                # Old fleets offer no post-quantum hybrid kex, and it costs both sides about
                # 0.4 ms of CPU per handshake; the client then picks curve25519 as usual.
                transport._preferred_kex = tuple(  # type: ignore[attr-defined]
                    kex
                    for kex in transport._preferred_kex  # type: ignore[attr-defined]
                    if not kex.startswith("mlkem")
                )
            interface = _Interface(host, self.credentials)
            transport.start_server(server=interface)
            # Several sessions may come over one connection (e.g. a probe of sudo first).
            while transport.is_active():
                channel = transport.accept(timeout=STEP_TIMEOUT_S)
                command = interface.wait_command(channel) if channel else None
                if channel is None or command is None:
                    return
                self._exec(host, channel, command)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            log.debug("lab ssh %s: %s", host.name, exc)
        finally:
            transport.close()

    def _exec(self, host: LabHost, channel: paramiko.Channel, command: str) -> None:
        channel.settimeout(STEP_TIMEOUT_S)
        if not SHELL_COMMAND.search(command.strip()):
            self._finish(channel, b"", _not_found(command), 127)
            return
        token, script = _read_script(channel)
        # Reading the script shortened the timeout to 0.5 s; a busy client may take longer
        # than that to open its window again, and a send would then hang up on it.
        channel.settimeout(STEP_TIMEOUT_S)
        if host.latency_ms:
            time.sleep(host.latency_ms / 1000)
        if token is None:
            # sh read a script without our markers: it ran and printed nothing we know.
            self._finish(channel, b"", b"", 0)
            return
        if host.fault == faults.GARBAGE:
            noise = random.Random(host.name).randbytes(4096)
            self._finish(channel, noise, b"", 0)
            return
        answer = self._answer(host, token, framed_probes(script.decode("utf-8", "replace")))
        if host.fault == faults.DISCONNECT:
            channel.sendall(answer[: _middle_of_a_probe(answer, token)])
            channel.get_transport().close()
            return
        if host.fault in HOSTILE:
            HOSTILE[host.fault](self, channel, token, answer)
            return
        if host.fault == faults.HUGE:
            self._send_huge(channel, token)
        channel.sendall(answer)
        self._finish(channel, b"", b"", 0)

    def _answer(self, host: LabHost, token: str, asked: frozenset[str]) -> bytes:
        """The frames of the probes the script asked for (of every probe of the profile
        for a script that declares none), as a real host prints only what it runs."""
        skip = HUGE_PROBE if host.fault in (faults.HUGE, faults.BINARY, faults.ENDLESS) else None
        return b"".join(
            frame(token, p, out)
            for p, out in host.probes.items()
            if p != skip and (not asked or p in asked)
        )

    def _send_endless(self, channel: paramiko.Channel, token: str, answer: bytes) -> None:
        """The answer, then a getfattr that never ends: only the client's cap stops it (a
        send to a closed channel raises, and `serve` ends the connection)."""
        channel.sendall(answer + f"\n@@P2C {token} BEGIN {HUGE_PROBE}\n".encode())
        chunk = b"# file: srv/loop/0123456789abcdef\nuser.loop=0x0123456789abcdef\n" * 1024
        while True:
            channel.sendall(chunk)

    def _send_flood(self, channel: paramiko.Channel, token: str, answer: bytes) -> None:
        """The answer, then tiny valid frames with the run's token, each of a probe never
        asked for, up to `huge_bytes` (about 400,000 of them past a 32 MiB cap)."""
        channel.sendall(answer)
        sent = number = 0
        empty = ProbeOutput(b"", b"", 0)
        while sent < self.huge_bytes:
            chunk = b"".join(frame(token, f"x{n}", empty) for n in range(number, number + 1000))
            number += 1000
            channel.sendall(chunk)
            sent += len(chunk)
        self._finish(channel, b"", b"", 0)

    def _send_binary(self, channel: paramiko.Channel, token: str, answer: bytes) -> None:
        """The answer, then a getfattr of random bytes (NULs, invalid UTF-8, no newlines)
        past `huge_bytes`: what no compression shrinks."""
        channel.sendall(answer + f"\n@@P2C {token} BEGIN {HUGE_PROBE}\n".encode())
        chunk = random.Random(0).randbytes(1 << 20)  # repeats lie beyond deflate's window
        sent = 0
        while sent < self.huge_bytes:
            channel.sendall(chunk)
            sent += len(chunk)
        channel.sendall(
            f"\n@@P2C {token} STDERR {HUGE_PROBE}\n\n@@P2C {token} END {HUGE_PROBE} 0\n".encode()
        )
        self._finish(channel, b"", b"", 0)

    def _send_huge(self, channel: paramiko.Channel, token: str) -> None:
        """A getfattr run over a vast tree: streamed, never built in memory."""
        channel.sendall(f"\n@@P2C {token} BEGIN {HUGE_PROBE}\n".encode())
        chunk = b"# file: srv/data/0123456789abcdef\nuser.checksum=0x0123456789abcdef\n" * 1024
        sent = 0
        while sent < self.huge_bytes:
            channel.sendall(chunk)
            sent += len(chunk)
        channel.sendall(
            f"\n@@P2C {token} STDERR {HUGE_PROBE}\n\n@@P2C {token} END {HUGE_PROBE} 0\n".encode()
        )

    @staticmethod
    def _finish(channel: paramiko.Channel, stdout: bytes, stderr: bytes, status: int) -> None:
        if stdout:
            channel.sendall(stdout)
        if stderr:
            channel.sendall_stderr(stderr)
        channel.send_exit_status(status)
        channel.shutdown_write()
        channel.close()


# The hostile faults, each answering the whole exec itself.
HOSTILE = {
    faults.ENDLESS: SshHostServer._send_endless,
    faults.MARKER_FLOOD: SshHostServer._send_flood,
    faults.BINARY: SshHostServer._send_binary,
}


def _middle_of_a_probe(answer: bytes, token: str) -> int:
    """Where the disconnect fault cuts: inside the output of the probe framed after the middle
    of the answer (a cut at a fixed byte can fall between two frames, leaving none cut)."""
    begin = answer.find(f"@@P2C {token} BEGIN ".encode(), len(answer) // 2)
    if begin == -1:
        return len(answer) // 2
    return answer.index(b"\n", begin) + 1


def _not_found(command: str) -> bytes:
    word = command.strip().split(" ", 1)[0] or command
    return f"sh: 1: {word[:200]}: not found\n".encode()


def _read_script(channel: paramiko.Channel) -> tuple[str | None, bytes]:
    """The token and the text of the script on stdin, read until EOF (or a pause once the
    token is in)."""
    received = bytearray()
    token: str | None = None
    while len(received) < MAX_SCRIPT_BYTES:
        try:
            data = channel.recv(65536)
        except TimeoutError:
            if token is not None:
                break  # the client sent the whole script but kept stdin open
            raise
        if not data:
            break
        received += data
        if token is None:
            found = TOKEN.search(received)
            if found:
                token = found.group(1).decode()
                channel.settimeout(0.5)
    return token, bytes(received)
