"""What both SSH paths (paramiko, legacy asyncssh) share: target, deadlines, script, result.

`load_target()` does every database read up front (credential secrets, jump host, pins,
policies), so the network part holds no database connection and the asyncssh path never
touches the ORM from inside its event loop.
"""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from assessments.choices import ErrorClass
from assessments.collectors import errors
from assessments.collectors.base import CollectError, CollectResult
from assessments.collectors.hostkeys import PinPolicy, load_policy
from assessments.facts import ProbeOutput
from assessments.probes.framing import parse_framed
from fleet.choices import CredentialKind, OsFamily
from fleet.models import Host

# Per-step limits; each is further cut to what is left of the whole host's deadline.
CONNECT_TIMEOUT = 10.0
HANDSHAKE_TIMEOUT = 30.0
AUTH_TIMEOUT = 30.0
MAX_OUTPUT = 32 * 1024 * 1024  # the framed transcript; beyond it we stop reading
MAX_STDERR = 64 * 1024

# (use_sudo, token) -> the POSIX sh script to feed to `/bin/sh -s`.
ScriptBuilder = Callable[[bool, str], str]

_SUDO_DENIED = re.compile(
    rb"sudo: (a )?password is required|sudo: no tty present|a terminal is required"
    rb"|you must have a tty to run sudo"
    rb"|is not in the sudoers file|not allowed to execute"
)
_JUMP = re.compile(r"^(?:(?P<user>[^@\s]+)@)?(?P<host>\[[^\]]+\]|[^:@\s]+)(?::(?P<port>\d+))?$")


class Deadline:
    """The whole host's wall-clock budget; every step asks it how long it may take."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def step(self, limit: float, what: str, where: str) -> float:
        """Seconds `what` may take: its own limit, or what is left; raises when nothing is."""
        left = self.left()
        if left <= 0:
            raise errors.timeout(what, where, self.seconds)
        return min(limit, left)


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    username: str

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_jump(spec: str, default_user: str) -> Endpoint:
    """`[user@]host[:port]` (IPv6 in brackets) of a bastion."""
    found = _JUMP.match(spec.strip())
    if not found:
        raise CollectError(ErrorClass.UNREACHABLE, f"jump host {spec!r} is not [user@]host[:port]")
    return Endpoint(
        host=found.group("host").strip("[]"),
        port=int(found.group("port") or 22),
        username=found.group("user") or default_user,
    )


@dataclass(frozen=True)
class Login:
    """Credentials of one host, decrypted; repr never shows them."""

    username: str
    password: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)

    @property
    def use_agent(self) -> bool:
        return not self.password and not self.private_key


@dataclass(frozen=True)
class Target:
    """Everything the network part needs about one host."""

    name: str
    endpoint: Endpoint
    login: Login
    pins: PinPolicy
    use_sudo: bool = False
    legacy_allowed: bool = False
    jump: Endpoint | None = None
    jump_pins: PinPolicy | None = None


def load_login(host: Host) -> Login:
    credential = host.credential
    if credential is None or credential.kind not in (
        CredentialKind.SSH_KEY,
        CredentialKind.SSH_PASSWORD,
    ):
        raise CollectError(
            ErrorClass.NO_CREDENTIAL, f"{host.name} has no SSH credential (key or password)"
        )
    secret = credential.secret() if credential.has_secret else ""
    if not secret and not os.environ.get("SSH_AUTH_SOCK"):
        raise CollectError(
            ErrorClass.NO_CREDENTIAL,
            f"credential {credential.name!r} holds no secret and no SSH agent is running "
            "(SSH_AUTH_SOCK is not set for the worker)",
        )
    if credential.kind == CredentialKind.SSH_PASSWORD:
        return Login(credential.username, password=secret or None)
    passphrase = credential.passphrase() if credential.passphrase_encrypted else None
    return Login(credential.username, private_key=secret or None, passphrase=passphrase)


def bastion_host(endpoint: Endpoint, for_host: Host) -> Host:
    """The inventory entry whose pins guard a jump host, created (disabled) on first use."""
    for existing in Host.objects.filter(Q(address=endpoint.host) | Q(name=endpoint.host)):
        if (existing.port or 22) == endpoint.port:
            return existing
    name = endpoint.host if endpoint.port == 22 else f"{endpoint.host}:{endpoint.port}"
    bastion, _ = Host.objects.get_or_create(
        name=name,
        defaults={
            "address": endpoint.host,
            "port": endpoint.port,
            "os_family": OsFamily.LINUX,
            "enabled": False,
            "notes": f"SSH jump host (first used for {for_host.name}); kept to pin its host key.",
        },
    )
    return bastion


# The ORM spent 0.9 ms of worker CPU building this two-table query for every SSH host of a
# fleet scan; as SQL text it costs 0.15 ms.
GROUP_POLICIES = """
SELECT g.trust_first_host_key, g.allow_legacy_ssh
FROM fleet_hostgroup AS g JOIN fleet_host_groups AS member ON member.hostgroup_id = g.id
WHERE member.host_id = %s AND (g.trust_first_host_key OR g.allow_legacy_ssh)
"""


def group_policies(host: Host) -> tuple[bool, bool]:
    """`(host.trusts_first_host_key(), host.legacy_ssh_allowed())` in one query, not two
    (a fleet scan asks for every host)."""
    with connection.cursor() as cursor:
        cursor.execute(GROUP_POLICIES, [host.pk])
        flags = cursor.fetchall()
    trust_first = any(trust for trust, _ in flags)
    legacy = host.allow_legacy_ssh or any(legacy for _, legacy in flags)
    return bool(trust_first), bool(legacy)


def load_target(host: Host) -> Target:
    login = load_login(host)
    endpoint = Endpoint(host.address, host.port or 22, login.username)
    trust_first, legacy_allowed = group_policies(host)
    pins = load_policy(host, trust_first=trust_first)
    jump = jump_pins = None
    if host.jump_host.strip():
        jump = parse_jump(host.jump_host, login.username)
        bastion = bastion_host(jump, host)
        jump_pins = load_policy(
            bastion, trust_first=bastion.trusts_first_host_key() or pins.trust_first
        )
    return Target(
        name=host.name,
        endpoint=endpoint,
        login=login,
        pins=pins,
        use_sudo=host.use_sudo,
        legacy_allowed=legacy_allowed,
        jump=jump,
        jump_pins=jump_pins,
    )


def default_script(use_sudo: bool, token: str) -> str:
    from assessments.probes import LINUX
    from assessments.probes.script import build_linux_script

    return build_linux_script(list(LINUX.values()), use_sudo=use_sudo, token=token)


@dataclass
class Transcript:
    """What came back from the one `/bin/sh -s` exec."""

    stdout: bytes
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
    deadline: Deadline,
) -> CollectResult:
    """The probe outputs of a transcript, or the error that explains why there are none."""
    where = str(target.endpoint)
    probes = parse_framed(transcript.stdout, token)
    if not probes:
        if _SUDO_DENIED.search(transcript.stderr):
            raise CollectError(ErrorClass.PERMISSION_DENIED, _sudo_detail(target, transcript))
        if transcript.timed_out:
            raise errors.timeout("the probe script", where, deadline.seconds)
        stderr = transcript.stderr[:300].decode("utf-8", "replace").strip()
        raise errors.protocol(
            where,
            f"the probe script produced no framed output (exit status {transcript.rc}"
            f"{'; stderr: ' + stderr if stderr else ''})",
        )
    if target.use_sudo and _all_denied(probes):
        raise CollectError(ErrorClass.PERMISSION_DENIED, _sudo_detail(target, transcript))
    notes = []
    if transcript.timed_out:
        notes.append("the probe script did not finish before the host's deadline")
    if transcript.overflowed:
        notes.append(f"output passed {MAX_OUTPUT // 2**20} MiB; the rest was not read")
    if not (transcript.timed_out or transcript.overflowed) and transcript.rc in (None, -1):
        # paramiko reports -1 when the channel closed without an exit status.
        notes.append("the connection closed before the probe script finished")
    return CollectResult(
        os_family=OsFamily.LINUX,
        probes=probes,
        transport=transport,
        algorithms=algorithms,
        hostname=_hostname(probes),
        notes=notes,
    )


def _all_denied(probes: dict[str, ProbeOutput]) -> bool:
    return all(_SUDO_DENIED.search(out.stderr) for out in probes.values())


def _sudo_detail(target: Target, transcript: Transcript) -> str:
    return (
        f"sudo -n refused every probe for user {target.login.username!r} on {target.name}: "
        "allow NOPASSWD for the probe commands (see docs/ssh.md) or scan without sudo"
    )


def _hostname(probes: dict[str, ProbeOutput]) -> str:
    uname = probes.get("uname")
    if uname is None or uname.rc not in (0, None):
        return ""
    fields = uname.stdout.decode("utf-8", "replace").split()
    return fields[1] if len(fields) > 1 else ""
