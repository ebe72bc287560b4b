"""Starting scans, following them, and their queue.

A scan over a selection becomes one HostScan per enabled host, split into batch jobs on the
`scans` queue, enqueued once the transaction commits (ids, never objects); this module is
the only one that enqueues them. Workers claim hosts with conditional UPDATEs
(`assessments.jobs`); the lifecycle itself (claim, start, finish, cancel, recovery of lost
hosts) is on the models. Everything here is safe to call from any process at any time.
"""

import logging
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import django_rq
import redis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Worker
from rq.job import Job

from assessments.choices import HostScanStatus, ScanStatus, ScanTrigger, Transport
from assessments.managers import STALE_AFTER
from assessments.models import Capture, HostScan, Scan, ScanSchedule
from assessments.scanning import ruleset
from fleet.models import Host, HostGroup

log = logging.getLogger(__name__)

QUEUE_NAME = "scans"
# Errors that mean the queue (Redis) cannot be reached right now.
QUEUE_ERRORS = (RedisConnectionError, RedisTimeoutError)
# Batch sizes chosen from the scan when SCAN_BATCH_SIZE is not set (`batch_size`).
MIN_AUTO_BATCH = 25
MAX_AUTO_BATCH = 500
# The batch job, by name: `assessments.jobs` uses this module, so it is not imported here.
BATCH_JOB = "assessments.jobs.scan_batch"


# A selection that names hosts one by one holds at most this many (a filtered selection, the
# failed hosts of a scan); beyond it, scan groups or all hosts.
MAX_NAMED = 5000
# The statuses of a scan that is not over.
LIVE = (ScanStatus.QUEUED, ScanStatus.RUNNING)


class SelectionError(ValueError):
    """A selection names groups or hosts that do not exist, or selects no host to scan.

    `field` names the part of the selection to blame (`hosts`, `groups`, `filters`) when one
    is; `errors` holds a filterset's errors per field when the filters were invalid."""

    def __init__(self, message: str, field: str = "", errors: Any = None) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors or {}


class QueueUnavailable(Exception):
    """The scan was saved but its batch jobs could not be enqueued: the queue (Redis) did
    not answer. Its hosts stay queued; the scheduler's recovery (`recover_lost`, orphaned
    queued hosts) enqueues them once the queue is back."""

    def __init__(self, scan: Scan, cause: Exception) -> None:
        super().__init__(f"queue unavailable: {cause}")
        self.scan = scan
        self.cause = cause

    @property
    def notice(self) -> str:
        """What to tell the user who started the scan."""
        return (
            f"{self.scan.noun} #{self.scan.pk} saved but not started: queue unavailable "
            "(Redis does not answer). It starts by itself once the queue is back "
            "(the scheduler re-queues its hosts)."
        )


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
        raise SelectionError(f"no such {what}: {', '.join(missing)}", field=f"{what}s")


def retry_selection(scan: Scan) -> dict[str, Any]:
    """The selection of a new scan of exactly `scan`'s failed hosts; SelectionError when it
    has none, or more than a selection names."""
    names = list(
        HostScan.objects.filter(scan=scan, status=HostScanStatus.FAILED)
        .order_by("host__name")
        .values_list("host__name", flat=True)
        .distinct()
    )
    if not names:
        raise SelectionError(f"No failed host in scan #{scan.pk} to retry.")
    if len(names) > MAX_NAMED:
        raise SelectionError(
            f"{len(names)} failed hosts, more than {MAX_NAMED}. Scan their groups or all "
            "hosts instead."
        )
    return {"hosts": names}


def eta_minutes(scan: Scan, progress: dict[str, int]) -> int | None:
    """Minutes left at the rate hosts finished so far; None before one has finished."""
    finished = sum(progress.get(s, 0) for s in ("done", "failed", "cancelled"))
    remaining = progress.get("total", 0) - finished
    if scan.status not in LIVE or not scan.started or finished <= 0 or remaining <= 0:
        return None
    elapsed = (timezone.now() - scan.started).total_seconds()
    return max(1, round(elapsed / finished * remaining / 60))


def describe_selection(selection: dict[str, Any]) -> str:
    if selection.get("all"):
        return "all hosts"
    parts = [f"group {g}" for g in selection.get("groups") or []]
    parts += [f"host {h}" for h in selection.get("hosts") or []]
    return ", ".join(parts) or "nothing"


def scan_queue() -> Queue:
    """The `scans` queue; enqueues immediately (callers defer to commit themselves).

    With Redis, on a connection with the connect and command timeouts of
    `settings.REDIS_COMMAND_URL`, so that a Redis that does not answer raises
    (`QUEUE_ERRORS`) within seconds instead of holding the caller.
    """
    if settings.REDIS_COMMAND_URL:
        connection = redis.Redis.from_url(settings.REDIS_COMMAND_URL)
        return django_rq.get_queue(QUEUE_NAME, commit_mode="auto", connection=connection)
    return django_rq.get_queue(QUEUE_NAME, commit_mode="auto")


def batch_timeout(batch_len: int) -> int:
    """RQ timeout of a batch job: each round of the pool takes at most one host deadline
    (retries share it), plus slack for the last back-off and for saving results."""
    rounds = math.ceil(batch_len / max(1, settings.SCAN_CONCURRENCY))
    return rounds * (settings.SCAN_HOST_DEADLINE + 30) + 60


def batch_size(hosts: int, workers: int) -> int:
    """Hosts per batch job: SCAN_BATCH_SIZE when set, otherwise sized from the scan, one
    batch per worker (ceil(hosts / workers)) within [MIN_AUTO_BATCH, MAX_AUTO_BATCH]. That
    is the fastest measured layout (1,000 hosts, two workers: batches of 500); smaller
    batches cost a fork, new connections and a recovery pass each (docs/scanning.md)."""
    if settings.SCAN_BATCH_SIZE:
        return int(settings.SCAN_BATCH_SIZE)
    wanted = math.ceil(hosts / max(1, workers))
    return max(MIN_AUTO_BATCH, min(MAX_AUTO_BATCH, wanted))


def scan_workers(queue: Queue) -> int:
    """RQ workers serving the scans queue now (at least 1: they may not have started yet)."""
    if settings.SCAN_BATCH_SIZE:
        return 1  # not needed: the size is set
    return max(1, Worker.count(queue=queue))


def enqueue_batches(scan_id: int, host_scan_ids: Sequence[int]) -> list[str]:
    """Enqueue batch jobs for these HostScans now; returns the RQ job ids."""
    queue = scan_queue()
    size = batch_size(len(host_scan_ids), scan_workers(queue))
    job_ids = []
    for start in range(0, len(host_scan_ids), size):
        batch = list(host_scan_ids[start : start + size])
        job = queue.enqueue(
            BATCH_JOB,
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
    enqueue: bool = True,
) -> Scan:
    """Create a scan of the selection's enabled hosts and enqueue it once committed (with
    `enqueue=False` the caller runs its batch itself: `jobs.reassess_now`).

    Raises `SelectionError` for unknown names. A selection with no enabled host gives a
    scan that failed at once, with the reason in `error`. Raises `QueueUnavailable` (the
    scan saved) when the queue does not answer at commit.
    """
    unavailable: list[Exception] = []
    with transaction.atomic():
        hosts = list(select_hosts(selection).values_list("pk", flat=True))
        scan = Scan.objects.create(
            selection=selection,
            trigger=trigger,
            requested_by=user if user is not None and user.is_authenticated else None,
            schedule=schedule,
            ruleset=ruleset.current(),
        )
        if not hosts:
            scan.status = ScanStatus.FAILED
            scan.error = f"No enabled host matches the selection ({describe_selection(selection)})."
            scan.finished = timezone.now()
            scan.save(update_fields=["status", "error", "finished"])
            return scan
        created = HostScan.objects.bulk_create(
            HostScan(scan=scan, host_id=pk, ruleset=ruleset.current()) for pk in hosts
        )
        ids = [hs.pk for hs in created]
        if any(pk is None for pk in ids):  # backends that do not return ids from bulk_create
            ids = list(scan.host_scans.order_by("pk").values_list("pk", flat=True))
        if enqueue:
            transaction.on_commit(lambda: _enqueue_or_note(scan.pk, ids, unavailable))
    _raise_if_unavailable(scan, unavailable)
    return scan


def _enqueue_or_note(scan_id: int, ids: Sequence[int], unavailable: list[Exception]) -> None:
    """`enqueue_batches`, noting (not raising) a queue that does not answer: the scan is
    committed already, and recovery enqueues its queued hosts when the queue is back."""
    try:
        enqueue_batches(scan_id, ids)
    except QUEUE_ERRORS as exc:
        log.warning("scan #%s: queue unavailable, left for recovery: %s", scan_id, exc)
        unavailable.append(exc)


def _raise_if_unavailable(scan: Scan, unavailable: list[Exception]) -> None:
    # Called inside a caller's transaction the hook runs at its commit, later: logged only.
    if unavailable:
        raise QueueUnavailable(scan, unavailable[0])


def start_import(
    host: Host,
    data: bytes,
    *,
    hostname: str = "",
    user: User | AnonymousUser | None = None,
) -> Scan:
    """A scan (trigger "Offline capture") of `host` that judges the uploaded capture `data`
    in a batch job, enqueued once committed, so the upload request does not wait for it.

    Until the job takes it, the upload is the HostScan's Capture row as uploaded (the job
    replaces it by the capture it stores, `results.import_upload`); the HostScan is not
    done, so nothing reads it as a result. Raises `QueueUnavailable` like `start_scan`.
    """
    unavailable: list[Exception] = []
    with transaction.atomic():
        scan = Scan.objects.create(
            selection={"hosts": [host.name]},
            trigger=ScanTrigger.CAPTURE,
            requested_by=user if user is not None and user.is_authenticated else None,
            ruleset=ruleset.current(),
        )
        hs = HostScan.objects.create(
            scan=scan, host=host, transport=Transport.CAPTURE, ruleset=ruleset.current()
        )
        Capture.objects.create(host_scan=hs, data=data, size=len(data), hostname=hostname[:255])
        transaction.on_commit(lambda: _enqueue_or_note(scan.pk, [hs.pk], unavailable))
    _raise_if_unavailable(scan, unavailable)
    return scan


def scan_progress(scan: Scan | int) -> dict[str, int]:
    """Counts of the scan's hosts: total, queued, running, done, failed, cancelled."""
    scan_id = scan if isinstance(scan, int) else scan.pk
    counts = HostScan.objects.filter(scan_id=scan_id).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in HostScanStatus.values},
    )
    return {key: int(value or 0) for key, value in counts.items()}


def recover_lost(
    scan: Scan | None = None,
    *,
    stale_after: float = STALE_AFTER,
    now: datetime | None = None,
    orphans: bool = True,
) -> dict[str, int]:
    """`HostScan.objects.recover_lost` on this queue: hosts of dead workers are enqueued
    again (or failed as lost); with `orphans`, so are queued hosts whose batch job vanished
    from Redis, which means reading every pending job: the scheduler and `scan --wait` do
    it, batch jobs skip it."""
    return HostScan.objects.recover_lost(
        scan,
        enqueue=enqueue_batches,
        pending=pending_host_scan_ids if orphans else None,
        stale_after=stale_after,
        now=now,
    )


def pending_host_scan_ids() -> set[int]:
    """HostScan ids named by batch jobs still waiting, running or scheduled for retry."""
    queue = scan_queue()
    job_ids = set(queue.get_job_ids())
    job_ids |= set(queue.started_job_registry.get_job_ids())
    job_ids |= set(queue.scheduled_job_registry.get_job_ids())
    ids: set[int] = set()
    for job in Job.fetch_many(list(job_ids), connection=queue.connection):
        if job is not None and len(job.args) == 2:
            ids.update(int(pk) for pk in job.args[1])
    return ids
