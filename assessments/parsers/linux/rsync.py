"""`rsync --version`: whether the transfer tool exists on the source, and which protocol."""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode


@dataclass(frozen=True)
class RsyncVersion:
    version: str
    protocol: int | None
    line: str


def parse_rsync(out: ProbeOutput) -> RsyncVersion:
    text = decode(out.stdout)
    for line in text.split("\n"):
        match = re.search(r"rsync\s+version\s+v?(\S+)(?:\s+protocol version (\d+))?", line)
        if match:
            protocol = int(match.group(2)) if match.group(2) else None
            return RsyncVersion(match.group(1), protocol, line.strip())
    raise ProbeUnavailable("rsync --version printed no version")
