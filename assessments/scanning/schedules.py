"""Recurring scans: when a schedule next runs, and the dispatcher that starts due scans.

Cron expressions are read as wall-clock times in the schedule's time zone. On a
spring-forward day a time inside the skipped hour runs once, when the clock has jumped
(02:30 becomes 03:30); on a fall-back day a repeated time runs once, at its first
occurrence. A dispatcher claims a due schedule by moving `next_run` forward with a
conditional UPDATE in the same transaction that creates the scan, so two dispatchers never
start the same run twice; after downtime, all missed runs collapse into one.
"""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from django.db import transaction
from django.utils import timezone

from assessments.choices import ScanTrigger
from assessments.models import Scan, ScanSchedule
from assessments.scanning.scans import SelectionError, start_scan

log = logging.getLogger(__name__)


class ScheduleError(ValueError):
    """A cron expression or time zone that cannot be used."""


def validate(cron: str, tz_name: str) -> None:
    """Raise `ScheduleError` with a message for users if the schedule cannot run."""
    if len(cron.split()) != 5:
        raise ScheduleError("a cron expression has five fields: minute hour day month weekday")
    if not croniter.is_valid(cron):
        raise ScheduleError(f"not a valid cron expression: {cron!r}")
    _zone(tz_name)


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone: {tz_name!r}") from None


def next_run_after(cron: str, tz_name: str, after: datetime) -> datetime:
    """The first run strictly after `after` (aware), as an aware UTC datetime."""
    zone = _zone(tz_name)
    # Iterate naive wall-clock times: croniter then never sees a UTC offset change.
    wall = after.astimezone(zone).replace(tzinfo=None)
    times = croniter(cron, wall)
    for _ in range(1000):
        candidate: datetime = times.get_next(datetime)
        # fold=0: a repeated time means its first occurrence; a skipped one maps past the gap.
        aware = candidate.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if aware > after:
            return aware
    raise ScheduleError(f"{cron!r} never runs after {after.isoformat()}")


def next_run(schedule: ScanSchedule, now: datetime | None = None) -> datetime | None:
    """When the schedule fires next (the scheduler's answer); None when it cannot run."""
    try:
        return next_run_after(schedule.cron, schedule.timezone, now or timezone.now())
    except (ValueError, KeyError):  # ScheduleError, and croniter's errors
        return None


def refresh_next_run(schedule: ScanSchedule, now: datetime | None = None) -> ScanSchedule:
    """Recompute and save `next_run` (after creating or editing a schedule)."""
    now = now or timezone.now()
    schedule.next_run = (
        next_run_after(schedule.cron, schedule.timezone, now) if schedule.enabled else None
    )
    schedule.save(update_fields=["next_run"])
    return schedule


def dispatch_due(now: datetime | None = None) -> list[Scan]:
    """Start one scan per due schedule; returns the scans this call started."""
    now = now or timezone.now()
    _initialise_new(now)
    started = []
    due = ScanSchedule.objects.filter(enabled=True, next_run__lte=now).order_by("next_run")
    for schedule in due:
        scan = _run_once(schedule, now)
        if scan is not None:
            started.append(scan)
    return started


def _initialise_new(now: datetime) -> None:
    """Schedules never planned (created in the admin): plan their first run."""
    for schedule in ScanSchedule.objects.filter(enabled=True, next_run__isnull=True):
        try:
            first = next_run_after(schedule.cron, schedule.timezone, now)
        except (ScheduleError, ValueError, KeyError) as exc:
            log.error("schedule %r cannot run: %s", schedule.name, exc)
            continue
        ScanSchedule.objects.filter(pk=schedule.pk, next_run__isnull=True).update(next_run=first)


def _run_once(schedule: ScanSchedule, now: datetime) -> Scan | None:
    try:
        following = next_run_after(schedule.cron, schedule.timezone, now)
    except (ScheduleError, ValueError, KeyError) as exc:
        log.error("schedule %r cannot run: %s", schedule.name, exc)
        return None
    with transaction.atomic():
        claimed = ScanSchedule.objects.filter(
            pk=schedule.pk, enabled=True, next_run=schedule.next_run
        ).update(next_run=following, last_run=now)
        if not claimed:  # another dispatcher took this run
            return None
        try:
            scan = start_scan(schedule.selection, trigger=ScanTrigger.SCHEDULE, schedule=schedule)
        except SelectionError as exc:
            scan = _failed_scan(schedule, str(exc), now)
    log.info("schedule %r started scan #%s; next run %s", schedule.name, scan.pk, following)
    return scan


def _failed_scan(schedule: ScanSchedule, error: str, now: datetime) -> Scan:
    """Record a run whose selection no longer matches the inventory, so users see why."""
    return Scan.objects.create(
        trigger=ScanTrigger.SCHEDULE,
        selection=schedule.selection,
        schedule=schedule,
        status="failed",
        error=f"Schedule {schedule.name!r}: {error}",
        finished=now,
    )


def seconds_until_next(now: datetime | None = None, cap: float = 30.0) -> float:
    """How long a dispatcher may sleep before the earliest due schedule (1 s to `cap`)."""
    now = now or timezone.now()
    nearest = (
        ScanSchedule.objects.filter(enabled=True, next_run__isnull=False)
        .order_by("next_run")
        .values_list("next_run", flat=True)
        .first()
    )
    if nearest is None:
        return cap
    return max(1.0, min(cap, (nearest - now + timedelta(milliseconds=50)).total_seconds()))
