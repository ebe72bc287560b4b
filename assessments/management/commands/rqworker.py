"""`rqworker` of django-rq, serving every queue of `settings.QUEUE_NAMES` when none is named.

django-rq's own command serves only `default` without arguments; scans would then wait
forever on `scans`. Named queues work as before: `rqworker scans` serves only scans.
"""

from typing import Any

from django.conf import settings
from django_rq.management.commands import rqworker


class Command(rqworker.Command):
    """Run an RQ worker on the named queues, or on every queue the project uses."""

    help = "Run an RQ worker; with no queue names it serves every queue of the project."

    def handle(self, *args: str, **options: Any) -> None:
        super().handle(*(args or settings.QUEUE_NAMES), **options)  # type: ignore[no-untyped-call]
