"""RQ jobs of scans.

`scan_batch(scan_id, host_scan_ids)` works one batch of one scan: it reserves its hosts,
claims each one with a conditional UPDATE (so two workers never scan the same host), scans
them concurrently in a bounded thread pool (paramiko is thread-based), and saves each host's
result as soon as that host is done. A heartbeat thread keeps the reservation fresh, so
`HostScan.objects.recover_lost` can tell a slow batch from a dead worker.

A re-assessment's batch (`ReassessBatch`) claims its hosts the same way but collects
nothing: it judges each host's stored capture again (`assessments.scanning.reassess`); an
uploaded capture's batch (`ImportBatch`) judges the upload (`results.import_upload`).
"""

import logging
import os
import queue
import random
import socket
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from rq import get_current_job

from assessments import collectors
from assessments.choices import ErrorClass, HostScanStatus, ScanTrigger
from assessments.collectors.base import CollectError, CollectResult
from assessments.managers import ACTIVE, HEARTBEAT_INTERVAL, MAX_ATTEMPTS
from assessments.models import HostScan, Scan
from assessments.scanning import reassess, results, targets
from assessments.scanning.dbretry import CONNECTION_ERRORS, retry
from assessments.scanning.scans import recover_lost, start_scan
from fleet.models import Host

log = logging.getLogger(__name__)
T = TypeVar("T")

# Seconds before retry n (1-based) of a transient failure; jitter spreads a fleet's retries.
BACKOFF_BASE = 2.0
# A retry needs at least this much of the host's deadline left to be worth starting.
MIN_ATTEMPT_SECONDS = 5.0


def backoff_delay(attempt: int) -> float:
    return float(BACKOFF_BASE * (3 ** (attempt - 1)) * random.uniform(0.8, 1.2))


def scan_batch(scan_id: int, host_scan_ids: list[int]) -> dict[str, int]:
    """Job: scan one batch of a scan's hosts concurrently (or, for a re-assessment, judge
    their stored captures again); returns counts by outcome."""
    trigger = Scan.objects.filter(pk=scan_id).values_list("trigger", flat=True).first()
    kinds: dict[str | None, type[Batch]] = {
        ScanTrigger.REASSESS: ReassessBatch,
        ScanTrigger.CAPTURE: ImportBatch,
    }
    kind = kinds.get(trigger, Batch)
    return kind(scan_id, host_scan_ids, owner=_owner_name()).run()


def reassess_now(host: Host, user: Any = None) -> Scan | None:
    """Judge `host`'s stored capture again against its current destination at once, in
    this process: a re-assessment scan of that one host whose batch runs here, not on a
    worker (it reads a capture and runs the checks, no network). None when the host is
    disabled or has no stored capture: nothing can be judged until it is scanned."""
    if not host.enabled or reassess.latest_capture(host.pk) is None:
        return None
    scan = start_scan(
        {"hosts": [host.name]}, user=user, trigger=ScanTrigger.REASSESS, enqueue=False
    )
    scan_batch(scan.pk, list(scan.host_scans.values_list("pk", flat=True)))
    scan.refresh_from_db()
    return scan


def _owner_name() -> str:
    job = get_current_job()
    job_part = job.id if job is not None else f"inline-{random.getrandbits(32):08x}"
    return f"{socket.gethostname()}:{os.getpid()}:{job_part}"


class Batch:
    """One batch job's state: its hosts, its owner name, the cancel and stop flags."""

    # Whether a host that fails keeps its latest result (see `save_failure`).
    keep_latest_on_failure: ClassVar[bool] = False

    def __init__(self, scan_id: int, host_scan_ids: list[int], owner: str) -> None:
        self.scan_id = scan_id
        self.ids = list(host_scan_ids)
        self.owner = owner
        self.cancelled = threading.Event()
        self.stopped = threading.Event()
        self.outcomes: dict[str, int] = {"done": 0, "failed": 0, "skipped": 0}
        self.host_scans: dict[int, HostScan] = {}
        self.lock = threading.Lock()

    def run(self) -> dict[str, int]:
        # Hosts left behind by a worker that died are picked up by whichever batch runs next.
        recover_lost(orphans=False)
        scan = Scan.objects.filter(pk=self.scan_id).first()
        if scan is None:
            return self.outcomes
        reserved = HostScan.objects.filter(
            pk__in=self.ids, scan_id=self.scan_id, status=HostScanStatus.QUEUED
        ).update(worker=self.owner, heartbeat=timezone.now())
        if not reserved:
            return self.outcomes
        scan.mark_started()
        # The batch's hosts, credentials and targets in one query, as they are now (a host
        # edited during the batch is scanned as it was when the batch started).
        self.host_scans = HostScan.objects.select_related(
            "host__credential", "host__target"
        ).in_bulk(self.ids)
        beat = threading.Thread(target=self._heartbeat, name="scan-heartbeat", daemon=True)
        beat.start()
        try:
            self._work_all()
        finally:
            self.stopped.set()
            beat.join(timeout=5)
        self.db("finish the scan", scan.finish_if_complete)
        return self.outcomes

    def _work_all(self) -> None:
        threads = min(settings.SCAN_CONCURRENCY, len(self.ids))
        if threads <= 1:
            for pk in self.ids:
                self.work_host(pk)
            return
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for pk in self.ids:
            todo.put(pk)
        pool = [
            threading.Thread(target=self._work_queue, args=(todo,), name=f"scan{self.scan_id}-{n}")
            for n in range(threads)
        ]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()

    def _work_queue(self, todo: "queue.SimpleQueue[int]") -> None:
        """One pool thread: hosts one after another on one database connection."""
        try:
            while True:
                try:
                    pk = todo.get_nowait()
                except queue.Empty:
                    return
                self.work_host(pk)
        finally:
            connections.close_all()  # this thread's connections only

    def _heartbeat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_INTERVAL):
            try:
                close_old_connections()
                HostScan.objects.filter(
                    pk__in=self.ids, worker=self.owner, status__in=ACTIVE
                ).update(heartbeat=timezone.now())
                if Scan.objects.filter(pk=self.scan_id, cancel_requested=True).exists():
                    self.cancelled.set()
            except Exception:  # a database hiccup must not kill the heartbeat for good
                log.exception("scan #%s: heartbeat failed", self.scan_id)
        connections.close_all()

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1

    def db(self, what: str, fn: Callable[[], T]) -> T:
        """`fn()`, retried on fresh connections while the database connection is lost."""
        return retry(fn, f"scan #{self.scan_id}: {what}")

    def claim(self, pk: int) -> int | None:
        """QUEUED -> RUNNING for this owner: the attempt number, or None when another worker
        or a cancel won."""
        if self.cancelled.is_set():
            return None
        tries = 0

        def claim_once() -> int | None:
            nonlocal tries
            tries += 1
            attempt = HostScan.objects.claim(pk, self.owner)
            if attempt is None and tries > 1:
                # The connection died after the claim committed, before its answer came.
                mine = HostScan.objects.filter(
                    pk=pk, status=HostScanStatus.RUNNING, worker=self.owner
                )
                return mine.values_list("attempts", flat=True).first()
            return attempt

        return self.db(f"claim host scan {pk}", claim_once)

    def work_host(self, pk: int) -> None:
        """Scan one host and save the outcome; never raises (one bad host stays alone)."""
        try:
            self._work_host(pk)
        except Exception:
            # The database itself failed (connection limit, restart): the host stays queued
            # or running, and `recover_lost` hands it to another batch later.
            log.exception("scan #%s: host scan %s could not be worked", self.scan_id, pk)
            self.count("skipped")

    def _work_host(self, pk: int) -> None:
        attempt = self.claim(pk)
        if attempt is None:
            self.count("skipped")
            return
        try:
            outcome = self._scan_and_save(pk, attempt)
        except CONNECTION_ERRORS:
            raise  # the database stayed away: not the host's fault (see work_host)
        except Exception as exc:  # a bug in saving one host must not stop the batch
            log.exception("scan #%s: host scan %s crashed", self.scan_id, pk)
            failed = results.save_failure(
                pk,
                ErrorClass.INTERNAL,
                f"{type(exc).__name__}: {exc}",
                owner=self.owner,
                keep_latest=self.keep_latest_on_failure,
            )
            outcome = "failed" if failed else None
        if outcome is not None:
            self.count(outcome)

    def _scan_and_save(self, pk: int, attempt: int) -> str | None:
        """Collect with retries inside one host deadline, then save the outcome."""
        hs = self.host_scans[pk]  # read when the batch started; the claim proved it exists
        # What the collector needs, read and decrypted once; its deadline starts now and is
        # shared by the retries: a host that timed out is not tried again (that would only
        # multiply the wait), one that failed fast (refused, reset) is.
        prepared = self.db(
            f"prepare host scan {pk}",
            lambda: targets.build_target(hs.host, settings.SCAN_HOST_DEADLINE),
        )
        while True:
            outcome = self._collect(prepared)
            if isinstance(outcome, CollectResult):
                save = partial(results.save_result, hs, outcome, owner=self.owner)
                return "done" if self.db(f"save host scan {pk}", save) else None
            if self._cancel_requested():
                return self._save_cancelled(pk, outcome)
            delay = backoff_delay(attempt)
            left_after_delay = prepared.target.deadline.remaining() - delay
            if (
                not outcome.retryable
                or attempt >= MAX_ATTEMPTS
                or left_after_delay < MIN_ATTEMPT_SECONDS
            ):
                fail = partial(
                    results.save_failure, pk, outcome.error_class, outcome.detail, owner=self.owner
                )
                return "failed" if self.db(f"save host scan {pk}", fail) else None
            if self._wait_for_retry(delay):
                return self._save_cancelled(pk, outcome)
            attempt += 1
            mine = HostScan.objects.filter(pk=pk, worker=self.owner)
            count = partial(mine.update, attempts=attempt, heartbeat=timezone.now())
            self.db(f"count attempt of host scan {pk}", count)

    def _collect(self, prepared: targets.Prepared) -> CollectResult | CollectError:
        try:
            return collectors.collect(prepared.target, prepared.host_keys)
        except CollectError as exc:
            return exc

    def _cancel_requested(self) -> bool:
        return self.cancelled.is_set() or self.db(
            "read the cancel flag",
            Scan.objects.filter(pk=self.scan_id, cancel_requested=True).exists,
        )

    def _save_cancelled(self, pk: int, outcome: CollectError) -> str | None:
        """A host the scan was cancelled under ends cancelled, whatever cut it short (the
        error is kept as the detail); it counts as skipped."""
        known = outcome.error_class in ErrorClass.values
        why = ErrorClass(outcome.error_class).label if known else outcome.error_class
        detail = f"Cancelled while being scanned ({why}: {outcome.detail})"
        saved = self.db(
            f"save host scan {pk}", lambda: results.save_cancelled(pk, detail, owner=self.owner)
        )
        return "skipped" if saved else None

    def _wait_for_retry(self, delay: float) -> bool:
        """Sleep before the next attempt; True when the scan was cancelled meanwhile."""
        return self.cancelled.wait(delay) or self._cancel_requested()


class ReassessBatch(Batch):
    """A re-assessment's batch: each host's latest stored capture is judged again with the
    current ruleset; nothing is collected, so there is nothing to retry. A host that fails
    keeps its latest result."""

    keep_latest_on_failure = True

    def _scan_and_save(self, pk: int, attempt: int) -> str | None:
        hs = self.host_scans[pk]
        return self.db(
            f"re-assess host scan {pk}", lambda: reassess.reassess_host(hs, owner=self.owner)
        )


class ImportBatch(Batch):
    """An uploaded capture's batch (`scans.start_import`): the capture stored with the
    HostScan is judged and stored as the host's latest result; nothing to collect or retry."""

    def _scan_and_save(self, pk: int, attempt: int) -> str | None:
        hs = self.host_scans[pk]
        return self.db(
            f"import host scan {pk}", lambda: results.import_upload(hs, owner=self.owner)
        )
