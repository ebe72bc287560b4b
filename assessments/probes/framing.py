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


def parse_framed(data: bytes, token: str | None = None) -> dict[str, ProbeOutput]:
    """Probe outputs from a transcript; an unfinished last frame keeps what arrived (truncated)."""
    if token is None:
        found = _TOKEN.search(b"\n" + data)
        if not found:
            return {}
        token = found.group(1).decode()
    marker = re.compile(
        rb"\n@@P2C " + re.escape(token.encode()) + rb" (BEGIN|STDERR|END) ([A-Za-z0-9_.-]+)"
        rb"(?: (-?\d*)( truncated)?)?\n"
    )
    results: dict[str, ProbeOutput] = {}
    stream = b"\n" + data
    current: str | None = None
    stdout = b""
    part_start = 0
    section = ""
    for match in marker.finditer(stream):
        kind, probe = match.group(1).decode(), match.group(2).decode()
        if kind == "BEGIN":
            current, section, part_start = probe, "out", match.end()
        elif kind == "STDERR" and probe == current:
            stdout, section, part_start = stream[part_start : match.start()], "err", match.end()
        elif kind == "END" and probe == current:
            stderr = stream[part_start : match.start()] if section == "err" else b""
            if section == "out":
                stdout = stream[part_start : match.start()]
            rc_text = match.group(3)
            results[probe] = ProbeOutput(
                stdout=stdout,
                stderr=stderr,
                rc=int(rc_text) if rc_text else None,
                truncated=bool(match.group(4)),
            )
            current, section = None, ""
    if current is not None:
        rest = stream[part_start:]
        results[current] = (
            ProbeOutput(stdout=rest, truncated=True)
            if section == "out"
            else ProbeOutput(stdout=stdout, stderr=rest, truncated=True)
        )
    return results
