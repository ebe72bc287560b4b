"""Starting scans: selections, batches enqueued after commit, progress, cancel, lost hosts."""

from datetime import timedelta

import fakeredis
import pytest
from django.utils import timezone
from rq import Queue

from assessments.managers import MAX_ATTEMPTS
from assessments.models import HostScan, Scan
from assessments.scanning import scans
from assessments.scanning.scans import (
    SelectionError,
    recover_lost,
    scan_progress,
    select_hosts,
    start_scan,
)
from tests.assessments.scan_helpers import make_host

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(monkeypatch) -> Queue:
    """A private queue on its own fake Redis, so tests never share jobs."""
    q = Queue("scans", connection=fakeredis.FakeRedis())
    monkeypatch.setattr(scans, "scan_queue", lambda: q)
    return q


def names(selection) -> list[str]:
    return sorted(select_hosts(selection).values_list("name", flat=True))


def test_it_selects_all_enabled_hosts():
    make_host("web1")
    make_host("off", enabled=False)
    assert names({"all": True}) == ["web1"]


def test_it_selects_the_union_of_groups_and_hosts():
    make_host("web1", groups=("web",))
    make_host("web2", groups=("web", "prod"))
    make_host("db1")
    make_host("mail1")
    assert names({"groups": ["web", "prod"], "hosts": ["db1"]}) == ["db1", "web1", "web2"]


def test_it_refuses_unknown_group_or_host_names():
    make_host("web1")
    with pytest.raises(SelectionError, match="no such group: nope"):
        select_hosts({"groups": ["nope"]})
    with pytest.raises(SelectionError, match="no such host: ghost"):
        start_scan({"hosts": ["web1", "ghost"]})
    assert not Scan.objects.exists()


def test_it_splits_a_scan_into_batches_enqueued_after_commit(
    queue, settings, django_capture_on_commit_callbacks
):
    settings.SCAN_BATCH_SIZE = 2
    for i in range(5):
        make_host(f"web{i}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scan = start_scan({"all": True})
        assert queue.count == 0  # nothing visible to workers before the commit
    assert len(callbacks) == 1
    jobs = queue.get_jobs()
    assert [len(job.args[1]) for job in jobs] == [2, 2, 1]
    assert {job.args[0] for job in jobs} == {scan.pk}
    assert all(job.timeout and job.timeout > 0 for job in jobs)
    assert scan.host_scans.count() == 5


def test_its_batch_jobs_run_the_batch_job_function(queue, django_capture_on_commit_callbacks):
    from assessments import jobs

    make_host("web1")
    with django_capture_on_commit_callbacks(execute=True):
        start_scan({"all": True})
    assert queue.get_jobs()[0].func is jobs.scan_batch


def test_it_fails_a_scan_that_selects_no_enabled_host(queue, django_capture_on_commit_callbacks):
    make_host("off", enabled=False, groups=("g",))
    with django_capture_on_commit_callbacks(execute=True):
        scan = start_scan({"groups": ["g"]})
    assert scan.status == "failed"
    assert "No enabled host" in scan.error
    assert queue.count == 0


def test_it_counts_progress_by_status():
    for i in range(4):
        make_host(f"web{i}")
    scan = start_scan({"all": True})
    HostScan.objects.filter(host__name="web0").update(status="done")
    HostScan.objects.filter(host__name="web1").update(status="failed")
    HostScan.objects.filter(host__name="web2").update(status="running")
    assert scan_progress(scan) == {
        "total": 4,
        "queued": 1,
        "running": 1,
        "done": 1,
        "failed": 1,
        "cancelled": 0,
    }


def test_it_cancels_queued_hosts_and_lets_running_ones_finish():
    make_host("web1")
    make_host("web2")
    scan = start_scan({"all": True})
    HostScan.objects.filter(host__name="web1").update(status="running")
    assert scan.cancel() == 1
    assert scan.cancel_requested
    assert scan.status == "queued"  # web1 is still being scanned
    HostScan.objects.filter(host__name="web1").update(status="done")
    assert scan.finish_if_complete()
    assert scan.status == "cancelled"
    assert Scan.objects.get(pk=scan.pk).status == "cancelled"


def lose(scan: Scan, name: str, attempts: int = 1, minutes: int = 10) -> None:
    HostScan.objects.filter(scan=scan, host__name=name).update(
        status="running",
        worker="dead-worker",
        attempts=attempts,
        heartbeat=timezone.now() - timedelta(minutes=minutes),
    )


def test_it_requeues_hosts_of_a_dead_worker(queue, django_capture_on_commit_callbacks):
    make_host("web1")
    scan = start_scan({"all": True})
    lose(scan, "web1")
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_lost() == {"requeued": 1, "failed": 0}
    hs = scan.host_scans.get()
    assert (hs.status, hs.worker, hs.heartbeat) == ("queued", "", None)
    assert queue.get_jobs()[0].args == (scan.pk, [hs.pk])


def test_it_fails_a_lost_host_after_its_last_attempt(queue):
    host = make_host("web1")
    scan = start_scan({"all": True})
    lose(scan, "web1", attempts=MAX_ATTEMPTS)
    assert recover_lost() == {"requeued": 0, "failed": 1}
    hs = scan.host_scans.get()
    assert (hs.status, hs.error_class, hs.verdict) == ("failed", "lost", "unknown")
    host.refresh_from_db()
    assert host.verdict == "unknown"
    scan.refresh_from_db()
    assert scan.status == "finished"


def test_a_lost_host_of_a_cancelled_scan_ends_cancelled(queue):
    host = make_host("web1")
    scan = start_scan({"all": True})
    lose(scan, "web1")
    scan.cancel()
    recover_lost()
    hs = scan.host_scans.get()
    assert (hs.status, hs.error_class, hs.verdict) == ("cancelled", "", "")
    host.refresh_from_db()
    assert host.verdict == "never"
    scan.refresh_from_db()
    assert scan.status == "cancelled"


def test_it_leaves_hosts_with_a_fresh_heartbeat_alone(queue):
    make_host("web1")
    scan = start_scan({"all": True})
    lose(scan, "web1", minutes=0)
    assert recover_lost() == {"requeued": 0, "failed": 0}


def test_a_lost_host_of_an_old_scan_is_enqueued_once(django_capture_on_commit_callbacks):
    # Reset to queued by the recovery, the host also looks orphaned (queued, no heartbeat,
    # no job holds it): it must not be enqueued a second time by the same call.
    make_host("web1")
    make_host("web2")
    scan = start_scan({"all": True})
    Scan.objects.filter(pk=scan.pk).update(created=timezone.now() - timedelta(hours=1))
    lose(scan, "web1")
    enqueued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        counts = HostScan.objects.recover_lost(
            enqueue=lambda scan_id, ids: enqueued.extend(ids), pending=set
        )
    ids = sorted(scan.host_scans.values_list("pk", flat=True))
    assert sorted(enqueued) == ids  # web1 (lost) and web2 (orphaned), each once
    assert counts == {"requeued": 2, "failed": 0}


def test_it_requeues_queued_hosts_whose_batch_job_vanished(
    queue, django_capture_on_commit_callbacks
):
    make_host("web1")
    scan = start_scan({"all": True})  # its on-commit enqueue never ran: the job is gone
    Scan.objects.filter(pk=scan.pk).update(created=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_lost()["requeued"] == 1
    assert recover_lost()["requeued"] == 0  # now a job holds it
    assert len(queue.get_jobs()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_scan_started_while_redis_is_down_is_saved_and_recovered_later(redis_down, monkeypatch):
    make_host("web1")
    make_host("web2")
    with pytest.raises(scans.QueueUnavailable, match="queue unavailable") as raised:
        start_scan({"all": True})
    scan = Scan.objects.get()
    assert raised.value.scan.pk == scan.pk
    assert "saved but not started: queue unavailable" in raised.value.notice
    assert scan.status == "queued"
    assert set(scan.host_scans.values_list("status", flat=True)) == {"queued"}
    # Redis is back: the scheduler's recovery enqueues the orphaned queued hosts.
    back = Queue("scans", connection=fakeredis.FakeRedis())
    monkeypatch.setattr(scans, "scan_queue", lambda: back)
    later = timezone.now() + timedelta(seconds=1)
    assert recover_lost(stale_after=0, now=later)["requeued"] == 2
    [job] = back.get_jobs()
    assert job.args[0] == scan.pk
    assert sorted(job.args[1]) == sorted(scan.host_scans.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_schedule_due_while_redis_is_down_does_not_stop_the_other_schedules(redis_down):
    from assessments.models import ScanSchedule
    from assessments.scanning import schedules

    make_host("web1")
    past = timezone.now() - timedelta(minutes=5)
    for name in ("a", "b"):
        ScanSchedule.objects.create(
            name=name, cron="0 3 * * *", selection={"all": True}, next_run=past
        )
    started = schedules.dispatch_due()
    assert len(started) == 2
    assert Scan.objects.filter(status="queued").count() == 2


@pytest.mark.parametrize(
    ("hosts", "workers", "size"),
    [
        (1000, 2, 500),  # one batch per worker: the measured 14.2 s layout
        (1000, 0, 500),  # no worker yet: counted as one
        (300, 4, 75),
        (10, 4, 25),  # never below 25
        (100_000, 2, 500),  # never above 500
    ],
)
def test_unset_batch_size_is_sized_from_the_scan(settings, hosts, workers, size):
    settings.SCAN_BATCH_SIZE = None
    assert scans.batch_size(hosts, workers) == size


def test_an_explicit_batch_size_is_honoured(settings):
    settings.SCAN_BATCH_SIZE = 7
    assert scans.batch_size(1000, 2) == 7


def test_the_defaults_are_the_measured_ones(monkeypatch):
    import importlib

    from p2c import settings as defaults

    # Sized batches, and the 20 threads bench/ measured, unless the environment sets them.
    monkeypatch.delenv("SCAN_BATCH_SIZE", raising=False)
    monkeypatch.delenv("SCAN_CONCURRENCY", raising=False)
    fresh = importlib.reload(defaults)
    assert (fresh.SCAN_BATCH_SIZE, fresh.SCAN_CONCURRENCY) == (None, 20)


def test_unset_batch_size_enqueues_batches_sized_from_the_scan(
    queue, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SCAN_BATCH_SIZE = None
    for i in range(60):
        make_host(f"web{i}")
    monkeypatch.setattr(scans.Worker, "count", lambda **kwargs: 0)
    with django_capture_on_commit_callbacks(execute=True):
        start_scan({"all": True})
    # No worker registered: one worker, one batch of 60 (not 25 + 25 + 10).
    assert [len(job.args[1]) for job in queue.get_jobs()] == [60]


def test_unset_batch_size_splits_a_scan_between_the_workers_serving_the_queue(
    queue, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SCAN_BATCH_SIZE = None
    for i in range(60):
        make_host(f"web{i}")
    counted = []
    monkeypatch.setattr(
        scans.Worker, "count", lambda **kwargs: counted.append(kwargs["queue"]) or 2
    )
    with django_capture_on_commit_callbacks(execute=True):
        start_scan({"all": True})
    assert counted == [queue]
    assert [len(job.args[1]) for job in queue.get_jobs()] == [30, 30]
