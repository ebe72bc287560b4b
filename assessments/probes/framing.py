"""The framed transcript of a probe run: many probes' stdout, stderr and exit code in one stream.

The Linux probe script (one SSH exec per host), the fleet lab and the offline collector all
speak it. Every marker carries a random token chosen per run, so output of a probe (hostile
or not) cannot forge a frame:

    \\n@@P2C <token> BEGIN <probe>\\n<stdout>\\n@@P2C <token> STDERR <probe>\\n<stderr>
    \\n@@P2C <token> END <probe> <rc>[ truncated]\\n

The newline before each marker is added by the framing, so stdout is kept byte-exact.
"""

import re
import secrets
from collections.abc import Collection

from assessments.facts import ProbeOutput

_TOKEN = re.compile(rb"\n@@P2C ([0-9a-f]{8,32}) BEGIN ")


def new_token() -> str:
    return secrets.token_hex(8)


def frame(token: str, probe: str, out: ProbeOutput) -> bytes:
    end = f"\n@@P2C {token} END {probe} {'' if out.rc is None else out.rc}"
    if out.truncated:
        end += " truncated"
    return (
        f"\n@@P2C {token} BEGIN {probe}\n".encode()
        + out.stdout
        + f"\n@@P2C {token} STDERR {probe}\n".encode()
        + out.stderr
        + end.encode()
        + b"\n"
    )


class FrameError(ValueError):
    """A transcript holds a frame nobody asked for: an id that was not sent, or one twice."""


def parse_framed(
    data: bytes | bytearray,
    token: str | None = None,
    expected: Collection[str] | None = None,
) -> dict[str, ProbeOutput]:
    """Probe outputs from a transcript; an unfinished last frame keeps what arrived (truncated).

    With `expected` (the probe ids that were sent) a frame of any other id, or a second frame
    of one id, raises `FrameError` as soon as its BEGIN is seen, so the outputs kept never
    outnumber the probes sent however many frames a hostile host prints (a flood of tiny
    valid frames with the run's token is the case). Outputs are copied out of `data` once.
    """
    if token is None:
        found = _TOKEN.search(b"\n" + data[:4096]) or _TOKEN.search(data)
        if not found:
            return {}
        token = found.group(1).decode()
    # The newline before a marker belongs to the framing; the first marker may open the data.
    marker = re.compile(
        rb"(?:\A|\n)@@P2C " + re.escape(token.encode()) + rb" (BEGIN|STDERR|END) ([A-Za-z0-9_.-]+)"
        rb"(?: (-?\d*)( truncated)?)?\n"
    )
    view = memoryview(data)
    results: dict[str, ProbeOutput] = {}
    begun: set[str] = set()
    current: str | None = None
    stdout = b""
    part_start = 0
    section = ""
    for match in marker.finditer(data):
        kind, probe = match.group(1).decode(), match.group(2).decode()
        if kind == "BEGIN":
            if expected is not None and (probe not in expected or probe in begun):
                raise FrameError(_unasked(data, token, len(expected), probe, probe in begun))
            begun.add(probe)
            current, section, part_start = probe, "out", match.end()
        elif kind == "STDERR" and probe == current:
            stdout = bytes(view[part_start : match.start()])
            section, part_start = "err", match.end()
        elif kind == "END" and probe == current:
            stderr = bytes(view[part_start : match.start()]) if section == "err" else b""
            if section == "out":
                stdout = bytes(view[part_start : match.start()])
            rc_text = match.group(3)
            results[probe] = ProbeOutput(
                stdout=stdout,
                stderr=stderr,
                rc=int(rc_text) if rc_text else None,
                truncated=bool(match.group(4)),
            )
            current, section = None, ""
    if current is not None:
        results[current] = _cut(view, part_start, len(data), section, stdout)
    return results


def _cut(view: memoryview, start: int, end: int, section: str, stdout: bytes) -> ProbeOutput:
    """The output of a frame that never reached its END marker (marked truncated)."""
    rest = bytes(view[start:end])
    if section == "out":
        return ProbeOutput(stdout=rest, truncated=True)
    return ProbeOutput(stdout=stdout, stderr=rest, truncated=True)


def count_frames(data: bytes | bytearray, token: str) -> int:
    """How many frames a transcript begins (counted without parsing any)."""
    begin = f"@@P2C {token} BEGIN ".encode()
    return data.count(b"\n" + begin) + (1 if data.startswith(begin) else 0)


def _unasked(data: bytes | bytearray, token: str, sent: int, probe: str, twice: bool) -> str:
    shown = probe if len(probe) <= 64 else probe[:64] + "..."
    why = f"probe {shown!r} was framed twice" if twice else f"frame {shown!r} was not asked for"
    frames = count_frames(data, token)
    return f"the host sent {frames:,} frames for {sent:,} probes sent; {why}"
