"""`df -P -k -l` (and `df -P -i -l`): sizes of local file systems, in KiB or inodes.

The mount point is everything after the capacity column (it may contain spaces). Without
`-P` long device names wrap onto their own line; joined here all the same. A `Type` column
(`df -T`) is tolerated.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_ROW = re.compile(
    r"^(?P<source>\S+)\s+(?:(?P<type>[A-Za-z][\w.-]*)\s+)?"
    r"(?P<total>\d+|-)\s+(?P<used>\d+|-)\s+(?P<avail>\d+|-)\s+(?P<pct>\d+%|-)\s+(?P<target>/.*)$"
)


@dataclass(frozen=True)
class DfRow:
    source: str
    target: str
    total: int  # KiB (or inodes for `df -i`)
    used: int
    available: int
    line: str


def _int(value: str) -> int:
    return 0 if value == "-" else int(value)


def parse_df(out: ProbeOutput) -> list[DfRow]:
    text = decode(out.stdout)
    rows: list[DfRow] = []
    pending = ""
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip() or line.startswith("Filesystem"):
            continue
        if pending:
            line, pending = f"{pending} {line.strip()}", ""
        match = _ROW.match(line)
        if match is None:
            if len(line.split()) == 1:
                pending = line.strip()  # a wrapped device name: the numbers follow
            continue
        rows.append(
            DfRow(
                match["source"],
                match["target"],
                _int(match["total"]),
                _int(match["used"]),
                _int(match["avail"]),
                line,
            )
        )
    if not rows:
        raise ProbeUnavailable("df printed no file systems")
    return rows


def by_target(rows: list[DfRow]) -> dict[str, DfRow]:
    return {row.target: row for row in rows}


def human_kib(kib: int) -> str:
    """A size in KiB for people: `1.5 GiB`."""
    size = float(kib)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "KiB" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"
