"""The interface every collector (SSH, legacy SSH, WinRM, capture file) implements."""

from dataclasses import dataclass, field

from assessments.facts import ProbeOutput


@dataclass
class CollectResult:
    """What a collector brought back from one host."""

    os_family: str  # "linux" | "windows"
    probes: dict[str, ProbeOutput]
    transport: str  # assessments.choices.Transport value
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
