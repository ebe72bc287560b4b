"""Schedules: next runs in a time zone (DST), due runs, two dispatchers, missed runs."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.choices import ScanTrigger
from assessments.models import Scan, ScanSchedule
from assessments.scanning import scans, schedules
from assessments.scanning.schedules import ScheduleError, dispatch_due, next_run_after
from fleet.models import Host


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_schedule(**overrides) -> ScanSchedule:
    fields = {
        "name": "nightly",
        "cron": "30 2 * * *",
        "timezone": "UTC",
        "selection": {"all": True},
        "next_run": utc(2026, 1, 10, 2, 30),
    }
    fields.update(overrides)
    return ScanSchedule.objects.create(**fields)


@pytest.fixture
def host(db):
    return Host.objects.create(name="web1", address="192.0.2.1")


def runs_between(cron: str, tz: str, start: datetime, end: datetime) -> list[datetime]:
    runs, at = [], start
    while (at := next_run_after(cron, tz, at)) < end:
        runs.append(at)
    return runs


def test_it_computes_the_next_run_in_the_schedules_time_zone():
    nxt = next_run_after("0 9 * * 1-5", "Europe/Berlin", utc(2026, 1, 9, 12, 0))  # a Friday
    assert nxt == utc(2026, 1, 12, 8, 0)  # Monday 09:00 CET


def test_it_runs_a_time_in_the_skipped_hour_once_on_spring_forward():
    runs = runs_between("30 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 0), utc(2026, 3, 31, 0))
    assert runs == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]


def test_it_runs_a_repeated_time_once_on_fall_back():
    runs = runs_between("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 0), utc(2026, 10, 27, 0))
    assert runs == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_it_never_plans_a_run_in_the_past_during_the_repeated_hour():
    # 01:45 UTC is 02:45 CET, the second pass through 02:xx; 02:30 CEST was an hour ago.
    assert next_run_after("30 2 * * *", "Europe/Berlin", utc(2026, 10, 25, 1, 45)) == utc(
        2026, 10, 26, 1, 30
    )


def test_it_rejects_a_bad_cron_or_time_zone():
    with pytest.raises(ScheduleError):
        schedules.validate("61 * * * *", "UTC")
    with pytest.raises(ScheduleError):
        schedules.validate("0 * * * *", "Mars/Olympus")


def test_it_starts_a_scan_when_a_schedule_is_due(host):
    schedule = make_schedule()
    started = dispatch_due(now=utc(2026, 1, 10, 2, 30, 5))
    assert [s.trigger for s in started] == [ScanTrigger.SCHEDULE]
    assert started[0].schedule == schedule
    schedule.refresh_from_db()
    assert schedule.next_run == utc(2026, 1, 11, 2, 30)


def test_it_does_not_start_a_schedule_before_it_is_due(host):
    make_schedule()
    assert dispatch_due(now=utc(2026, 1, 10, 2, 29)) == []
    assert not Scan.objects.exists()


def test_it_runs_missed_runs_once_when_the_scheduler_comes_back(host):
    schedule = make_schedule(cron="0 * * * *", next_run=utc(2026, 1, 10, 0, 0))
    started = dispatch_due(now=utc(2026, 1, 10, 7, 20))  # seven hourly runs were missed
    assert len(started) == 1
    schedule.refresh_from_db()
    assert schedule.next_run == utc(2026, 1, 10, 8, 0)
    assert dispatch_due(now=utc(2026, 1, 10, 7, 21)) == []


def test_it_never_starts_the_same_run_twice_from_two_dispatchers(host):
    make_schedule()
    now = utc(2026, 1, 10, 2, 30, 1)
    assert len(dispatch_due(now=now)) == 1
    assert dispatch_due(now=now) == []  # the second dispatcher saw the same due row
    assert Scan.objects.count() == 1


def test_it_lets_only_one_dispatcher_claim_a_run_it_read_as_due(host):
    schedule = make_schedule()
    stale_copy = ScanSchedule.objects.get(pk=schedule.pk)
    now = utc(2026, 1, 10, 2, 30, 1)
    assert schedules._run_once(schedule, now) is not None
    assert schedules._run_once(stale_copy, now) is None
    assert Scan.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_starts_one_scan_when_dispatchers_race_in_threads(monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("needs a database that serves several connections at once")
    monkeypatch.setattr(scans, "enqueue_batches", lambda scan_id, ids: [])
    Host.objects.create(name="web1", address="192.0.2.1")
    make_schedule()
    now = utc(2026, 1, 10, 2, 30, 1)
    barrier = threading.Barrier(4)

    def dispatcher() -> None:
        barrier.wait()
        try:
            dispatch_due(now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Scan.objects.filter(trigger=ScanTrigger.SCHEDULE).count() == 1


def test_it_plans_the_first_run_of_a_new_schedule(host):
    schedule = make_schedule(next_run=None)
    assert dispatch_due(now=utc(2026, 1, 10, 1, 0)) == []
    schedule.refresh_from_db()
    assert schedule.next_run == utc(2026, 1, 10, 2, 30)


def test_it_records_a_failed_scan_when_the_selection_no_longer_matches(host):
    make_schedule(selection={"groups": ["gone"]})
    [scan] = dispatch_due(now=utc(2026, 1, 10, 2, 31))
    assert scan.status == "failed"
    assert "gone" in scan.error


def test_it_skips_disabled_schedules(host):
    make_schedule(enabled=False)
    assert dispatch_due(now=utc(2026, 1, 10, 3, 0)) == []


def test_it_dispatches_from_the_scheduler_command(host):
    make_schedule(next_run=datetime.now(UTC) - timedelta(minutes=1))
    call_command("scheduler", "--once")
    assert Scan.objects.filter(trigger=ScanTrigger.SCHEDULE).count() == 1


def test_the_scheduler_command_recovers_hosts_stale_for_its_stale_after(host, monkeypatch):
    from assessments.management.commands import scheduler

    seen: list[float] = []
    monkeypatch.setattr(
        scheduler, "recover_lost", lambda stale_after: seen.append(stale_after) or {}
    )
    call_command("scheduler", "--once", "--stale-after", "45")
    assert seen == [45.0]


def test_the_scheduler_command_refuses_a_stale_after_shorter_than_three_heartbeats(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="at least 30 seconds"):
        call_command("scheduler", "--once", "--stale-after", "20")


def test_the_scheduler_logs_a_redis_outage_once_and_its_end_once(
    transactional_db, redis_down, monkeypatch, caplog
):
    import logging

    import fakeredis
    from rq import Queue

    from assessments.management.commands import scheduler

    Host.objects.create(name="web1", address="192.0.2.1")
    scans.start_scan({"all": True}, enqueue=False)  # as if Redis had been down at its commit
    Scan.objects.update(created=datetime.now(UTC) - timedelta(minutes=10))  # orphaned by now
    back = Queue("scans", connection=fakeredis.FakeRedis())
    stop, ticks = threading.Event(), []
    real_dispatch = schedules.dispatch_due

    def counting_dispatch(now=None):
        ticks.append(1)
        if len(ticks) == 4:  # Redis is back for the fourth tick
            monkeypatch.setattr(scans, "scan_queue", lambda: back)
            stop.set()
        return real_dispatch(now)

    monkeypatch.setattr(schedules, "dispatch_due", counting_dispatch)
    with caplog.at_level(logging.INFO):
        scheduler.run_loop(stop, interval=0.01)
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert [level for level, _ in lines] == ["WARNING", "WARNING", "WARNING"]
    assert "queue (Redis) unavailable" in lines[0][1]
    assert "re-queueing 1 hosts" in lines[1][1]
    assert "queue (Redis) reachable again after 3 retries" in lines[2][1]
    assert len(back.get_job_ids()) == 1
