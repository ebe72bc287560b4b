"""What a capture holds, ready for checks: raw probe outputs and their parsed forms.

Pure: no I/O. A collector (SSH, WinRM, an offline capture) produces `ProbeOutput`s; a check
asks `Facts.parsed(probe_id, parser)` and gets the parser's result, or `Unavailable` with the
reason and evidence (probe not collected, failed, unparseable), or `Absent` (a benign outcome
the probe declares: tool not installed, file absent), never a silent empty value. Whether an
output is data at all is decided in one place, `assessments.probes.outcomes.judge`, before
any parser sees it: parsers never read a failed probe's output.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assessments.probes import probes_for
from assessments.probes.base import ProbeOutput
from assessments.probes.outcomes import Judgement, State, judge, shown

__all__ = ["Absent", "Destination", "Facts", "ProbeOutput", "ProbeUnavailable", "Unavailable"]

T = TypeVar("T")


@dataclass(frozen=True)
class Destination:
    """The TargetNode a host is assigned to, as the checks need it."""

    name: str
    os_family: str  # "linux" | "windows"
    windows_version: str = ""  # "2003" | "2008" | "2008r2" | ""
    architecture: str = ""  # "x86" | "x64" | ""
    free_bytes: int | None = None
    platform: str = ""  # "legacy" (OpenVZ / PVC 4.x) | "vz7" (Virtuozzo 7) | "" unknown


class ProbeUnavailable(Exception):
    """A probe's output cannot be used; the message says why, in words for users."""


@dataclass(frozen=True)
class Unavailable:
    """Why a fact is missing: the probe was not collected, failed, or could not be parsed."""

    probe: str
    reason: str
    evidence: str = ""  # the command, exit code and output heads it was judged on


@dataclass(frozen=True)
class Absent(Unavailable):
    """The probe ran and reported a benign outcome it declares: the thing it reads is not
    there (tool not installed, file absent, feature not configured). Checks for which that
    absence is a fact test for it; to all others it is just unavailable."""


@dataclass
class Facts:
    """Raw probe outputs of one host, with memoised parsing."""

    os_family: str
    probes: Mapping[str, ProbeOutput]
    hostname: str = ""
    destination: Destination | None = None
    _parsed: dict[tuple[str, Callable[..., Any]], Any] = field(default_factory=dict, repr=False)
    _judged: dict[str, Judgement | Unavailable] = field(default_factory=dict, repr=False)
    # Every probe a check asked for, in order: tests hold checks to the probes they declare.
    read: list[str] = field(default_factory=list, repr=False)

    def output(self, probe: str) -> ProbeOutput | None:
        """The raw output, for evidence only: use `parsed` or `status` to judge it."""
        self._note(probe)
        return self.probes.get(probe)

    def status(self, probe: str) -> Judgement | Unavailable:
        """How the probe's output was judged, or Unavailable when it was not collected."""
        self._note(probe)
        if probe not in self._judged:
            out = self.probes.get(probe)
            self._judged[probe] = (
                Unavailable(probe, f"probe {probe} was not collected")
                if out is None
                else judge(probes_for(self.os_family).get(probe), out, probe)
            )
        return self._judged[probe]

    def absent(self, probe: str) -> bool:
        """True when the probe ran and reported its subject absent (e.g. tool not installed)."""
        status = self.status(probe)
        return isinstance(status, Judgement) and status.state == State.ABSENT

    def _note(self, probe: str) -> None:
        if probe not in self.read:
            self.read.append(probe)

    def parsed(self, probe: str, parser: Callable[[ProbeOutput], T]) -> T | Unavailable:
        """The parser's result for `probe`, or why there is none.

        The output is judged first (`status`): a failed probe is `Unavailable` with its
        evidence, a benign outcome `Absent`, and only usable output reaches the parser. A
        parser raises `ProbeUnavailable` for output it cannot read as data.
        """
        self._note(probe)
        key = (probe, parser)
        if key not in self._parsed:
            self._parsed[key] = self._parse(probe, parser)
        result: T | Unavailable = self._parsed[key]
        return result

    def _parse(self, probe: str, parser: Callable[[ProbeOutput], T]) -> T | Unavailable:
        judged = self.status(probe)
        if isinstance(judged, Unavailable):
            return judged
        if judged.state == State.FAILED:
            return Unavailable(probe, judged.reason, judged.evidence)
        if not judged.parse:
            return Absent(probe, judged.reason, judged.evidence)
        out = self.probes[probe]
        try:
            return parser(out)
        except ProbeUnavailable as exc:
            return Unavailable(probe, str(exc), self._shown(probe, out))
        except (ValueError, IndexError, KeyError, UnicodeError) as exc:
            reason = f"output of {probe} could not be parsed: {exc}"
            return Unavailable(probe, reason, self._shown(probe, out))

    def _shown(self, probe: str, out: ProbeOutput) -> str:
        """What the host printed, for a finding that says it could not be read."""
        return shown(probes_for(self.os_family).get(probe), out, probe)
