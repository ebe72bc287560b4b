"""Import hosts from a CSV file or an Ansible inventory (INI or YAML)."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fleet.lib.import_limits import MAX_IMPORT_BYTES
from fleet.lib.import_spec import VarFiles
from fleet.lib.import_vars import load_var_files
from fleet.lib.imports import CSV, FORMATS, decode, detect_format, import_hosts, too_big


class Command(BaseCommand):
    """`import_hosts FILE [--dry-run]`: all-or-nothing; exits non-zero on any error.

    Hosts are matched by name, so importing the same file again updates them and creates no
    duplicates. FILE `-` reads standard input (give `--format` then). FILE may be an Ansible
    inventory directory holding one inventory file; `group_vars/` and `host_vars/` beside
    the inventory are read as Ansible reads them.
    """

    help = "Import hosts from CSV or an Ansible inventory (INI or YAML); all-or-nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="CSV, Ansible INI or YAML inventory; - for stdin")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help="skip detection by extension and content"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        var_files: VarFiles | None = None
        if name == "-":
            data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
            if len(data) > MAX_IMPORT_BYTES:
                raise CommandError(f"standard input: {too_big(len(data))}")
        else:
            name, data, var_files = read_inventory(Path(name), options["format"])
        report = import_hosts(
            name, data, dry_run=options["dry_run"], fmt=options["format"], var_files=var_files
        )
        if not report.ok:
            for line in report.lines()[1:]:
                self.stderr.write(line.strip())
            raise CommandError(report.lines()[0])
        for line in report.lines():
            self.stdout.write(line)


def read_inventory(path: Path, fmt: str | None) -> tuple[str, bytes, VarFiles | None]:
    """The file's name and bytes, and for Ansible the group_vars/host_vars beside it."""
    path = inventory_file(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise CommandError(f"{path}: {too_big(path.stat().st_size)}")
    if (fmt or detect_format(path.name, decode_or_empty(data))) == CSV:
        return str(path), data, None
    var_files, problems = load_var_files(path.parent)
    if problems:
        raise CommandError("; ".join(str(problem) for problem in problems))
    return str(path), data, var_files


IGNORED_SUFFIXES = {".retry", ".md", ".rst", ".cfg~", ".orig", ".bak", ".pyc"}


def inventory_file(path: Path) -> Path:
    """FILE itself, or the one inventory file of an Ansible inventory directory."""
    if not path.is_dir():
        return path
    candidates = [
        p
        for p in sorted(path.iterdir())
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith("~")
        and p.suffix not in IGNORED_SUFFIXES
    ]
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise CommandError(
            f"{path} must hold exactly one inventory file besides group_vars/ and host_vars/ "
            f"(found: {found}); name the file, or export the whole inventory with "
            "`ansible-inventory -i DIR --list --yaml > hosts.yml`"
        )
    return candidates[0]


def decode_or_empty(data: bytes) -> str:
    try:
        return decode(data)
    except ValueError:
        return ""  # import_hosts reports the encoding problem
