"""`python manage.py collector_script linux|windows`: print the offline collector script."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.probes.offline import collector_script


class Command(BaseCommand):
    """Print the offline collector for air-gapped hosts, generated from the probe definitions.

    `linux` prints a POSIX sh script; `windows` a cmd.exe batch file with CRLF line endings.
    Redirect it to a file (`> p2c-collect-linux.sh`), copy it to the host and run it there;
    it writes a capture that `assess_capture` and `import_capture` read.
    """

    help = "Print the offline collector script for Linux or Windows hosts."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("os_family", choices=["linux", "windows"])
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        filename, content = collector_script(options["os_family"])
        if options["output"]:
            # newline="" keeps the CRLF of the .cmd exactly as generated.
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
            self.stderr.write(f"wrote {options['output']} (suggested name: {filename})")
        else:
            self.stdout.write(content, ending="")
