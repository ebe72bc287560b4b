"""`python manage.py import_capture PATH [--host NAME]`: store an offline capture."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.scanning.results import ImportCaptureError, import_capture
from fleet.models import Host


class Command(BaseCommand):
    """Store a capture (directory, .tar.gz or .zip) as a host's latest result.

    The host is `--host NAME` or the hostname in the capture's manifest. The result is judged
    and stored exactly as if the host had been scanned over the network; on any error
    nothing is stored.
    """

    help = "Store an offline capture as the latest result of a host."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="capture directory, .tar.gz or .zip")
        parser.add_argument("--host", help="inventory name of the host (default: manifest)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file or directory")
        host = None
        if options["host"]:
            host = Host.objects.filter(name=options["host"]).first()
            if host is None:
                raise CommandError(f"no host named {options['host']!r} in the inventory")
        try:
            hs = import_capture(host, path)
        except ImportCaptureError as exc:
            raise CommandError(f"{path}: {exc}") from None
        findings = hs.findings.count()
        self.stdout.write(
            f"Stored capture of {hs.host.name} as scan #{hs.scan_id}: "
            f"{hs.get_verdict_display()}, {findings} findings."
        )
