"""`python manage.py scan [--all | --group G ... | --host H ...] [--wait] [--json]`."""

import json
import sys
import threading
import time
from collections import Counter
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rq import Worker

from assessments.choices import ScanTrigger
from assessments.managers import TERMINAL_SCAN
from assessments.models import Scan
from assessments.scanning import scans
from assessments.scanning.dbretry import (
    CONNECTION_ERRORS,
    Backoff,
    attempt,
    drop_connections,
    retry,
)
from assessments.scanning.scans import (
    QUEUE_ERRORS,
    QueueUnavailable,
    SelectionError,
    describe_selection,
    recover_lost,
    scan_progress,
    start_scan,
)
from assessments.scanning.workers import DatabaseAwareSimpleWorker

POLL_SECONDS = 1.0
RECOVER_EVERY = 30.0
BAR_WIDTH = 30
# Rounds of the embedded queue before `scan --wait` gives up on hosts that jobs keep leaving
# behind (each lost connection costs one; a host's own attempts are bounded anyway).
EMBEDDED_ROUNDS = 10


class Command(BaseCommand):
    """Start a scan of the selected hosts; `--wait` follows it to the end.

    With the embedded queue (no REDIS_URL) no other process can see the jobs, so `--wait`
    runs them here with an RQ SimpleWorker; with Redis, `rqworker` processes do the work.
    `reassess` is this command with another trigger.
    """

    help = "Start a scan of all hosts, of groups or of hosts; --wait follows it to the end."
    trigger: str = ScanTrigger.MANUAL
    verb = "scan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every enabled host")
        parser.add_argument("--group", action="append", default=[], metavar="G")
        parser.add_argument("--host", action="append", default=[], metavar="H")
        parser.add_argument("--wait", action="store_true", help="follow the scan to its end")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        selection = self._selection(options)
        try:
            scan = start_scan(selection, trigger=self.trigger)
        except SelectionError as exc:
            raise CommandError(str(exc)) from None
        except QueueUnavailable as exc:
            raise CommandError(f"{exc.notice}\n({exc.cause})") from None
        if not options["wait"]:
            noun = words_for(scan)[0]
            self._say(options, f"{noun} #{scan.pk} of {describe_selection(selection)} queued.")
            if options["json"]:
                self.stdout.write(json.dumps({"scan": scan.pk, "status": scan.status}))
            return
        started = time.monotonic()
        self._follow(scan, interactive=self.stderr.isatty() and not options["json"])
        retry(scan.refresh_from_db, "scan --wait")
        summary = retry(lambda: summarize(scan, time.monotonic() - started), "scan --wait")
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(render_summary(scan, summary))
        if could_not_run(scan, summary):
            sys.exit(1)

    def _selection(self, options: dict[str, Any]) -> dict[str, Any]:
        if options["all"]:
            if options["group"] or options["host"]:
                raise CommandError("--all cannot be combined with --group or --host")
            return {"all": True}
        if not options["group"] and not options["host"]:
            raise CommandError(f"choose what to {self.verb}: --all, --group G or --host H")
        selection: dict[str, Any] = {}
        if options["group"]:
            selection["groups"] = options["group"]
        if options["host"]:
            selection["hosts"] = options["host"]
        return selection

    def _say(self, options: dict[str, Any], text: str) -> None:
        if not options["json"]:
            self.stdout.write(text)

    def _follow(self, scan: Scan, *, interactive: bool) -> None:
        progress = ProgressPrinter(scan.pk, getattr(self.stderr, "_out", sys.stderr), interactive)
        progress.start()
        try:
            if settings.REDIS_URL:
                wait_for_workers(scan, progress)
            else:
                work_embedded(scan)
        finally:
            progress.stop()


def work_embedded(scan: Scan) -> None:
    """Run the jobs of the embedded queue here until the scan ends.

    Nobody else sees this queue, so a host still queued or running once the queue is empty
    was left by a job that lost the database (a restart, a killed backend): it is put back
    in the queue (`recover_lost` with no grace; its attempts stay bounded) and worked again.
    The worker takes no job while the database is unreachable, and the checks between two
    rounds back off, as `wait_for_workers` does.
    """
    queue = scans.scan_queue()
    backoff = Backoff("scan --wait")

    def ended_or_requeued() -> bool:
        if Scan.objects.filter(pk=scan.pk, status__in=TERMINAL_SCAN).exists():
            return True
        with transaction.atomic():  # the re-queued hosts are enqueued at its commit
            recover_lost(scan, stale_after=0)
        return False

    for _ in range(EMBEDDED_ROUNDS):
        worker = DatabaseAwareSimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True, logging_level="WARNING")
        while not (outcome := attempt(ended_or_requeued, backoff))[0]:
            time.sleep(outcome[2])  # the database is away: wait for it, then check again
        if outcome[1]:
            return


def wait_for_workers(scan: Scan, progress: "ProgressPrinter") -> None:
    """Poll until the scan ends; a lost database connection is retried with backoff."""
    backoff = Backoff("scan --wait")
    queue = Backoff("scan --wait: recovery of lost hosts", service="queue (Redis)")
    state = {"last_recover": time.monotonic(), "warned": False}

    def poll() -> bool:
        if Scan.objects.filter(pk=scan.pk, status__in=TERMINAL_SCAN).exists():
            return True
        if time.monotonic() - state["last_recover"] > RECOVER_EVERY:
            state["last_recover"] = time.monotonic()
            try:
                recover_lost(scan)
                workers = Worker.count(queue=scans.scan_queue())
            except QUEUE_ERRORS as exc:  # Redis is away: keep following, say it once
                queue.failed(exc)
                return False
            queue.succeeded()
            if not state["warned"] and not workers:
                progress.note("No RQ worker serves the scans queue: start `manage.py rqworker`.")
                state["warned"] = True
        return False

    while True:
        ok, finished, wait = attempt(poll, backoff)
        if ok and finished:
            return
        time.sleep(wait or POLL_SECONDS)


class ProgressPrinter:
    """Shows progress from a thread: a bar on a terminal, a line per change otherwise."""

    def __init__(self, scan_id: int, out: TextIO, interactive: bool) -> None:
        self.scan_id = scan_id
        self.out = out
        self.interactive = interactive
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="scan-progress", daemon=True)
        self.last = ""

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
        self._show()
        if self.interactive:
            self.out.write("\n")
        self.out.flush()

    def note(self, text: str) -> None:
        self.out.write(("\n" if self.interactive else "") + text + "\n")

    def _run(self) -> None:
        from django.db import connections

        try:
            while not self.done.wait(POLL_SECONDS):
                self._show()
        finally:
            connections.close_all()

    def _show(self) -> None:
        try:
            line = progress_line(scan_progress(self.scan_id), self.interactive)
        except CONNECTION_ERRORS:  # the database is away: keep the last line, try again later
            drop_connections()
            return
        if line == self.last:
            return
        self.last = line
        self.out.write(("\r" + line) if self.interactive else line + "\n")
        self.out.flush()


def progress_line(p: dict[str, int], bar: bool) -> str:
    finished = p["done"] + p["failed"] + p["cancelled"]
    text = (
        f"{finished}/{p['total']} hosts  done {p['done']}  failed {p['failed']}  "
        f"running {p['running']}  queued {p['queued']}"
    )
    if not bar:
        return text
    filled = BAR_WIDTH * finished // max(1, p["total"])
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"


def summarize(scan: Scan, seconds: float) -> dict[str, Any]:
    p = scan_progress(scan)
    verdicts = Counter(
        v for v in scan.host_scans.exclude(verdict="").values_list("verdict", flat=True)
    )
    return {
        "scan": scan.pk,
        "hosts": p["total"],
        "completed": p["done"],
        "failed": p["failed"],
        "verdicts": dict(sorted(verdicts.items())),
        "seconds": round(seconds, 2),
    }


def words_for(scan: Scan) -> tuple[str, str]:
    """What to call the scan and what happened to its hosts, in the command's output."""
    return scan.noun, "re-assessed" if scan.is_reassessment else "scanned"


def render_summary(scan: Scan, summary: dict[str, Any]) -> str:
    verdicts = ", ".join(f"{k} {v}" for k, v in summary["verdicts"].items()) or "none"
    noun, done = words_for(scan)
    lines = [
        f"{noun} #{scan.pk} {scan.get_status_display().lower()} in {summary['seconds']} s: "
        f"{summary['completed']} of {summary['hosts']} hosts {done}, {summary['failed']} failed.",
        f"Verdicts: {verdicts}.",
    ]
    if scan.error:
        lines.append(scan.error)
    for hs in scan.host_scans.filter(status="failed").select_related("host")[:20]:
        lines.append(f"  {hs.host.name}: {hs.get_error_class_display()}: {hs.error_detail}")
    return "\n".join(lines)


def could_not_run(scan: Scan, summary: dict[str, Any]) -> bool:
    """The scan failed, was cancelled, or reached none of its hosts."""
    return scan.status != "finished" or (summary["hosts"] > 0 and summary["completed"] == 0)
