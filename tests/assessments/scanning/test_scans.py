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
