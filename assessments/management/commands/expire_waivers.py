"""`manage.py expire_waivers`: end waivers past their expiry date, with audit events."""

from typing import Any

from django.core.management.base import BaseCommand

from assessments.scanning.waivers import expire_waivers


class Command(BaseCommand):
    """Deactivate expired waivers, record `expired` events and refresh the hosts' verdicts."""

    help = "End waivers whose expiry date has passed and refresh the verdicts of their hosts."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_waivers()
        self.stdout.write(f"{count} waiver(s) expired.")
