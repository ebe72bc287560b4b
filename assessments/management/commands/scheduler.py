"""`python manage.py scheduler [--once] [--interval S]`: start the scans of due schedules."""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from assessments.scanning import schedules
from assessments.scanning.scans import recover_lost

log = logging.getLogger(__name__)


class Command(BaseCommand):
    """Run the schedule dispatcher: every tick, start due scans and recover lost hosts.

    Run one per installation; a second one by mistake never duplicates a scan (each run is
    claimed with a conditional UPDATE), it only wastes a few queries.
    """

    help = "Start the scans of due schedules, in a loop (or once with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="longest sleep between ticks (seconds)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():

            def request_stop(signum: int, frame: FrameType | None) -> None:
                stop.set()

            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        run_loop(stop, options["interval"], once=options["once"], out=self.stdout.write)


def tick(out: Any = None) -> None:
    """One dispatcher pass: due schedules, then hosts of dead workers."""
    for scan in schedules.dispatch_due():
        if out:
            out(f"Started scan #{scan.pk} for schedule {scan.schedule}.")
    recovered = recover_lost()
    if out and any(recovered.values()):
        out(f"Lost hosts: {recovered['requeued']} re-queued, {recovered['failed']} failed.")


def run_loop(
    stop: threading.Event, interval: float, *, once: bool = False, out: Any = None
) -> None:
    """Tick until `stop` is set; the demo runs this in a thread."""
    while True:
        if not once:  # a long-running loop must not keep a connection the server dropped
            close_old_connections()
        try:
            tick(out)
        except Exception:  # a database hiccup must not end the scheduler
            log.exception("scheduler tick failed")
        if once or stop.wait(schedules.seconds_until_next(cap=interval)):
            break
