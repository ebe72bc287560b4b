"""Builders over the real samples: one block of a multi-block file as a ProbeOutput."""

import re
from collections.abc import Callable

from assessments.checks.base import Finding
from assessments.facts import Destination, Facts, ProbeOutput
from tests.conftest import sample_bytes

_SEPARATOR = re.compile(rb"^---- .* ----\s*$", re.MULTILINE)


def blocks(name: str) -> list[bytes]:
    """The outputs of a sample file; multi-block files are split on their `---- … ----` lines."""
    parts = _SEPARATOR.split(sample_bytes(name))
    return [part.lstrip(b"\n") for part in parts if part.strip()]


def out(name: str, block: int = 0, rc: int = 0, stderr: bytes = b"") -> ProbeOutput:
    return ProbeOutput(blocks(name)[block], stderr, rc)


def text(data: str, rc: int = 0, stderr: str = "") -> ProbeOutput:
    return ProbeOutput(data.encode(), stderr.encode(), rc)


def missing(tool: str) -> ProbeOutput:
    return ProbeOutput(b"", f"sh: 1: {tool}: not found\n".encode(), 127)


def facts(destination: Destination | None = None, **probes: ProbeOutput) -> Facts:
    """Linux facts from probe outputs given by probe id."""
    return Facts(os_family="linux", probes=probes, hostname="host", destination=destination)


def severities(findings: list[Finding]) -> list[str]:
    return [str(finding.severity) for finding in findings]


def judged(
    probe: str, output: ProbeOutput, parser: Callable[[ProbeOutput], object], family: str = "linux"
) -> object:
    """What a check gets for this output: the parser's result, or Unavailable / Absent when
    the output was judged failed or benign before any parser saw it."""
    return Facts(os_family=family, probes={probe: output}).parsed(probe, parser)
