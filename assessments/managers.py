"""The managers of the scan models: the shared queries of the per-host path.

Claiming a host, recovering the hosts of a dead worker, and the waivers in force are each
written once, here, and used by the jobs, the results path and the pages alike. Their
statements of the per-host path are SQL text where that measured faster (bench/save_path.py);
tests hold each one to the ORM rule it stands for.
"""

import datetime
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from assessments.choices import ErrorClass, HostScanStatus, ScanStatus, ScanTrigger
from fleet.choices import Verdict
from fleet.models import Host

if TYPE_CHECKING:
    from assessments.models import HostScan, Scan, Waiver  # noqa: F401 (named in Manager["Waiver"])

log = logging.getLogger(__name__)

# Hosts of a scan still to be scanned or being scanned, and the states a scan ends in.
ACTIVE = (HostScanStatus.QUEUED, HostScanStatus.RUNNING)
TERMINAL_SCAN = (ScanStatus.FINISHED, ScanStatus.CANCELLED, ScanStatus.FAILED)
# Attempts per host, counting transient-error retries and re-runs after a lost worker.
MAX_ATTEMPTS = 3
# A running batch refreshes its hosts' heartbeat this often (seconds); a host whose heartbeat
# is older than STALE_AFTER belongs to a worker that died.
HEARTBEAT_INTERVAL = 10
STALE_AFTER = 90

# enqueue(scan_id, host_scan_ids): new batch jobs for these hosts (assessments.scanning.scans).
Enqueue = Callable[[int, Sequence[int]], object]

# A batch's claim of one host (queued -> running for this owner), which also says the
# attempt: as SQL text for its RETURNING, one statement per host of a fleet scan.
CLAIM = """
UPDATE assessments_hostscan
SET status = %s, worker = %s, heartbeat = %s, started = %s, attempts = attempts + 1
WHERE id = %s AND status = %s
RETURNING attempts
"""


class HostScanManager(models.Manager["HostScan"]):
    def claim(self, pk: int, owner: str) -> int | None:
        """Queued -> running for `owner`: the attempt number, or None when another worker
        (or a cancel) got there first."""
        when = _db_value(self.model, "started", timezone.now())
        running, queued = HostScanStatus.RUNNING, HostScanStatus.QUEUED
        with connection.cursor() as cursor:
            cursor.execute(CLAIM, [running, owner, when, when, pk, queued])
            row = cursor.fetchone()
        return int(row[0]) if row else None

    def recover_lost(
        self,
        scan: "Scan | None" = None,
        *,
        enqueue: Enqueue,
        pending: Callable[[], set[int]] | None = None,
        stale_after: float = STALE_AFTER,
        now: datetime.datetime | None = None,
    ) -> dict[str, int]:
        """Hosts whose worker died (no heartbeat for `stale_after` seconds) go back to the
        queue through `enqueue` once the transaction commits, or fail as `lost` after
        MAX_ATTEMPTS (they end cancelled when their scan is being cancelled). With `pending`
        (the HostScan ids the queue's jobs still hold), queued hosts of live scans that no
        job holds any more are enqueued again too. Then their scans finish if nothing is left.

        Safe to run from many processes at once: every change is a conditional UPDATE.
        """
        at = now or timezone.now()
        cutoff = at - datetime.timedelta(seconds=stale_after)
        stale = self.filter(status__in=ACTIVE, heartbeat__lt=cutoff)
        if scan is not None:
            stale = stale.filter(scan=scan)
        requeue: dict[int, list[int]] = {}
        failed = 0
        touched: dict[int, Scan] = {}
        for hs in stale.select_related("scan"):
            touched[hs.scan_id] = hs.scan
            if hs.scan.cancel_requested:
                failed += self._cancel_lost(hs, at)
            elif hs.attempts >= MAX_ATTEMPTS:
                failed += self._fail_lost(hs, at)
            elif self._unchanged(hs).update(
                status=HostScanStatus.QUEUED, heartbeat=None, worker=""
            ):
                requeue.setdefault(hs.scan_id, []).append(hs.pk)
        if pending is not None:
            # The hosts just put back in the queue above look orphaned too (queued, no
            # heartbeat, no job holds them yet): they are enqueued once, not twice.
            requeued = {pk for ids in requeue.values() for pk in ids}
            for scan_id, ids in self._orphaned(scan, cutoff, pending, requeued).items():
                requeue.setdefault(scan_id, []).extend(ids)
        for scan_id, ids in requeue.items():
            log.warning("scan #%s: re-queueing %d hosts of a lost worker", scan_id, len(ids))
            transaction.on_commit(lambda s=scan_id, i=ids: enqueue(s, i))  # type: ignore[misc]
        for lost in touched.values():
            lost.finish_if_complete()
        return {"requeued": sum(len(ids) for ids in requeue.values()), "failed": failed}

    def _unchanged(self, hs: "HostScan") -> "models.QuerySet[HostScan]":
        """`hs`, only while nobody changed it since it was read as stale."""
        return self.filter(pk=hs.pk, status=hs.status, heartbeat=hs.heartbeat, worker=hs.worker)

    def _cancel_lost(self, hs: "HostScan", at: datetime.datetime) -> int:
        """A lost host of a scan being cancelled ends cancelled; the host keeps its latest."""
        detail = f"Cancelled; the worker scanning this host ({hs.worker or 'unknown'}) was lost."
        return self._unchanged(hs).update(
            status=HostScanStatus.CANCELLED, error_detail=detail, finished=at
        )

    def _fail_lost(self, hs: "HostScan", at: datetime.datetime) -> int:
        detail = (
            f"The worker scanning this host ({hs.worker or 'unknown'}) stopped answering; "
            f"gave up after {hs.attempts} attempts."
        )
        done = self._unchanged(hs).update(
            status=HostScanStatus.FAILED,
            error_class=ErrorClass.LOST,
            error_detail=detail,
            verdict=Verdict.UNKNOWN,
            finished=at,
        )
        # A re-assessment that never finished judged nothing: the host keeps its latest result.
        if done and hs.scan.trigger != ScanTrigger.REASSESS:
            Host.objects.make_latest(hs.host_id, hs.pk, Verdict.UNKNOWN, at)
        return done

    def _orphaned(
        self,
        scan: "Scan | None",
        older_than: datetime.datetime,
        pending: Callable[[], set[int]],
        requeued: set[int],
    ) -> dict[int, list[int]]:
        """Queued, never-reserved hosts of live scans that no job will ever pick up, but
        for those in `requeued` (enqueued again by this very recovery)."""
        waiting = self.filter(
            status=HostScanStatus.QUEUED,
            heartbeat__isnull=True,
            scan__created__lt=older_than,
            scan__status__in=(ScanStatus.QUEUED, ScanStatus.RUNNING),
            scan__cancel_requested=False,
        )
        if scan is not None:
            waiting = waiting.filter(scan=scan)
        by_scan: dict[int, list[int]] = {}
        for pk, scan_id in waiting.values_list("pk", "scan_id"):
            by_scan.setdefault(scan_id, []).append(pk)
        if not by_scan:
            return {}
        held = pending() | requeued
        orphaned = {
            scan_id: [pk for pk in ids if pk not in held] for scan_id, ids in by_scan.items()
        }
        return {scan_id: ids for scan_id, ids in orphaned.items() if ids}


# Statements of the per-host path as SQL text: a fleet scan runs them thousands of times,
# and building and compiling their querysets cost the worker more CPU than running them
# (bench/save_path.py). Tests hold each one to the ORM rule it stands for.
WAIVERS_IN_FORCE = """
SELECT check_id FROM assessments_waiver
WHERE host_id = %s AND active AND (expires IS NULL OR expires >= %s)
"""


class WaiverManager(models.Manager["Waiver"]):
    def in_force(self, host_id: int, day: datetime.date) -> set[str]:
        """Check ids of the host's waivers in force on `day`: active, and not expired before
        it (a waiver counts through its expiry date)."""
        when = _db_value(self.model, "expires", day)
        with connection.cursor() as cursor:
            cursor.execute(WAIVERS_IN_FORCE, [host_id, when])
            return {check_id for (check_id,) in cursor.fetchall()}


def _db_value(model: type[models.Model], name: str, value: object) -> Any:
    """`value` as the ORM would send it for that field (SQLite stores dates and datetimes as
    text in the ORM's own format; PostgreSQL takes them as they are)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection)
