"""`python manage.py scheduler [--once] [--interval S]`: start the scans of due schedules."""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.managers import HEARTBEAT_INTERVAL, STALE_AFTER
from assessments.scanning import schedules
from assessments.scanning.dbretry import Backoff, attempt
from assessments.scanning.scans import QUEUE_ERRORS, recover_lost

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
        parser.add_argument(
            "--stale-after",
            type=float,
            default=STALE_AFTER,
            help="seconds without a heartbeat after which a host's worker counts as lost "
            f"(default {STALE_AFTER}; at least {3 * HEARTBEAT_INTERVAL})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stale_after"] < 3 * HEARTBEAT_INTERVAL:
            # Workers beat every HEARTBEAT_INTERVAL s; shorter would take live hosts from them.
            raise CommandError(f"--stale-after must be at least {3 * HEARTBEAT_INTERVAL} seconds")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():

            def request_stop(signum: int, frame: FrameType | None) -> None:
                stop.set()

            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        run_loop(
            stop,
            options["interval"],
            once=options["once"],
            out=self.stdout.write,
            stale_after=options["stale_after"],
        )


def queue_outage() -> Backoff:
    """Tracks an outage of Redis for the scheduler's log: one line when it goes, one when
    it is back (the recovery step needs the queue; schedules and scans go on without it)."""
    return Backoff("scheduler: recovery of lost hosts", service="queue (Redis)")


def tick(out: Any = None, stale_after: float = STALE_AFTER, queue: Backoff | None = None) -> None:
    """One dispatcher pass: due schedules, then hosts of dead workers (needs Redis: while
    it is away the step is skipped, logged through `queue` once per outage)."""
    for scan in schedules.dispatch_due():
        if out:
            out(f"Started scan #{scan.pk} for schedule {scan.schedule}.")
    queue = queue or queue_outage()
    try:
        recovered = recover_lost(stale_after=stale_after)
    except QUEUE_ERRORS as exc:
        queue.failed(exc)
        return
    queue.succeeded()
    if out and any(recovered.values()):
        out(f"Lost hosts: {recovered['requeued']} re-queued, {recovered['failed']} failed.")


def iteration(
    interval: float,
    backoff: Backoff,
    out: Any = None,
    *,
    fresh: bool = True,
    stale_after: float = STALE_AFTER,
    queue: Backoff | None = None,
) -> float:
    """One loop pass: a tick, then how long to sleep before the next one.

    A lost database connection (server restart, killed backend) is replaced on the next
    pass; while the database stays down the sleep grows with `backoff` instead. `fresh`
    (off for `--once`, which may run inside a caller's transaction) first drops connections
    that are broken or too old.
    """

    def tick_then_delay() -> float:
        tick(out, stale_after=stale_after, queue=queue)
        return schedules.seconds_until_next(cap=interval)

    ok, delay, wait = attempt(tick_then_delay, backoff, fresh=fresh)
    if not ok or delay is None:
        return wait
    return delay


def run_loop(
    stop: threading.Event,
    interval: float,
    *,
    once: bool = False,
    out: Any = None,
    stale_after: float = STALE_AFTER,
) -> None:
    """Tick until `stop` is set; the demo runs this in a thread."""
    backoff, queue = Backoff("scheduler"), queue_outage()
    while True:
        try:
            delay = iteration(
                interval, backoff, out, fresh=not once, stale_after=stale_after, queue=queue
            )
        except Exception:  # anything else must not end the scheduler either
            log.exception("scheduler tick failed")
            delay = interval
        if once or stop.wait(delay):
            break
