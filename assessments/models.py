"""Scans, their per-host results, raw captures, findings, waivers and schedules."""

import logging

from django.conf import settings
from django.db import models
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
from assessments.managers import (
    ACTIVE,
    TERMINAL_SCAN,
    HostScanManager,
    WaiverManager,
)
from fleet.choices import OsFamily, Verdict

log = logging.getLogger(__name__)


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
        """Stop the scan: hosts not started yet are cancelled, hosts being scanned finish (one
        that fails after this, or waits to retry, ends cancelled: `jobs.Batch`). Returns how
        many hosts were cancelled; `user` (who asked) is logged."""
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
