"""`manage.py export_hosts --format csv|xlsx --output FILE [--filter KEY=VALUE ...]`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from assessments.filtersets import FILTER_KEYS, filter_errors, filtered_hosts
from assessments.pages.exports import write_csv
from assessments.pages.hosts_export import HEADER, host_rows, write_xlsx


class Command(BaseCommand):
    """Write the same file as /export/hosts.csv or /export/hosts.xlsx."""

    help = "Write the hosts table (CSV or XLSX) of the hosts the filters select (default: all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", "-o", help="File to write (default: standard output, CSV only)."
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=f"A hosts-list filter, as in the page's querystring ({', '.join(FILTER_KEYS)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        params = QueryDict(mutable=True)
        for item in options["filter"]:
            key, sep, value = item.partition("=")
            if not sep or key not in FILTER_KEYS:
                raise CommandError(
                    f"Invalid filter {item!r}: use KEY=VALUE, KEY one of {', '.join(FILTER_KEYS)}."
                )
            params.appendlist(key, value)
        filterset, hosts = filtered_hosts(params)
        if filterset.errors:
            raise CommandError(f"Invalid filter: {filter_errors(filterset)}")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("--format xlsx needs --output FILE.")
            with open(options["output"], "wb") as binary:
                write_xlsx(hosts, binary)
            return
        rows = host_rows(hosts)
        write_csv(rows, options["output"], header=HEADER)
