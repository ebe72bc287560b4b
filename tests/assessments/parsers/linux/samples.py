"""Builders over the real samples: one block of a multi-block file as a ProbeOutput."""

import re

from assessments.facts import ProbeOutput
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
