"""Starting, following, cancelling and recovering scans.

A scan over a selection becomes one HostScan per enabled host, split into batch jobs on the
`scans` queue, enqueued once the transaction commits (ids, never objects). Workers claim
hosts with conditional UPDATEs (`assessments.jobs`); everything here is safe to call from
any process at any time.
"""

import logging
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import django_rq
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from rq import Queue

from assessments.checks.base import RULESET_VERSION
from assessments.choices import ErrorClass, HostScanStatus, ScanStatus, ScanTrigger
from assessments.models import HostScan, Scan, ScanSchedule
from fleet.choices import Verdict
from fleet.models import Host, HostGroup

log = logging.getLogger(__name__)

QUEUE_NAME = "scans"
ACTIVE = (HostScanStatus.QUEUED, HostScanStatus.RUNNING)
TERMINAL_SCAN = (ScanStatus.FINISHED, ScanStatus.CANCELLED, ScanStatus.FAILED)
# Attempts per host, counting transient-error retries and re-runs after a lost worker.
MAX_ATTEMPTS = 3
# A running batch refreshes its hosts' heartbeat this often (seconds); a host whose heartbeat
# is older than STALE_AFTER belongs to a worker that died.
HEARTBEAT_INTERVAL = 10
STALE_AFTER = 90


class SelectionError(ValueError):
    """A selection names groups or hosts that do not exist."""


def select_hosts(selection: dict[str, Any]) -> QuerySet[Host]:
    """Enabled hosts of a selection: `{"all": true}`, `{"groups": [...]}`, `{"hosts": [...]}`.

    Groups and hosts combine (union). Unknown names raise `SelectionError`, so a typo never
    silently scans fewer hosts than asked.
    """
    hosts = Host.objects.filter(enabled=True)
    if selection.get("all"):
        return hosts.order_by("pk")
    groups = [str(g) for g in selection.get("groups") or []]
    names = [str(h) for h in selection.get("hosts") or []]
    _check_names(Host.objects.filter(name__in=names).values_list("name", flat=True), names, "host")
    known_groups = HostGroup.objects.filter(name__in=groups).values_list("name", flat=True)
    _check_names(known_groups, groups, "group")
    query = Q(pk__in=[])
    if groups:
        query |= Q(groups__name__in=groups)
    if names:
        query |= Q(name__in=names)
    return hosts.filter(query).distinct().order_by("pk")


def _check_names(known: Iterable[str], wanted: list[str], what: str) -> None:
    missing = sorted(set(wanted) - set(known))
    if missing:
        raise SelectionError(f"no such {what}: {', '.join(missing)}")


def describe_selection(selection: dict[str, Any]) -> str:
    if selection.get("all"):
        return "all hosts"
    parts = [f"group {g}" for g in selection.get("groups") or []]
    parts += [f"host {h}" for h in selection.get("hosts") or []]
    return ", ".join(parts) or "nothing"


def scan_queue() -> Queue:
    """The `scans` queue; enqueues immediately (callers defer to commit themselves)."""
    return django_rq.get_queue(QUEUE_NAME, commit_mode="auto")


def batch_timeout(batch_len: int) -> int:
    """RQ timeout of a batch job: each round of the pool takes at most one host deadline
    (retries share it), plus slack for the last back-off and for saving results."""
    rounds = math.ceil(batch_len / max(1, settings.SCAN_CONCURRENCY))
    return rounds * (settings.SCAN_HOST_DEADLINE + 30) + 60


def enqueue_batches(scan_id: int, host_scan_ids: Sequence[int]) -> list[str]:
    """Enqueue batch jobs for these HostScans now; returns the RQ job ids."""
    from assessments import jobs

    size = settings.SCAN_BATCH_SIZE
    queue = scan_queue()
    job_ids = []
    for start in range(0, len(host_scan_ids), size):
        batch = list(host_scan_ids[start : start + size])
        job = queue.enqueue(
            jobs.scan_batch,
            scan_id,
            batch,
            job_timeout=batch_timeout(len(batch)),
            result_ttl=3600,
            failure_ttl=7 * 86400,
            description=f"scan #{scan_id}: {len(batch)} hosts",
        )
        job_ids.append(job.id)
    return job_ids


def start_scan(
    selection: dict[str, Any],
    *,
    user: User | AnonymousUser | None = None,
    trigger: str = ScanTrigger.MANUAL,
    schedule: ScanSchedule | None = None,
) -> Scan:
    """Create a scan of the selection's enabled hosts and enqueue it once committed.

    Raises `SelectionError` for unknown names. A selection with no enabled host gives a
    scan that failed at once, with the reason in `error`.
    """
    with transaction.atomic():
        hosts = list(select_hosts(selection).values_list("pk", flat=True))
        scan = Scan.objects.create(
            selection=selection,
            trigger=trigger,
            requested_by=user if user is not None and user.is_authenticated else None,
            schedule=schedule,
            ruleset=RULESET_VERSION,
        )
        if not hosts:
            scan.status = ScanStatus.FAILED
            scan.error = f"No enabled host matches the selection ({describe_selection(selection)})."
            scan.finished = timezone.now()
            scan.save(update_fields=["status", "error", "finished"])
            return scan
        created = HostScan.objects.bulk_create(
            HostScan(scan=scan, host_id=pk, ruleset=RULESET_VERSION) for pk in hosts
        )
        ids = [hs.pk for hs in created]
        if any(pk is None for pk in ids):  # backends that do not return ids from bulk_create
            ids = list(scan.host_scans.order_by("pk").values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue_batches(scan.pk, ids))
    return scan


def scan_progress(scan: Scan | int) -> dict[str, int]:
    """Counts of the scan's hosts: total, queued, running, done, failed, cancelled."""
    scan_id = scan if isinstance(scan, int) else scan.pk
    counts = HostScan.objects.filter(scan_id=scan_id).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in HostScanStatus.values},
    )
    return {key: int(value or 0) for key, value in counts.items()}


def finish_if_complete(scan_id: int) -> bool:
    """Mark the scan finished (or cancelled) once none of its hosts is queued or running."""
    if HostScan.objects.filter(scan_id=scan_id, status__in=ACTIVE).exists():
        return False
    cancelled = Scan.objects.filter(pk=scan_id, cancel_requested=True).exists()
    status = ScanStatus.CANCELLED if cancelled else ScanStatus.FINISHED
    return bool(
        Scan.objects.filter(pk=scan_id)
        .exclude(status__in=TERMINAL_SCAN)
        .update(status=status, finished=timezone.now())
    )


def mark_started(scan_id: int) -> None:
    Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING, started=timezone.now()
    )


def cancel_scan(scan: Scan, user: User | None = None) -> int:
    """Stop a scan: hosts not started yet are cancelled, hosts being scanned finish.

    Returns how many hosts were cancelled.
    """
    Scan.objects.filter(pk=scan.pk).update(cancel_requested=True)
    cancelled = HostScan.objects.filter(scan=scan, status=HostScanStatus.QUEUED).update(
        status=HostScanStatus.CANCELLED, finished=timezone.now()
    )
    log.info("scan #%s cancelled by %s: %d hosts not scanned", scan.pk, user or "system", cancelled)
    finish_if_complete(scan.pk)
    scan.refresh_from_db()
    return cancelled


def recover_lost(
    scan: Scan | None = None,
    *,
    stale_after: float = STALE_AFTER,
    now: datetime | None = None,
    orphans: bool = True,
) -> dict[str, int]:
    """Find hosts whose worker died and re-queue them, or fail them as lost after
    MAX_ATTEMPTS; then (with `orphans`) re-enqueue hosts of running scans whose batch job
    vanished from Redis, which means reading every pending job: the scheduler and
    `scan --wait` do it, batch jobs skip it.

    Safe to run from many processes at once: every change is a conditional UPDATE.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_after)
    stale = HostScan.objects.filter(status__in=ACTIVE, heartbeat__lt=cutoff)
    if scan is not None:
        stale = stale.filter(scan=scan)
    requeue: dict[int, list[int]] = {}
    failed = 0
    touched: set[int] = set()
    for hs in stale.select_related("scan"):
        touched.add(hs.scan_id)
        fields = {"status": hs.status, "heartbeat": hs.heartbeat, "worker": hs.worker}
        mine = HostScan.objects.filter(pk=hs.pk, **fields)
        if hs.attempts >= MAX_ATTEMPTS or hs.scan.cancel_requested:
            failed += _fail_lost(mine, hs, now)
        elif mine.update(status=HostScanStatus.QUEUED, heartbeat=None, worker=""):
            requeue.setdefault(hs.scan_id, []).append(hs.pk)
    lost_jobs = _orphaned_queued(scan, now - timedelta(seconds=stale_after)) if orphans else {}
    for scan_id, ids in lost_jobs.items():
        requeue.setdefault(scan_id, []).extend(ids)
    for scan_id, ids in requeue.items():
        log.warning("scan #%s: re-queueing %d hosts of a lost worker", scan_id, len(ids))
        transaction.on_commit(lambda s=scan_id, i=ids: enqueue_batches(s, i))  # type: ignore[misc]
    for scan_id in touched:
        finish_if_complete(scan_id)
    return {"requeued": sum(len(ids) for ids in requeue.values()), "failed": failed}


def _fail_lost(mine: QuerySet[HostScan], hs: HostScan, now: datetime) -> int:
    detail = (
        f"The worker scanning this host ({hs.worker or 'unknown'}) stopped answering; "
        f"gave up after {hs.attempts} attempts."
    )
    done = mine.update(
        status=HostScanStatus.FAILED,
        error_class=ErrorClass.LOST,
        error_detail=detail,
        verdict=Verdict.UNKNOWN,
        finished=now,
    )
    # A re-assessment that never finished judged nothing: the host keeps its latest result.
    if done and hs.scan.trigger != ScanTrigger.REASSESS:
        Host.objects.make_latest(hs.host_id, hs.pk, Verdict.UNKNOWN, now)
    return done


def _orphaned_queued(scan: Scan | None, older_than: datetime) -> dict[int, list[int]]:
    """Queued, never-reserved hosts of running scans that no RQ job will ever pick up."""
    waiting = HostScan.objects.filter(
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
    pending = pending_host_scan_ids()
    return {
        scan_id: [pk for pk in ids if pk not in pending]
        for scan_id, ids in by_scan.items()
        if any(pk not in pending for pk in ids)
    }


def pending_host_scan_ids() -> set[int]:
    """HostScan ids named by batch jobs still waiting, running or scheduled for retry."""
    from rq.job import Job

    queue = scan_queue()
    job_ids = set(queue.get_job_ids())
    job_ids |= set(queue.started_job_registry.get_job_ids())
    job_ids |= set(queue.scheduled_job_registry.get_job_ids())
    ids: set[int] = set()
    for job in Job.fetch_many(list(job_ids), connection=queue.connection):
        if job is not None and len(job.args) == 2:
            ids.update(int(pk) for pk in job.args[1])
    return ids
