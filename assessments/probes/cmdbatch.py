"""Several Windows probes in one cmd.exe command line, with markers to split their outputs.

A WinRM command costs three round trips (Command, Receive, Signal), so running each Windows
probe on its own costs some 50 per host. Here one command runs many probes, each in a
`cmd /d /s /c` of its own (so each starts from exit code 0 and ends with its own, exactly as
when WinRS runs it alone), between markers carrying a random token chosen per run:

    echo @@P2C <token> BEGIN <id>       on stdout, before the probe
    >&2 echo @@P2C <token> BEGIN <id>   on stderr, before the probe
    echo @@P2C <token> END <id> <rc>    on stdout, after it (`!ERRORLEVEL!` under /v:on)

A probe's stdout is what lies between its BEGIN line and its END marker (byte-exact: the END
marker needs no newline before it), its stderr what lies between its BEGIN line on stderr
and the next one. Output of a probe cannot forge a marker without the token.

Only probes whose command line survives being nested are batched (`batchable`): an even
number of double quotes (so every `&` and `>` of ours stays inside the outer quotes) and no
`!`, `%` or `^` (they would be expanded or unescaped once more). Lines stay under cmd.exe's
8191-character limit (`batches`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assessments.facts import ProbeOutput
from assessments.probes.base import Probe

MARK = "@@P2C"
MAX_LINE = 8000  # cmd.exe refuses command lines over 8191 characters
_UNSAFE = re.compile(r"[!%^\r\n]")
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def batchable(probe: Probe) -> bool:
    """Whether `probe` can run inside a batch line unchanged."""
    script = probe.script
    return (
        bool(_ID.match(probe.id))
        and bool(script.strip())
        and script.count('"') % 2 == 0
        and not _UNSAFE.search(script)
    )


def _steps(probe: Probe, token: str) -> str:
    begin = f"{MARK} {token} BEGIN {probe.id}"
    return (
        f"echo {begin}&>&2 echo {begin}&"
        f'cmd /d /s /c "{probe.script}" <nul&'
        f"echo {MARK} {token} END {probe.id} !ERRORLEVEL!"
    )


def command_line(probes: Iterable[Probe], token: str) -> str:
    """The cmd.exe line that runs `probes` in order between markers."""
    steps = "&".join(_steps(probe, token) for probe in probes)
    return f'cmd /d /v:on /s /c "{steps}"'


def batches(probes: Iterable[Probe], token: str, limit: int = MAX_LINE) -> list[list[Probe]]:
    """Consecutive probes grouped into lines under `limit`; an unbatchable probe is alone."""
    groups: list[list[Probe]] = []
    current: list[Probe] = []
    for probe in probes:
        if not batchable(probe) or len(command_line([probe], token)) > limit:
            groups += [current, [probe]] if current else [[probe]]
            current = []
        elif len(command_line([*current, probe], token)) > limit:
            groups.append(current)
            current = [probe]
        else:
            current.append(probe)
    if current:
        groups.append(current)
    return groups


@dataclass(frozen=True)
class Split:
    """What a batch's output says: finished probes, and the one it stopped in (if any)."""

    finished: dict[str, ProbeOutput]
    current: str | None  # begun but not ended
    current_stdout: bytes = b""
    current_stderr: bytes = b""
    understood: bool = True  # False: markers malformed, the batch line was not run as meant


def _marker(token: str) -> "re.Pattern[bytes]":
    return re.compile(
        rb"@@P2C "
        + re.escape(token.encode())
        + rb" (BEGIN|END) ([A-Za-z0-9_.-]+)(?: ([^\r\n]*?))? *\r?\n"
    )


def finished_count(stdout: bytes | bytearray, token: str) -> int:
    """How many probes of a batch have ended so far (cheap: for progress while receiving)."""
    return stdout.count(f"{MARK} {token} END ".encode())


def split(stdout: bytes, stderr: bytes, token: str, probes: list[Probe]) -> Split:
    """The per-probe outputs of a batch run, in the order of `probes`."""
    marker = _marker(token)
    errs = _stderr_parts(stderr, marker)
    finished: dict[str, ProbeOutput] = {}
    position, current = 0, ""
    expected = iter(p.id for p in probes)
    for match in marker.finditer(stdout):
        kind, probe_id, rest = match.group(1), match.group(2).decode(), match.group(3)
        if kind == b"BEGIN":
            if probe_id != next(expected, None) or rest:
                return Split(finished, None, understood=False)
            position, current = match.end(), probe_id
            continue
        if probe_id != current or not rest or not re.fullmatch(rb"-?\d+", rest):
            return Split(finished, None, understood=False)
        finished[probe_id] = ProbeOutput(
            stdout=stdout[position : match.start()],
            stderr=errs.get(probe_id, b""),
            rc=int(rest),
        )
        current = ""
    if not current:
        return Split(finished, None)
    return Split(finished, current, stdout[position:], errs.get(current, b""))


def _stderr_parts(stderr: bytes, marker: "re.Pattern[bytes]") -> dict[str, bytes]:
    parts: dict[str, bytes] = {}
    matches = [m for m in marker.finditer(stderr) if m.group(1) == b"BEGIN"]
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(stderr)
        parts[match.group(2).decode()] = stderr[match.end() : end]
    return parts
