"""Splitting probe outputs that concatenate several files under `==> path <==` headers.

Several probes print more than one file (head(1) style headers); the sample corpus uses the
same convention. Text before the first header belongs to the section named "".
"""

import re

_HEADER = re.compile(r"^==> (.*) <==$")


def split_sections(text: str) -> list[tuple[str, list[str]]]:
    """(name, lines) pairs in output order; the lines exclude the header and trailing blanks."""
    sections: list[tuple[str, list[str]]] = []
    name = ""
    current: list[str] = []
    started = False
    for line in text.split("\n"):
        header = _HEADER.match(line)
        if header:
            if started or any(item.strip() for item in current):
                sections.append((name, _trim(current)))
            name, current, started = header.group(1), [], True
        else:
            current.append(line)
    if started or any(item.strip() for item in current):
        sections.append((name, _trim(current)))
    return sections


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


_CUT = re.compile(r"^# p2c: output cut after (\d+) lines$")


def capped_lines(text: str) -> tuple[list[str], bool]:
    """The lines of a probe that caps its own output (`assessments.probes.linux._capped`),
    without the marker, and whether the output was cut."""
    lines = text.split("\n")
    kept = [line for line in lines if not _CUT.match(line)]
    return kept, len(kept) != len(lines)
