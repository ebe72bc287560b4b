"""CSV inventory: one host per row, the header of design.md plus owner, site, notes, enabled.

Groups and tags are separated by `;`. Booleans are `true`/`false` (also yes/no, 1/0). An
empty cell means the default. The delimiter is `,`, or `;`/tab when the header uses one
(spreadsheets in many locales save CSV with semicolons).
"""

import csv
import io
from collections.abc import Callable
from typing import Any

from fleet.choices import OsFamily, WinrmScheme, WinrmTransport
from fleet.lib.import_limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_HOSTS,
    ImportTooLarge,
    stop_if_full,
    too_many,
)
from fleet.lib.import_spec import (
    CSV,
    HostSpec,
    ParsedInventory,
    Problem,
    check_jump_host,
    split_list,
)

REQUIRED = ["name"]
COLUMNS = [
    "name",
    "address",
    "port",
    "os_family",
    "groups",
    "tags",
    "credential",
    "target",
    "jump_host",
    "use_sudo",
    "allow_legacy_ssh",
    "winrm_scheme",
    "winrm_port",
    "winrm_transport",
    "owner",
    "site",
    "notes",
    "enabled",
]
# The csv module's cap on one cell, process-wide: this import is the only CSV reader of the
# application, and the default (128 KiB) is more than any column needs.
csv.field_size_limit(MAX_CSV_FIELD_CHARS)
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_bool(value: str) -> bool:
    try:
        return BOOLEANS[value.lower()]
    except KeyError:
        raise ValueError(f"{value!r} is not a boolean (true or false)") from None


def parse_port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValueError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def choice(values: list[str], label: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.lower() not in values:
            raise ValueError(f"{label} {value!r} is not one of {', '.join(values)}")
        return value.lower()

    return parse


# Column -> converter of a non-empty cell; text columns are kept as they are.
CONVERTERS: dict[str, Callable[[str], Any]] = {
    "port": parse_port,
    "winrm_port": parse_port,
    "use_sudo": parse_bool,
    "allow_legacy_ssh": parse_bool,
    "enabled": parse_bool,
    "os_family": choice(list(OsFamily.values), "os_family"),
    "winrm_scheme": choice(list(WinrmScheme.values), "winrm_scheme"),
    "winrm_transport": choice(list(WinrmTransport.values), "winrm_transport"),
    "jump_host": check_jump_host,
}
TEXT = ["address", "owner", "site", "notes"]


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return ";" if ";" in header else ("\t" if "\t" in header else ",")


def parse(text: str) -> ParsedInventory:
    parsed = ParsedInventory(CSV)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        parsed.errors.append(Problem(1, f"the header cannot be read: {exc}"))
        return parsed
    if not _header_ok(header, parsed):
        return parsed
    line = reader.line_num
    rows = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.errors.append(Problem(start, f"the row cannot be read: {exc}"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        try:
            stop_if_full(parsed.errors)
            if rows > MAX_HOSTS:
                raise too_many("rows", MAX_HOSTS)
        except ImportTooLarge as exc:
            parsed.errors.append(Problem(start, str(exc)))
            break
        spec = _row(header, cells, start, parsed)
        if spec:
            parsed.hosts.append(spec)
    return parsed


def _header_ok(header: list[str], parsed: ParsedInventory) -> bool:
    if not any(header):
        parsed.errors.append(Problem(1, "the file is empty: the first line must be the header"))
        return False
    for column in header:
        if column and column not in COLUMNS:
            parsed.errors.append(
                Problem(1, f"unknown column {column!r} (known: {', '.join(COLUMNS)})")
            )
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        parsed.errors.append(Problem(1, f"column {column!r} appears more than once"))
    for column in REQUIRED:
        if column not in header:
            parsed.errors.append(Problem(1, f"the header has no {column!r} column"))
    return not parsed.errors


def _row(
    header: list[str], cells: list[str], line: int, parsed: ParsedInventory
) -> HostSpec | None:
    # Spreadsheets pad rows and headers with empty cells: only a value there is a mistake.
    if any(cell.strip() for cell in cells[len(header) :]):
        parsed.errors.append(
            Problem(line, f"{len(cells)} cells but the header has {len(header)} columns")
        )
        return None
    if any(cells[i].strip() for i, column in enumerate(header) if not column and i < len(cells)):
        parsed.errors.append(Problem(line, "a value in a column without a name in the header"))
        return None
    # Missing trailing cells are empty, so they mean the default like any empty cell.
    row = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
    name = row.get("name", "")
    if not name:
        parsed.errors.append(Problem(line, "empty name"))
        return None
    spec = HostSpec(name=name, line=line)
    for column, value in row.items():
        try:
            _set(spec, column, value)
        except ValueError as exc:
            parsed.errors.append(Problem(line, f"{name}: {exc}"))
    return spec


def _set(spec: HostSpec, column: str, value: str) -> None:
    if column == "groups":
        spec.groups = split_list(value)
    elif column == "tags":
        spec.tags = split_list(value)
    elif column == "credential":
        spec.credential = value
    elif column == "target":
        spec.target = value
    elif column in CONVERTERS:
        spec.values[column] = CONVERTERS[column](value) if value else None
    elif column in TEXT:
        spec.values[column] = value
