"""Output of the `/fo csv` tools of Windows (driverquery, getmac): a header row, then one row
per item, every field in double quotes.

The column titles are localised ("Module Name", "Modulname", "Nom du module"), so columns
are read by position, never by title; the header only tells how many columns there are.
These tools print `ERROR: ...` instead of data when they fail and `INFO: ...` when there is
nothing to list (the words after the colon are localised, the prefix often is not).
"""

import csv
import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_ERROR = re.compile(r"^\s*(ERROR|ERREUR|FEHLER|ERRORE|ERRO|ОШИБКА)\s*:", re.IGNORECASE)
_INFO = re.compile(r"^\s*(INFO|INFORMATION|INFORMACI[OÓ]N|INFORMAZIONI)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its fields and the line as printed (for evidence)."""

    fields: tuple[str, ...]
    line: str

    def field(self, position: int) -> str:
        return self.fields[position].strip() if position < len(self.fields) else ""


@dataclass(frozen=True)
class CsvTable:
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    empty_message: str = ""  # the tool's INFO line when it had nothing to list


def parse_csv_output(out: ProbeOutput, label: str, widths: tuple[int, ...]) -> CsvTable:
    """Header and rows of a `/fo csv` output whose rows have one of `widths` columns.

    Anything else (an error message, table output, a row of another width, text that is not
    CSV) is not data: ProbeUnavailable says what was printed instead.
    """
    text = decode(out.stdout)
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise ProbeUnavailable(f"{label}: printed nothing")
    first = lines[0].strip()
    if _ERROR.match(first):
        raise ProbeUnavailable(f"{label}: {first[:160]}")
    if _INFO.match(first) and len(lines) == 1:
        return CsvTable((), (), first)
    parsed = [_fields(line, label) for line in lines]
    header = parsed[0]
    if len(header) not in widths or not first.startswith('"'):
        raise ProbeUnavailable(
            f"{label}: output is not its CSV form (starts with {first[:80]!r}); "
            "collect it with `/fo csv`"
        )
    rows = []
    for line, fields in zip(lines[1:], parsed[1:], strict=True):
        if len(fields) != len(header) or not line.lstrip().startswith('"'):
            raise ProbeUnavailable(
                f"{label}: a row has {len(fields)} fields, the header {len(header)}: "
                f"{line.strip()[:120]!r}"
            )
        rows.append(CsvRow(tuple(fields), line.rstrip()))
    return CsvTable(tuple(header), tuple(rows))


def _fields(line: str, label: str) -> list[str]:
    try:
        return next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration) as exc:
        raise ProbeUnavailable(f"{label}: not CSV: {line.strip()[:120]!r} ({exc})") from exc
