"""What both SSH paths (paramiko `ssh`, asyncssh `ssh_legacy`) share: step limits, the TCP
connect, the login check, the script, and turning a transcript into a result.

Both modules import this one and neither imports the other at module level (`ssh` reaches
`ssh_legacy` only when a handshake found no common algorithm).
"""

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

from assessments.collectors import base, errors
from assessments.collectors.base import LINUX, CollectError, CollectResult, Endpoint, Failure
from assessments.collectors.deadline import Deadline
from assessments.collectors.hostkeys import HostKeyStore, PinPolicy
from assessments.collectors.target import SSH_KINDS, Login, Target
from assessments.facts import ProbeOutput
from assessments.probes.framing import FrameError, new_token, parse_framed
from assessments.probes.script import framed_probes

# Per-step limits; each is further cut to what is left of the whole host's deadline.
CONNECT_TIMEOUT = 10.0
HANDSHAKE_TIMEOUT = 30.0
AUTH_TIMEOUT = 30.0
MAX_STDERR = 64 * 1024  # of the script's own stderr (each probe's is framed in stdout)
COMMAND = "/bin/sh -s"

# (use_sudo, token) -> the POSIX sh script to feed to `/bin/sh -s`.
ScriptBuilder = Callable[[bool, str], str]

_SUDO_DENIED = re.compile(
    rb"sudo: (a )?password is required|sudo: no tty present|a terminal is required"
    rb"|you must have a tty to run sudo"
    rb"|is not in the sudoers file|not allowed to execute"
)


@dataclass(frozen=True)
class Session:
    """What both SSH paths start from: the pins looked up and the script to send."""

    pins: PinPolicy
    jump_pins: PinPolicy | None
    text: str
    token: str
    # The probes the script frames: a transcript holding any other frame, or one twice, is
    # a protocol error. None for a hand-written script of a test that declares no frames.
    expected: frozenset[str] | None = None


def start(target: Target, host_keys: HostKeyStore, script: ScriptBuilder | None) -> Session:
    """Check the login and the jump host, look up the pins, build the script (no network)."""
    ssh_login(target)
    if target.jump_problem:
        raise CollectError(Failure.UNREACHABLE, target.jump_problem)
    pins = PinPolicy.look_up(target, host_keys)
    jump_pins = PinPolicy.look_up(target.jump, host_keys) if target.jump else None
    token = new_token()
    text = (script or default_script)(target.use_sudo, token)
    return Session(pins, jump_pins, text, token, framed_probes(text) or None)


def ssh_login(target: Target) -> Login:
    """The target's login if SSH can use it, else `no_credential`."""
    login = target.login
    if login is None or login.kind not in SSH_KINDS:
        raise CollectError(
            Failure.NO_CREDENTIAL, f"{target.name} has no SSH credential (key or password)"
        )
    if login.use_agent and not login.agent_socket:
        raise CollectError(
            Failure.NO_CREDENTIAL,
            f"credential {login.name!r} holds no secret and no SSH agent is running "
            "(SSH_AUTH_SOCK is not set for the worker)",
        )
    return login


def connect_tcp(endpoint: Endpoint, deadline: Deadline) -> socket.socket:
    limit = deadline.step(CONNECT_TIMEOUT, "TCP connect", str(endpoint))
    try:
        sock = socket.create_connection((endpoint.address, endpoint.port), timeout=limit)
    except OSError as exc:
        raise errors.from_socket_error(exc, str(endpoint), "TCP connect", limit) from None
    # Without it each handshake round trip waits for delayed ACKs (~40 ms each).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def default_script(use_sudo: bool, token: str) -> str:
    from assessments.probes import LINUX as LINUX_PROBES
    from assessments.probes.script import build_linux_script

    return build_linux_script(list(LINUX_PROBES.values()), use_sudo=use_sudo, token=token)


@dataclass
class Transcript:
    """What came back from the one `/bin/sh -s` exec."""

    stdout: bytes | bytearray  # the read buffer itself: parsing copies each output out once
    stderr: bytes
    rc: int | None
    timed_out: bool = False
    overflowed: bool = False


def to_result(
    target: Target,
    transcript: Transcript,
    token: str,
    transport: str,
    algorithms: str,
    expected: frozenset[str] | None = None,
) -> CollectResult:
    """The probe outputs of a transcript, or the error that explains why there are none.

    With `expected` (the probes sent) a frame of another id, or a second one of an id, makes
    the whole host a protocol error: a host that answers what was not asked cannot be
    trusted for what was (and a flood of frames is never kept).
    """
    where = str(target.ssh_endpoint)
    try:
        probes = parse_framed(transcript.stdout, token, expected)
    except FrameError as exc:
        raise errors.protocol(where, str(exc), retryable=False) from None
    if not probes:
        if _SUDO_DENIED.search(transcript.stderr):
            raise CollectError(Failure.PERMISSION_DENIED, _sudo_detail(target))
        if transcript.timed_out:
            raise errors.timeout("the probe script", where, target.deadline.seconds)
        # What the host printed instead (a nologin shell answers on stdout), bounded.
        printed = [
            f"; {name}: {text}"
            for name, stream in (("stderr", transcript.stderr), ("stdout", transcript.stdout))
            if (text := _head(stream))
        ]
        raise errors.protocol(
            where,
            f"the probe script produced no framed output (exit status {transcript.rc}"
            f"{''.join(printed)})",
        )
    if target.use_sudo and _all_denied(probes):
        raise CollectError(Failure.PERMISSION_DENIED, _sudo_detail(target))
    if not (transcript.timed_out or transcript.overflowed) and transcript.rc in (None, -1):
        # paramiko reports -1 when the channel closed without an exit status. A host that
        # hangs up mid-answer gave no clean result: judging the probes that arrived before
        # would show a verdict built on half a host.
        if target.deadline.expired:
            raise errors.timeout("the probe script", where, target.deadline.seconds)
        raise errors.protocol(
            where,
            f"the connection closed before the probe script finished "
            f"(probes received: {len(probes)})",
        )
    notes = []
    if transcript.timed_out:
        notes.append("the probe script did not finish before the host's deadline")
    if transcript.overflowed:
        notes.append(f"output passed {base.MAX_OUTPUT // 2**20} MiB; the rest was not read")
    return CollectResult(
        os_family=LINUX,
        probes=probes,
        transport=transport,
        algorithms=algorithms,
        hostname=_hostname(probes),
        notes=notes,
    )


def _head(data: bytes | bytearray, limit: int = 300) -> str:
    return bytes(data[:limit]).decode("utf-8", "replace").strip()


def _all_denied(probes: dict[str, ProbeOutput]) -> bool:
    return all(_SUDO_DENIED.search(out.stderr) for out in probes.values())


def _sudo_detail(target: Target) -> str:
    username = target.login.username if target.login else ""
    return (
        f"sudo -n refused every probe for user {username!r} on {target.name}: "
        "allow NOPASSWD for the probe commands (see docs/ssh.md) or scan without sudo"
    )


def _hostname(probes: dict[str, ProbeOutput]) -> str:
    uname = probes.get("uname")
    if uname is None or uname.rc not in (0, None):
        return ""
    fields = uname.stdout.decode("utf-8", "replace").split()
    return fields[1] if len(fields) > 1 else ""
