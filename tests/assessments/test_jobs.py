"""Batch jobs with a fake collector: claiming, failures, retries, cancel, concurrency."""

import time

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from assessments import jobs
from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from assessments.managers import MAX_ATTEMPTS
from assessments.models import Finding, HostScan, Scan
from assessments.scanning import scans
from assessments.scanning.scans import scan_progress, start_scan
from tests.assessments.scan_helpers import (
    FakeCollector,
    install_fake_collector,
    linux_result,
    make_host,
    slow,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_collect(monkeypatch) -> FakeCollector:
    return install_fake_collector(monkeypatch)


@pytest.fixture(autouse=True)
def inline(settings):
    settings.SCAN_CONCURRENCY = 1
    settings.SCAN_BATCH_SIZE = 3


def run_batch(scan: Scan) -> dict[str, int]:
    ids = list(scan.host_scans.order_by("pk").values_list("pk", flat=True))
    return jobs.scan_batch(scan.pk, ids)


def host_scan(scan: Scan, name: str) -> HostScan:
    return scan.host_scans.get(host__name=name)


def test_it_scans_every_host_of_the_batch_and_saves_findings(fake_collect):
    make_host("web1")
    make_host("web2")
    scan = start_scan({"all": True})
    assert run_batch(scan) == {"done": 2, "failed": 0, "skipped": 0}
    scan.refresh_from_db()
    assert scan.status == "finished"
    assert Finding.objects.filter(host_scan__scan=scan, check_id__startswith="raw").exists()
    assert set(scan.host_scans.values_list("verdict", flat=True)) == {"not_ready"}


def test_it_keeps_scanning_the_others_when_one_host_fails(fake_collect):
    make_host("web1")
    make_host("bad")
    make_host("web3")
    fake_collect.on("bad", CollectError(ErrorClass.REFUSED, "connection refused on port 22"))
    scan = start_scan({"all": True})
    run_batch(scan)
    bad = host_scan(scan, "bad")
    assert (bad.status, bad.error_class, bad.verdict) == ("failed", "refused", "unknown")
    assert bad.host.verdict == "unknown"
    assert host_scan(scan, "web3").status == "done"


def test_hostile_bytes_from_a_host_end_done_not_internal(fake_collect):
    # On PostgreSQL a NUL in a text column was `internal: DataError`; an undecodable byte
    # (surrogateescape) failed on both databases. The host's bytes are data.
    make_host("web1")
    make_host("bad")
    hostile = linux_result("bad\x00\udcff")
    hostile.notes = ["the banner said \x00"]
    fake_collect.on("bad", hostile)
    fake_collect.on("worse", CollectError(ErrorClass.PROTOCOL_ERROR, "banner \x00\udcff"))
    make_host("worse")
    scan = start_scan({"all": True})
    assert run_batch(scan) == {"done": 2, "failed": 1, "skipped": 0}
    bad = host_scan(scan, "bad")
    assert (bad.status, bad.verdict, bad.error_detail) == (
        "done",
        "not_ready",
        "the banner said \ufffd",
    )
    worse = host_scan(scan, "worse")
    assert (worse.error_class, worse.error_detail) == ("protocol_error", "banner \ufffd\ufffd")


def test_it_skips_a_host_another_worker_already_claimed(fake_collect):
    make_host("web1")
    make_host("web2")
    scan = start_scan({"all": True})
    HostScan.objects.filter(host__name="web1").update(status="running", worker="other-worker")
    assert run_batch(scan)["skipped"] == 1
    assert fake_collect.calls == ["web2"]
    assert host_scan(scan, "web1").worker == "other-worker"


def test_it_never_scans_a_host_twice_when_the_same_batch_runs_twice(fake_collect):
    make_host("web1")
    scan = start_scan({"all": True})
    run_batch(scan)
    assert run_batch(scan) == {"done": 0, "failed": 0, "skipped": 0}
    assert fake_collect.calls == ["web1"]


def test_it_reads_its_hosts_in_one_query_and_numbers_attempts_from_the_claim(fake_collect):
    for name in ("web1", "web2", "web3"):
        make_host(name)
    scan = start_scan({"all": True})
    with CaptureQueriesContext(connection) as queries:
        run_batch(scan)
    host_reads = [q["sql"] for q in queries if 'JOIN "fleet_host"' in q["sql"]]
    assert len(host_reads) == 1
    assert set(scan.host_scans.values_list("status", "attempts")) == {("done", 1)}


def test_it_retries_a_transient_failure_then_succeeds(fake_collect):
    make_host("web1")
    fake_collect.on(
        "web1", CollectError(ErrorClass.TIMEOUT, "no answer", retryable=True), linux_result()
    )
    scan = start_scan({"all": True})
    run_batch(scan)
    hs = host_scan(scan, "web1")
    assert (hs.status, hs.attempts) == ("done", 2)


def test_it_gives_up_after_a_bounded_number_of_attempts(fake_collect):
    make_host("web1")
    fake_collect.on("web1", CollectError(ErrorClass.TIMEOUT, "no answer", retryable=True))
    scan = start_scan({"all": True})
    run_batch(scan)
    hs = host_scan(scan, "web1")
    assert (hs.status, hs.error_class, hs.attempts) == ("failed", "timeout", MAX_ATTEMPTS)
    assert len(fake_collect.calls) == MAX_ATTEMPTS


def test_it_does_not_retry_a_permanent_failure(fake_collect):
    make_host("web1")
    fake_collect.on("web1", CollectError(ErrorClass.AUTH_FAILED, "password rejected"))
    run_batch(start_scan({"all": True}))
    assert fake_collect.calls == ["web1"]


def test_it_records_a_crashing_collector_as_an_internal_error(fake_collect):
    make_host("web1")

    def crash(target):
        raise RuntimeError("bug in a collector")

    fake_collect.on("web1", crash)
    scan = start_scan({"all": True})
    run_batch(scan)
    hs = host_scan(scan, "web1")
    assert (hs.status, hs.error_class) == ("failed", "internal")
    assert "bug in a collector" in hs.error_detail


def test_it_leaves_cancelled_hosts_alone(fake_collect):
    make_host("web1")
    make_host("web2")
    scan = start_scan({"all": True})
    scan.cancel()
    run_batch(scan)
    assert fake_collect.calls == []
    assert scan_progress(scan)["cancelled"] == 2
    scan.refresh_from_db()
    assert scan.status == "cancelled"


def test_it_stops_retrying_when_the_scan_is_cancelled(fake_collect):
    make_host("web1")
    scan = start_scan({"all": True})

    def fail_and_cancel(target):
        Scan.objects.filter(pk=scan.pk).update(cancel_requested=True)
        raise CollectError(ErrorClass.TIMEOUT, "no answer", retryable=True)

    fake_collect.on("web1", fail_and_cancel)
    run_batch(scan)
    assert fake_collect.calls == ["web1"]
    assert host_scan(scan, "web1").status == "cancelled"


def test_a_host_running_when_the_scan_is_cancelled_ends_cancelled_not_timed_out(fake_collect):
    host = make_host("web1")
    scan = start_scan({"all": True})

    def cancel_then_time_out(target):
        Scan.objects.get(pk=scan.pk).cancel()
        raise CollectError(ErrorClass.TIMEOUT, "no answer within the host deadline")

    fake_collect.on("web1", cancel_then_time_out)
    assert run_batch(scan)["failed"] == 0
    hs = host_scan(scan, "web1")
    assert (hs.status, hs.get_status_display(), hs.error_class) == ("cancelled", "Cancelled", "")
    assert "Timed out" in hs.error_detail
    assert (hs.verdict, Scan.objects.get(pk=scan.pk).status) == ("", "cancelled")
    host.refresh_from_db()
    assert (host.verdict, host.latest_scan) == ("never", None)


def test_a_host_that_finishes_after_the_cancel_keeps_its_result(fake_collect):
    make_host("web1")
    scan = start_scan({"all": True})

    def cancel_then_answer(target):
        Scan.objects.get(pk=scan.pk).cancel()
        return linux_result(target.name)

    fake_collect.on("web1", cancel_then_answer)
    run_batch(scan)
    assert host_scan(scan, "web1").status == "done"


def test_it_does_not_overwrite_a_host_taken_over_by_another_worker(fake_collect):
    make_host("web1")
    scan = start_scan({"all": True})

    def taken_over(target):
        HostScan.objects.filter(host__name=target.name).update(worker="the-worker-that-took-over")
        return linux_result()

    fake_collect.on("web1", taken_over)
    assert run_batch(scan)["done"] == 0
    hs = host_scan(scan, "web1")
    assert (hs.status, hs.worker) == ("running", "the-worker-that-took-over")
    assert not Finding.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_scans_hosts_of_a_batch_concurrently(fake_collect, settings, monkeypatch):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads need a database file or server they can all reach")
    monkeypatch.setattr(scans, "enqueue_batches", lambda scan_id, ids: [])  # runs here instead
    settings.SCAN_CONCURRENCY = 8
    settings.SCAN_BATCH_SIZE = 8
    for i in range(8):
        make_host(f"web{i}")
    fake_collect.default = slow(0.5)
    scan = start_scan({"all": True})
    started = time.monotonic()
    run_batch(scan)
    assert time.monotonic() - started < 2.5  # 8 x 0.5 s one after another would be 4 s
    assert scan_progress(scan)["done"] == 8


def test_it_does_not_retry_when_the_host_deadline_is_used_up(fake_collect, settings):
    settings.SCAN_HOST_DEADLINE = 4  # less than a retry needs
    make_host("web1")
    fake_collect.on("web1", CollectError(ErrorClass.TIMEOUT, "no answer", retryable=True))
    run_batch(start_scan({"all": True}))
    assert fake_collect.calls == ["web1"]


def lost_once(fn):
    """`fn`, but its first call loses the database connection (after doing its work)."""
    calls: list[int] = []

    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return result

    return wrapper


@pytest.fixture
def no_wait(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    monkeypatch.setattr(
        "assessments.scanning.dbretry.drop_connections", lambda: None, raising=False
    )


def test_a_connection_lost_while_saving_a_result_is_retried_not_an_internal_error(
    fake_collect, no_wait, monkeypatch
):
    from assessments.scanning import results

    make_host("web1")
    scan = start_scan({"all": True})
    lost = {"first": True}
    real_save = results.save_result

    def save_after_a_lost_connection(*args, **kwargs):
        if lost.pop("first", False):  # the connection dies before the transaction commits
            raise OperationalError("terminating connection due to administrator command")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(results, "save_result", save_after_a_lost_connection)
    assert run_batch(scan) == {"done": 1, "failed": 0, "skipped": 0}
    assert host_scan(scan, "web1").status == "done"


def test_a_claim_whose_answer_was_lost_with_the_connection_still_takes_the_host(
    fake_collect, no_wait, monkeypatch
):
    make_host("web1")
    scan = start_scan({"all": True})
    monkeypatch.setattr(HostScan.objects, "claim", lost_once(HostScan.objects.claim))
    assert run_batch(scan) == {"done": 1, "failed": 0, "skipped": 0}
    assert host_scan(scan, "web1").attempts == 1


def test_a_database_that_stays_away_leaves_the_host_to_recovery_not_failed_as_internal(
    fake_collect, no_wait, monkeypatch
):
    from assessments.scanning import results

    make_host("web1")
    scan = start_scan({"all": True})

    def never(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(results, "save_result", never)
    monkeypatch.setattr("assessments.scanning.dbretry.RETRY_FOR", 2.0, raising=False)
    assert run_batch(scan) == {"done": 0, "failed": 0, "skipped": 1}
    hs = host_scan(scan, "web1")
    assert hs.status == "running" and hs.error_class == ""  # recover_lost takes it later
