"""What every collector (SSH, legacy SSH, WinRM) shares: result, error, endpoint, output cap.

Collectors are pure I/O: they import neither Django nor any model (a test holds them to it).
The job hands them a `Target` (`assessments.collectors.target`) built from the inventory and
a `HostKeyStore` (`assessments.collectors.hostkeys`); they hand back a `CollectResult` or
raise `CollectError`. The enumerations below repeat the values of `assessments.choices` and
`fleet.choices` that collectors need, as plain strings (a test holds them equal).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from assessments.facts import ProbeOutput

# Transports: the keys of `assessments.collectors.COLLECTORS` (assessments.choices.Transport).
SSH = "ssh"
SSH_LEGACY = "ssh_legacy"
WINRM = "winrm"

# OS families (fleet.choices.OsFamily).
LINUX = "linux"
WINDOWS = "windows"
UNKNOWN = "unknown"

# Stdout a collector reads from one host: SSH's whole framed transcript, one WinRM command
# (a batch of probes, or one probe). Beyond it reading stops and the output is truncated. It
# sits above the probe script's own cap per probe (16 MiB), so one probe that hits its cap
# does not cost the probes after it.
MAX_OUTPUT = 32 * 1024 * 1024


class Failure(StrEnum):
    """Why a host could not be collected: the `assessments.choices.ErrorClass` values."""

    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    AUTH_FAILED = "auth_failed"
    HOST_KEY_UNKNOWN = "host_key_unknown"
    HOST_KEY_CHANGED = "host_key_changed"
    INCOMPATIBLE_SSH = "incompatible_ssh"
    PERMISSION_DENIED = "permission_denied"
    PROTOCOL_ERROR = "protocol_error"
    NO_CREDENTIAL = "no_credential"
    INTERNAL = "internal"


@dataclass
class CollectResult:
    """What a collector brought back from one host."""

    os_family: str  # "linux" | "windows"
    probes: dict[str, ProbeOutput]
    transport: str  # SSH, SSH_LEGACY or WINRM (assessments.choices.Transport)
    algorithms: str = ""  # e.g. "kex=curve25519-sha256 hostkey=ssh-ed25519", or the WinRM endpoint
    hostname: str = ""
    notes: list[str] = field(default_factory=list)


class CollectError(Exception):
    """A host could not be collected; `error_class` is an assessments.choices.ErrorClass value.

    `detail` is shown to users: it must never contain a secret.
    """

    def __init__(self, error_class: str, detail: str, retryable: bool = False) -> None:
        super().__init__(f"{error_class}: {detail}")
        self.error_class = error_class
        self.detail = detail
        self.retryable = retryable


@dataclass(frozen=True)
class Endpoint:
    """Where to connect: an address and a port (and, for WinRM, the URL scheme)."""

    address: str
    port: int
    scheme: str = ""  # "http" | "https" for a WinRM endpoint

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The WS-Management URL of a WinRM endpoint."""
        return f"{self.scheme}://{self}/wsman"
