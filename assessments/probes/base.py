"""What a probe is: a stable id, its OS family, the read-only command to run, and the
outcomes of that command that are not failures although it did not simply succeed.

The probe definitions are the single source of truth for the online collectors (SSH runs the
Linux probes as one framed POSIX sh script, WinRM runs each Windows probe as a cmd.exe
command), for the offline collector scripts, and for judging whether a probe's output is
usable (`assessments.probes.outcomes`).
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProbeOutput:
    """One probe's raw result: stdout and stderr bytes as the command printed them."""

    stdout: bytes
    stderr: bytes = b""
    rc: int | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Outcome:
    """A known result of a probe that is not a failure, although the command did not exit 0.

    `rcs` are the exit codes it comes with (empty: any, including none recorded); `pattern`
    is searched anywhere in stderr (and in stdout when `in_stdout`, for Windows tools whose
    errors land there). Both must match when both are given. `parse`: the parser reads this
    output and says what it means (a missing registry key, quotaon's lying exit codes);
    otherwise the probe reports `absent` with `meaning` and the parser never sees it.
    `example` is a real or documented output of this outcome (`source` says where it comes
    from): tests hold every declaration to it.
    """

    meaning: str
    example: ProbeOutput
    source: str
    rcs: tuple[int, ...] = ()
    pattern: str = ""
    in_stdout: bool = False
    parse: bool = False
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.rcs and not self.pattern:
            raise ValueError(f"outcome {self.meaning!r} needs exit codes or a pattern")
        compiled = re.compile(self.pattern, re.IGNORECASE | re.MULTILINE) if self.pattern else None
        object.__setattr__(self, "_regex", compiled)

    def matches(self, rc: int | None, stderr: str, stdout: str) -> bool:
        if self.rcs and rc not in self.rcs:
            return False
        if self._regex is None:
            return True
        return bool(self._regex.search(stderr) or (self.in_stdout and self._regex.search(stdout)))


@dataclass(frozen=True)
class Probe:
    id: str
    os_family: str  # "linux" | "windows"
    # Linux: a POSIX sh fragment (dash-compatible) that prints the raw output and tries the
    # fallbacks itself. Windows: one cmd.exe command line.
    script: str
    # What users see in evidence, e.g. "cat /proc/mounts".
    label: str
    needs_root: bool = False
    timeout: int = 30
    description: str = ""
    # Outcomes other than exit status 0 that are not failures (tool absent, file absent...).
    benign: tuple[Outcome, ...] = ()
    # Output cut by the size or time limit is still read (its lines are real; the parser
    # marks the result incomplete and the check never passes on it): bounded scans.
    partial: bool = False
    # Probes that collect the same fact another way (mountinfo / proc_mounts): a check may
    # fall back on them when this one failed.
    alternatives: tuple[str, ...] = ()
