"""Outputs a probe fragment cut itself: after N lines it prints one marker line instead of
the rest (`assessments.probes.linux._bounded`). What is above the marker is real; what is
missing is unknown, so a check may report what it sees but never the absence of the rest.
"""

import re

_CUT = re.compile(r"^# p2c: output cut after (\d+) lines\s*$")


def split_cut(lines: list[str]) -> tuple[list[str], str]:
    """The lines without the marker, and "cut after N lines" (or "") for the evidence."""
    kept: list[str] = []
    cut = ""
    for line in lines:
        match = _CUT.match(line)
        if match:
            cut = f"output cut after {match.group(1)} lines"
        else:
            kept.append(line)
    return kept, cut
