"""What a collector is told about one host: a plain, frozen `Target`, built by the job.

The job (`assessments.scanning.targets.build_target`) reads everything from the inventory before
any connection is made (the credential decrypted, the group policies, the jump host's own
entry), so a collector holds no database connection while it waits on the network and the
asyncssh path never meets the ORM inside its event loop. Secrets stay out of every repr.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from assessments.collectors.base import (
    LINUX,
    SSH,
    UNKNOWN,
    WINDOWS,
    WINRM,
    CollectError,
    Endpoint,
    Failure,
)
from assessments.collectors.deadline import Deadline


class LoginKind(StrEnum):
    """The kind of credential (fleet.choices.CredentialKind values)."""

    SSH_KEY = "ssh_key"
    SSH_PASSWORD = "ssh_password"  # noqa: S105 (a kind, not a password)
    WINRM = "winrm"


SSH_KINDS = (LoginKind.SSH_KEY, LoginKind.SSH_PASSWORD)

_JUMP = re.compile(r"^(?:(?P<user>[^@\s]+)@)?(?P<host>\[[^\]]+\]|[^:@\s]+)(?::(?P<port>\d+))?$")


@dataclass(frozen=True)
class Login:
    """A credential, decrypted; repr never shows a secret.

    No password and no private key means the worker's SSH agent (`agent_socket`, the
    worker's SSH_AUTH_SOCK when the target was built; empty when it has none).
    """

    username: str
    password: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)
    kind: str = LoginKind.SSH_PASSWORD
    name: str = ""  # the credential's name, for messages
    agent_socket: str = ""

    @property
    def use_agent(self) -> bool:
        return not self.password and not self.private_key


@dataclass(frozen=True)
class Target:
    """Everything the network part needs about one host (or about a jump host)."""

    name: str  # the inventory name, for messages ("host_keys --approve NAME")
    address: str
    port: int | None = None  # SSH port; None: 22
    os_family: str = UNKNOWN  # LINUX, WINDOWS or UNKNOWN (SSH, then WinRM)
    login: Login | None = None  # None: the host has no credential
    # The whole host's budget, connect to last probe, shared by retries and transports.
    deadline: Deadline = field(default_factory=lambda: Deadline(120), compare=False)
    # SSH policies: the host's, or one of its groups'.
    use_sudo: bool = False
    legacy_ssh: bool = False
    trust_first_host_key: bool = False
    jump: "Target | None" = None  # the jump host, with its own login user and policy
    jump_problem: str = ""  # why the jump host spec cannot be used (then jump is None)
    # WinRM: scheme, port (None: 5985/5986 then 80/443), authentication.
    winrm_scheme: str = "http"
    winrm_port: int | None = None
    winrm_transport: str = "ntlm"  # the host's, else its credential's
    winrm_validate_certificate: bool = True
    winrm_batch_probes: bool = True  # settings.WINRM_BATCH_PROBES

    @property
    def transports(self) -> tuple[str, ...]:
        """The collectors to try, in order (an unknown OS family: SSH, then WinRM)."""
        if self.os_family == LINUX:
            return (SSH,)
        if self.os_family == WINDOWS:
            return (WINRM,)
        return (SSH, WINRM)

    @property
    def ssh_endpoint(self) -> Endpoint:
        return Endpoint(self.address, self.port or 22)


def parse_jump(spec: str, default_user: str) -> tuple[Endpoint, str]:
    """The endpoint and login user of a `[user@]host[:port]` bastion (IPv6 in brackets)."""
    found = _JUMP.match(spec.strip())
    if not found:
        raise CollectError(Failure.UNREACHABLE, f"jump host {spec!r} is not [user@]host[:port]")
    endpoint = Endpoint(found.group("host").strip("[]"), int(found.group("port") or 22))
    return endpoint, found.group("user") or default_user
