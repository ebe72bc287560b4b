"""Scans, their per-host results, raw captures, findings, waivers and schedules."""

import datetime
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.timezone import now

from assessments.choices import (
    SEVERITY_CHOICES,
    ErrorClass,
    HostScanStatus,
    ScanStatus,
    ScanTrigger,
    Transport,
    WaiverAction,
)
from fleet.choices import OsFamily, Verdict
from fleet.models import Host

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

# enqueue(scan_id, host_scan_ids): new batch jobs for these hosts (assessments.lib.scans).
Enqueue = Callable[[int, Sequence[int]], object]


class Scan(models.Model):
    """One run over a selection of hosts (all, groups, hosts), split into batch jobs."""

    status = models.CharField(
        max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED, db_index=True
    )
    trigger = models.CharField(
        max_length=10, choices=ScanTrigger.choices, default=ScanTrigger.MANUAL
    )
    selection = models.JSONField(
        default=dict, blank=True, help_text='{"all": true} or {"groups": [...], "hosts": [...]}'
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule = models.ForeignKey(
        "ScanSchedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="scans"
    )
    ruleset = models.CharField(max_length=20, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    created = models.DateTimeField(default=now, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Scan #{self.pk} ({self.get_status_display()})"

    @property
    def is_reassessment(self) -> bool:
        """It judged stored captures again; it reached no host."""
        return self.trigger == ScanTrigger.REASSESS

    @property
    def noun(self) -> str:
        return str(ScanTrigger.REASSESS.label) if self.is_reassessment else "Scan"

    def mark_started(self) -> bool:
        """Queued -> running, when its first batch starts; False when it was not queued."""
        started = timezone.now()
        queued = Scan.objects.filter(pk=self.pk, status=ScanStatus.QUEUED)
        if not queued.update(status=ScanStatus.RUNNING, started=started):
            return False
        self.status, self.started = ScanStatus.RUNNING, started
        return True

    def finish_if_complete(self) -> bool:
        """Finished (or cancelled, when a cancel was requested) once none of its hosts is
        queued or running; False while some are, or when it has ended already."""
        if HostScan.objects.filter(scan_id=self.pk, status__in=ACTIVE).exists():
            return False
        # Read again: a cancel may have come from another process meanwhile.
        cancelled = Scan.objects.filter(pk=self.pk, cancel_requested=True).exists()
        status = ScanStatus.CANCELLED if cancelled else ScanStatus.FINISHED
        finished = timezone.now()
        ending = Scan.objects.filter(pk=self.pk).exclude(status__in=TERMINAL_SCAN)
        if not ending.update(status=status, finished=finished):
            return False
        self.status, self.finished = status, finished
        return True

    def cancel(self, user: object = None) -> int:
        """Stop the scan: hosts not started yet are cancelled, hosts being scanned finish (a
        host waiting to retry stops waiting). Returns how many hosts were cancelled; `user`
        (who asked) is logged."""
        Scan.objects.filter(pk=self.pk).update(cancel_requested=True)
        cancelled = HostScan.objects.filter(scan_id=self.pk, status=HostScanStatus.QUEUED).update(
            status=HostScanStatus.CANCELLED, finished=timezone.now()
        )
        log.info(
            "scan #%s cancelled by %s: %d hosts not scanned", self.pk, user or "system", cancelled
        )
        self.finish_if_complete()
        self.refresh_from_db()
        return cancelled


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
        when = _db_value(HostScan, "started", timezone.now())
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
        MAX_ATTEMPTS (or when their scan is being cancelled). With `pending` (the HostScan ids
        the queue's jobs still hold), queued hosts of live scans that no job holds any more
        are enqueued again too. Then their scans finish if nothing is left.

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
            if hs.attempts >= MAX_ATTEMPTS or hs.scan.cancel_requested:
                failed += self._fail_lost(hs, at)
            elif self._unchanged(hs).update(
                status=HostScanStatus.QUEUED, heartbeat=None, worker=""
            ):
                requeue.setdefault(hs.scan_id, []).append(hs.pk)
        if pending is not None:
            for scan_id, ids in self._orphaned(scan, cutoff, pending).items():
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
        self, scan: "Scan | None", older_than: datetime.datetime, pending: Callable[[], set[int]]
    ) -> dict[int, list[int]]:
        """Queued, never-reserved hosts of live scans that no job will ever pick up."""
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
        held = pending()
        orphaned = {
            scan_id: [pk for pk in ids if pk not in held] for scan_id, ids in by_scan.items()
        }
        return {scan_id: ids for scan_id, ids in orphaned.items() if ids}


class HostScan(models.Model):
    """One host in one scan (or one imported capture): status, transport, timings, error."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="host_scans")
    host = models.ForeignKey("fleet.Host", on_delete=models.CASCADE, related_name="host_scans")
    status = models.CharField(
        max_length=10, choices=HostScanStatus.choices, default=HostScanStatus.QUEUED, db_index=True
    )
    transport = models.CharField(max_length=12, choices=Transport.choices, blank=True)
    algorithms = models.CharField(
        max_length=300, blank=True, help_text="SSH kex/host key/cipher used, or WinRM endpoint."
    )
    os_family = models.CharField(max_length=10, choices=OsFamily.choices, blank=True)
    error_class = models.CharField(max_length=20, choices=ErrorClass.choices, blank=True)
    error_detail = models.TextField(blank=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    ruleset = models.CharField(max_length=20, blank=True)
    reassessed_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The HostScan whose stored capture this re-assessment judged again.",
    )
    # The platform the checks judged (engine.Platform), written with the result for the host
    # and destinations pages: "" and NULL where the checks could not tell.
    platform_stored = models.BooleanField(
        default=False,
        help_text="The platform fields were written; results stored before they existed have "
        "none until re-assessed.",
    )
    os_name = models.CharField(max_length=200, blank=True)
    os_version = models.CharField(max_length=50, blank=True)
    windows_generation = models.CharField(
        max_length=12, blank=True, help_text='"2003", "2008", "2008r2", "2012r2", "client"...'
    )
    architecture = models.CharField(max_length=8, blank=True, help_text="x86, x64, ia64, arm64")
    data_bytes = models.BigIntegerField(
        null=True, blank=True, help_text="Local used space a migration copies, in bytes."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = HostScanManager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["host", "-finished"], name="hostscan_host_finished")]

    def __str__(self) -> str:
        return f"{self.host} in scan #{self.scan_id} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.started and self.finished:
            return (self.finished - self.started).total_seconds()
        return None


class Capture(models.Model):
    """The raw probe outputs of one HostScan, kept compressed so rules can be re-run."""

    host_scan = models.OneToOneField(HostScan, on_delete=models.CASCADE, related_name="capture")
    data = models.BinaryField(help_text="A .tar.gz in the capture format of design.md.")
    size = models.PositiveIntegerField(default=0)
    hostname = models.CharField(max_length=255, blank=True)
    collected = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"Capture of {self.host_scan}"


class Finding(models.Model):
    """What one check concluded about one host in one HostScan, with its evidence."""

    host_scan = models.ForeignKey(HostScan, on_delete=models.CASCADE, related_name="findings")
    host = models.ForeignKey("fleet.Host", on_delete=models.CASCADE, related_name="findings")
    restriction = models.CharField(max_length=40, db_index=True)
    check_id = models.CharField(max_length=80, db_index=True)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, db_index=True)
    title = models.CharField(max_length=500)
    evidence = models.TextField(blank=True)
    remediation = models.TextField(blank=True)
    waived = models.BooleanField(default=False)

    class Meta:
        ordering = ["restriction", "check_id"]
        indexes = [
            models.Index(fields=["host_scan", "severity"], name="finding_scan_severity"),
            # Covers the fleet pages' counts of blockers and warnings per class and per host
            # (index-only scans): see docs/web.md.
            models.Index(
                fields=["severity", "host_scan", "restriction", "waived", "host"],
                name="finding_severity_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_id}: {self.severity}"


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
        when = _db_value(Waiver, "expires", day)
        with connection.cursor() as cursor:
            cursor.execute(WAIVERS_IN_FORCE, [host_id, when])
            return {check_id for (check_id,) in cursor.fetchall()}


class Waiver(models.Model):
    """An operator's acceptance of a finding (host x check), with reason, owner and expiry."""

    host = models.ForeignKey("fleet.Host", on_delete=models.CASCADE, related_name="waivers")
    restriction = models.CharField(max_length=40)
    check_id = models.CharField(max_length=80, db_index=True)
    reason = models.TextField()
    owner = models.CharField(max_length=200)
    expires = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=now)
    updated = models.DateTimeField(auto_now=True)

    objects = WaiverManager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "check_id"],
                condition=models.Q(active=True),
                name="waiver_one_active_per_host_check",
            )
        ]

    def __str__(self) -> str:
        return f"Waiver of {self.check_id} on {self.host}"


class WaiverEvent(models.Model):
    """The audit trail of a waiver: who created, edited, revoked it, and when it expired."""

    waiver = models.ForeignKey(Waiver, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=WaiverAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.action} {self.waiver}"


class ScanSchedule(models.Model):
    """A recurring scan: a cron expression in a time zone over a selection of hosts."""

    name = models.CharField(max_length=200, unique=True)
    cron = models.CharField(max_length=100, help_text="Five fields: minute hour day month weekday.")
    timezone = models.CharField(max_length=64, default="UTC")
    selection = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    next_run = models.DateTimeField(null=True, blank=True, db_index=True)
    last_run = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _db_value(model: type[models.Model], name: str, value: object) -> Any:
    """`value` as the ORM would send it for that field (SQLite stores dates and datetimes as
    text in the ORM's own format; PostgreSQL takes them as they are)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection)
