"""Import hosts from the files users already have: CSV, Ansible INI and Ansible YAML.

Two phases. A parser turns the file into `HostSpec`s and `GroupSpec`s (no database); then
`apply()` resolves names and writes everything in one transaction. Any problem anywhere rolls
the whole import back and is reported with its line number, so a bad file changes nothing.
A dry run does the same work and always rolls back, so what it reports is exactly what a
real run would do.

Policy for re-imports (hosts are matched by name):
- a value the file gives is set (an empty CSV cell means the default), a column the file
  lacks leaves the host's value alone;
- `os_family` is the exception: empty keeps what is known (scans learn it);
- groups and tags given by the file replace the host's groups and tags; a host in a child
  group also belongs to every ancestor group.
"""

from __future__ import annotations

import codecs
import io
from pathlib import PurePath

from django.db import IntegrityError, transaction

from fleet.lib import import_ansible, import_csv
from fleet.lib.import_apply import apply
from fleet.lib.import_limits import MAX_IMPORT_BYTES, MAX_PROBLEMS, check_limits
from fleet.lib.import_spec import (
    ANSIBLE_INI,
    ANSIBLE_YAML,
    CSV,
    FORMATS,
    GroupSpec,
    HostSpec,
    ImportReport,
    ParsedInventory,
    Problem,
    RowResult,
    VarFiles,
    ancestors,
    split_list,
)

__all__ = [
    "ANSIBLE_INI",
    "ANSIBLE_YAML",
    "CSV",
    "FORMATS",
    "GroupSpec",
    "HostSpec",
    "ImportReport",
    "ParsedInventory",
    "Problem",
    "RowResult",
    "VarFiles",
    "ancestors",
    "decode",
    "detect_format",
    "import_hosts",
    "parse",
    "split_list",
]


class ImportFailed(Exception):
    """Raised inside the transaction to roll it back once problems are collected."""


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, or UTF-16 with BOM (Excel's "Unicode text"); anything else
    (a binary file, UTF-16 without BOM) raises ValueError in the user's words: the encoding
    tried, the line and the byte offset."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # a BOM by chance: a binary file, or cut short
            raise ValueError(
                f"the file is not a text CSV/YAML: it starts like UTF-16 text, but byte offset "
                f"{exc.start} (0x{data[exc.start]:02x}) is not UTF-16 ({exc.reason}); "
                "save it as UTF-8 text"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"line {line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x} at byte offset "
            f"{exc.start}), so not a text CSV/YAML; save it as UTF-8"
        ) from None
    if (nul := data.find(b"\x00")) >= 0:  # valid UTF-8, but no text file holds a NUL byte
        line = data[:nul].count(b"\n") + 1
        raise ValueError(
            f"line {line}: the file is not a text CSV/YAML (a NUL byte at byte offset {nul}): "
            "UTF-16 without a byte order mark, or a binary file such as a spreadsheet; "
            "save it as UTF-8 text"
        )
    return text


def detect_format(filename: str, text: str) -> str:
    """By extension first, then by content (Ansible inventories often have no extension)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return CSV
    if suffix in {".yml", ".yaml"}:
        return ANSIBLE_YAML
    if suffix in {".ini", ".cfg"}:
        return ANSIBLE_INI
    first = next(
        (
            line.strip()
            for line in io.StringIO(text)  # lazily: only the first line that counts is needed
            if line.strip() and not line.lstrip().startswith(("#", ";"))
        ),
        "",
    )
    header = [cell.strip().strip('"').lower() for cell in first.replace(";", ",").split(",")]
    if "name" in header and len(header) > 1:
        return CSV
    if first == "---" or (first.endswith(":") and not first.startswith("[")):
        return ANSIBLE_YAML
    return ANSIBLE_INI


def parse(
    filename: str, data: bytes, fmt: str | None = None, var_files: VarFiles | None = None
) -> ParsedInventory:
    """Decode, detect the format and parse; never touches the database."""
    if len(data) > MAX_IMPORT_BYTES:
        return ParsedInventory(fmt or CSV, errors=[Problem(None, too_big(len(data)))])
    try:
        text = decode(data)
    except ValueError as exc:
        return ParsedInventory(fmt or CSV, errors=[Problem(None, str(exc))])
    fmt = fmt or detect_format(filename, text)
    if fmt == CSV:
        parsed = import_csv.parse(text)
    elif fmt == ANSIBLE_YAML:
        parsed = import_ansible.parse_yaml(text, var_files)
    else:
        parsed = import_ansible.parse_ini(text, var_files)
    if not parsed.errors:
        check_limits(parsed)
    return parsed


def too_big(size: int) -> str:
    """What the page and the command say about a file over MAX_IMPORT_BYTES."""
    return (
        f"the file is {size / 2**20:.1f} MiB; an import takes at most "
        f"{MAX_IMPORT_BYTES // 2**20} MiB: split it"
    )


def import_hosts(
    filename: str,
    data: bytes,
    *,
    dry_run: bool = False,
    fmt: str | None = None,
    var_files: VarFiles | None = None,
) -> ImportReport:
    """Parse and apply a file: the one entry point of the command and the upload page.

    `var_files`: Ansible group_vars/host_vars read from beside the inventory (the command).
    """
    parsed = parse(filename, data, fmt, var_files)
    report = ImportReport(parsed.format, dry_run)
    _check_duplicates(parsed)
    report.errors = list(parsed.errors)
    try:
        with transaction.atomic():
            # Applied even when parsing found problems, so that problems only the database
            # reveals (unknown credential, too long a value) are reported in the same pass.
            apply(parsed, report)
            if report.errors:
                raise ImportFailed
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another import (or an admin edit) created the same host, group or tag meanwhile.
        report.errors.append(
            Problem(None, "the inventory changed during the import; nothing was saved, try again")
        )
    except ImportFailed:
        report.errors.sort(key=_problem_order)
        if len(report.errors) > MAX_PROBLEMS + 1:  # a parser's own "stopped after" may end it
            dropped = len(report.errors) - MAX_PROBLEMS
            report.errors[MAX_PROBLEMS:] = [Problem(None, f"... and {dropped:,} more problems")]
    if report.errors:
        report.rows = []
        report.groups_created = []
    return report


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.message)


def _check_duplicates(parsed: ParsedInventory) -> None:
    # Ansible lists a host under every group it is in: parsers merge those; this catches
    # CSV rows, where a repeated name is a mistake.
    if parsed.format != CSV:
        return
    seen: dict[str, int] = {}
    for spec in parsed.hosts:
        if spec.name in seen:
            parsed.errors.append(
                Problem(
                    spec.line, f"duplicate name {spec.name!r} (first on line {seen[spec.name]})"
                )
            )
        else:
            seen[spec.name] = spec.line
