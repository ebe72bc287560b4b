"""wmic `Key=Value` output (`get /value`, `/format:list`), and wmic's error messages.

Instances are separated by blank lines. The same reader accepts the aligned `Name = value`
layout of CIM property dumps. Table output (`wmic ... get A,B` without /value) pads columns
by width in the console code page and breaks on CJK text, so it is refused, not guessed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_ERROR_DESCRIPTION = re.compile(r"^\s*Description\s*=\s*(.+?)\s*$")
_KEY_VALUE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
# Messages wmic prints instead of data (its own words, not localised).
_WMIC_ERRORS = re.compile(
    r"^(Invalid (?:XSL format|query|class|GET Expression|alias verb|Verb Switch|Global Switch)"
    r"|.*Alias not found|Node - .*|ERROR:.*)",
    re.IGNORECASE,
)
_NO_INSTANCES = re.compile(r"No Instance\(s\) Available", re.IGNORECASE)
_ERROR_HEADING = re.compile(r"^(ERROR|ERREUR|FEHLER|ERRORE|ERRO|ОШИБКА)\s*:\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WmicRecord:
    """One instance: its properties as printed (keys matched case-insensitively)."""

    values: Mapping[str, str]
    lines: tuple[str, ...]

    def get(self, key: str, default: str = "") -> str:
        wanted = key.lower()
        for name, value in self.values.items():
            if name.lower() == wanted:
                return value
        return default

    def integer(self, key: str) -> int | None:
        value = self.get(key).strip()
        return int(value) if re.fullmatch(r"-?\d+", value) else None

    def flag(self, key: str) -> bool | None:
        value = self.get(key).strip().upper()
        return True if value == "TRUE" else False if value == "FALSE" else None

    def evidence(self, *keys: str) -> list[str]:
        """The record's lines for these keys (all its lines when none are given)."""
        if not keys:
            return list(self.lines)
        wanted = {key.lower() for key in keys}
        return [line for line in self.lines if line.split("=", 1)[0].strip().lower() in wanted]


def parse_records(text: str, label: str = "wmic") -> list[WmicRecord]:
    """Instances in a decoded wmic Key=Value output; ProbeUnavailable on wmic errors."""
    _raise_on_error(text, label)
    records: list[WmicRecord] = []
    values: dict[str, str] = {}
    kept: list[str] = []
    for line in text.split("\n"):
        match = _KEY_VALUE.match(line)
        if match:
            values[match.group(1)] = match.group(2).strip()
            kept.append(line.rstrip())
        elif not line.strip() and values:
            records.append(WmicRecord(values, tuple(kept)))
            values, kept = {}, []
    if values:
        records.append(WmicRecord(values, tuple(kept)))
    if not records and not _NO_INSTANCES.search(text) and text.strip():
        first = next(line.strip() for line in text.split("\n") if line.strip())
        raise ProbeUnavailable(
            f"{label}: output is not wmic Key=Value data (starts with {first[:80]!r}); "
            "collect it with `get /value`"
        )
    return records


def records(out: ProbeOutput, label: str = "wmic") -> list[WmicRecord]:
    """Instances in a wmic probe's output."""
    return parse_records(decode(out.stdout), label)


def _raise_on_error(text: str, label: str) -> None:
    meaningful = [line.strip() for line in text.split("\n") if line.strip()]
    if not meaningful or (_KEY_VALUE.match(meaningful[0]) and "ERROR:" not in text):
        return
    description = next(
        (m.group(1) for line in meaningful if (m := _ERROR_DESCRIPTION.match(line))), None
    )
    if any(line.startswith("ERROR:") for line in meaningful) and description:
        raise ProbeUnavailable(f"{label}: wmic error: {description}")
    # The heading is translated on some systems, and so is the description line after it,
    # which would otherwise read as a Key=Value record.
    heading = next((i for i, line in enumerate(meaningful) if _ERROR_HEADING.match(line)), None)
    if heading is not None and (heading == 0 or not _KEY_VALUE.match(meaningful[0])):
        after = meaningful[heading + 1] if heading + 1 < len(meaningful) else meaningful[heading]
        raise ProbeUnavailable(f"{label}: wmic error: {after[:120]}")
    if _WMIC_ERRORS.match(meaningful[0]):
        if meaningful[0].lower().startswith("invalid xsl"):
            raise ProbeUnavailable(
                f"{label}: wmic could not load its /format style sheet (system locale differs "
                "from the install language); collect with `get /value` instead"
            )
        raise ProbeUnavailable(f"{label}: wmic error: {meaningful[0][:120]}")
