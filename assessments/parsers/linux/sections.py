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
