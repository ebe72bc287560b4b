"""What a capture holds, ready for checks: raw probe outputs and their parsed forms.

Pure: no I/O. A collector (SSH, WinRM, an offline capture) produces `ProbeOutput`s; a check
asks `Facts.parsed(probe_id, parser)` and gets the parser's result, or `Unavailable` with the
reason (probe missing, command not found, permission denied, ...), never a silent empty
value.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ProbeOutput:
    """One probe's raw result: stdout and stderr bytes as the command printed them."""

    stdout: bytes
    stderr: bytes = b""
    rc: int | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Destination:
    """The TargetNode a host is assigned to, as the checks need it."""

    name: str
    os_family: str  # "linux" | "windows"
    windows_version: str = ""  # "2003" | "2008" | "2008r2" | ""
    architecture: str = ""  # "x86" | "x64" | ""
    free_bytes: int | None = None


class ProbeUnavailable(Exception):
    """A probe's output cannot be used; the message says why, in words for users."""


@dataclass(frozen=True)
class Unavailable:
    """Why a fact is missing: the probe was not collected, failed, or could not be parsed."""

    probe: str
    reason: str


@dataclass
class Facts:
    """Raw probe outputs of one host, with memoised parsing."""

    os_family: str
    probes: Mapping[str, ProbeOutput]
    hostname: str = ""
    destination: Destination | None = None
    _parsed: dict[tuple[str, Callable[..., Any]], Any] = field(default_factory=dict, repr=False)

    def output(self, probe: str) -> ProbeOutput | None:
        return self.probes.get(probe)

    def parsed(self, probe: str, parser: Callable[[ProbeOutput], T]) -> T | Unavailable:
        """The parser's result for `probe`, or why there is none.

        A parser raises `ProbeUnavailable` for output that is not data ("command not found",
        "Permission denied", "Access is denied", ...).
        """
        key = (probe, parser)
        if key not in self._parsed:
            self._parsed[key] = self._parse(probe, parser)
        result: T | Unavailable = self._parsed[key]
        return result

    def _parse(self, probe: str, parser: Callable[[ProbeOutput], T]) -> T | Unavailable:
        out = self.probes.get(probe)
        if out is None:
            return Unavailable(probe, f"probe {probe} was not collected")
        try:
            return parser(out)
        except ProbeUnavailable as exc:
            return Unavailable(probe, str(exc))
        except (ValueError, IndexError, KeyError, UnicodeError) as exc:
            return Unavailable(probe, f"output of {probe} could not be parsed: {exc}")
