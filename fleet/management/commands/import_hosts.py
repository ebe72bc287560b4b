"""Import hosts from a CSV file or an Ansible inventory (INI or YAML)."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fleet.lib.imports import FORMATS, import_hosts


class Command(BaseCommand):
    """`import_hosts FILE [--dry-run]`: all-or-nothing; exits non-zero on any error.

    Hosts are matched by name, so importing the same file again updates them and creates no
    duplicates. FILE `-` reads standard input (give `--format` then).
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
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {name}: {exc.strerror}") from None
        report = import_hosts(name, data, dry_run=options["dry_run"], fmt=options["format"])
        if not report.ok:
            for line in report.lines()[1:]:
                self.stderr.write(line.strip())
            raise CommandError(report.lines()[0])
        for line in report.lines():
            self.stdout.write(line)
