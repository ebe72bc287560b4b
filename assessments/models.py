"""Scans, their per-host results, raw captures, findings, waivers and schedules."""

import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils.timezone import now

from assessments.choices import (
    ErrorClass,
    HostScanStatus,
    ScanStatus,
    ScanTrigger,
    Severity,
    Transport,
    WaiverAction,
)
from fleet.choices import OsFamily, Verdict


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
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=now)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True, db_index=True)

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
    severity = models.CharField(max_length=10, choices=Severity.choices, db_index=True)
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
