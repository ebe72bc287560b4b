"""`manage.py export_blockers [--output FILE] [--include-warnings]`: the blockers CSV."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.pages.exports import blocker_rows, write_csv
from fleet.models import Host


class Command(BaseCommand):
    """Write the same CSV as /export/blockers.csv (every host), to a file or standard output."""

    help = "Write the CSV of blockers of every host's latest scan (design.md columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--include-warnings", action="store_true", help="Add warnings to the blockers."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = blocker_rows(Host.objects.all(), include_warnings=options["include_warnings"])
        write_csv(rows, options["output"])
