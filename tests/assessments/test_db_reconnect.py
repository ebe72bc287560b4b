"""Long-running processes survive a killed database connection (real PostgreSQL).

Run with e.g. `DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_reconnect pytest <this
file>`: each test kills the backend of Django's connection from a second connection with
`pg_terminate_backend`, as a database restart or an administrator would.
"""

import json
import logging
import threading
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.db import connection

from assessments.choices import ScanStatus
from assessments.management.commands import scan as scan_command
from assessments.management.commands import scheduler
from assessments.models import Scan
from assessments.scanning import schedules
from assessments.scanning.dbretry import Backoff
from tests.conftest import missing_service


def other_connection() -> psycopg.Connection:
    """A connection of our own, beside Django's."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )


@pytest.fixture
def kill_backend(transactional_db) -> Iterator[Callable[[], None]]:
    """A function that terminates the backend of this thread's Django connection."""
    if connection.vendor != "postgresql":
        missing_service("DATABASE_URL must be PostgreSQL to kill a backend")

    def kill() -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with other_connection() as other:
            assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)

    yield kill
    connection.close()  # the flush after the test must not meet a killed connection


def test_the_scheduler_loop_goes_on_after_its_connection_was_killed(kill_backend, monkeypatch):
    ticks: list[int] = []
    real_tick = scheduler.tick
    stop = threading.Event()

    def counting_tick(out=None, **kwargs) -> None:
        real_tick(out, **kwargs)
        ticks.append(Scan.objects.count())
        if len(ticks) == 1:
            kill_backend()  # between two ticks, as a database restart at night would
        if len(ticks) == 3:
            stop.set()

    monkeypatch.setattr(scheduler, "tick", counting_tick)
    scheduler.run_loop(stop, interval=0.01)
    assert ticks == [0, 0, 0]


def test_a_scheduler_iteration_that_loses_its_connection_backs_off_then_recovers(
    kill_backend, monkeypatch, caplog
):
    real_seconds = schedules.seconds_until_next
    calls: list[int] = []

    def killed_midway(cap: float = 30.0) -> float:
        calls.append(1)
        if len(calls) == 1:
            kill_backend()  # the query right after this one fails
        return real_seconds(cap=cap)

    monkeypatch.setattr(schedules, "seconds_until_next", killed_midway)
    backoff = Backoff("scheduler")
    with caplog.at_level(logging.WARNING, logger="assessments.scanning.dbretry"):
        assert scheduler.iteration(30.0, backoff) == 1.0  # the backoff, not a crash
        assert backoff.down
        assert scheduler.iteration(30.0, backoff) == 30.0  # reconnected: no schedule, cap
    assert not backoff.down
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2  # one line for the outage, one for the recovery
    assert "database unavailable (terminating connection due to administrator" in messages[0]
    assert "database reachable again after 1 retries" in messages[1]


def test_scan_wait_polling_survives_a_killed_connection(kill_backend, monkeypatch):
    scan = Scan.objects.create(status=ScanStatus.RUNNING, selection={"all": True})
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:
            kill_backend()  # between two polls
            with other_connection() as other:  # a worker finishes the scan meanwhile
                other.execute(
                    "UPDATE assessments_scan SET status = %s WHERE id = %s",
                    [ScanStatus.FINISHED.value, scan.pk],
                )

    monkeypatch.setattr(scan_command.time, "sleep", sleep)
    scan_command.wait_for_workers(scan, progress=None)  # type: ignore[arg-type]
    assert sleeps == [scan_command.POLL_SECONDS]


def test_a_web_request_after_a_database_restart_is_served(kill_backend, client):
    # Django's test client disconnects close_old_connections; gunicorn runs the real handler.
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    user = User.objects.create_superuser("ops", password="pw-123456!")
    client.force_login(user)
    handler = WSGIHandler()
    environ = RequestFactory()._base_environ(
        PATH_INFO="/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}"
    )
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info=None) -> None:
        statuses.append(status)

    handler(dict(environ), start_response)
    kill_backend()  # the database restarts between two requests of this worker
    handler(dict(environ), start_response)
    assert statuses == ["200 OK", "200 OK"]


def test_the_host_key_store_survives_a_killed_connection_mid_handshake(kill_backend):
    from assessments.collectors.hostkeys import PresentedKey
    from assessments.scanning.targets import build_target
    from tests.assessments.collectors.conftest import make_host

    target, store = build_target(make_host(trust=True))
    key = PresentedKey("ssh-ed25519", b"host-key-blob")
    kill_backend()  # between the TCP connect and the key check
    assert store.lookup(target.address, target.port) == []
    kill_backend()
    store.record(target.address, target.port, key, trusted=True, known=False)
    kill_backend()
    assert store.touch(target.address, target.port, key)


def test_a_batch_saves_a_host_whose_connection_was_killed_while_it_was_scanned(
    kill_backend, monkeypatch, settings
):
    from assessments import jobs
    from assessments.scanning.scans import start_scan
    from tests.assessments.scan_helpers import install_fake_collector, linux_result, make_host

    settings.SCAN_CONCURRENCY = 1  # the batch's host runs on this thread's connection
    make_host("web1")
    scan = start_scan({"all": True}, enqueue=False)

    def killed_while_collecting(target):
        kill_backend()
        return linux_result(target.name)

    install_fake_collector(monkeypatch).on("web1", killed_while_collecting)
    ids = list(scan.host_scans.values_list("pk", flat=True))
    assert jobs.scan_batch(scan.pk, ids) == {"done": 1, "failed": 0, "skipped": 0}
    assert scan.host_scans.get().status == "done"


def test_scan_wait_on_the_embedded_queue_survives_a_killed_connection(
    kill_backend, embedded, monkeypatch
):
    from io import StringIO

    from django.core.management import call_command

    from assessments.scanning import scans
    from tests.assessments.scan_helpers import install_fake_collector, make_host

    install_fake_collector(monkeypatch)
    make_host("web1")
    make_host("web2")
    real_enqueue = scans.enqueue_batches

    def enqueue_then_lose_the_database(scan_id, ids):
        job_ids = real_enqueue(scan_id, ids)
        kill_backend()  # the database restarts before the job takes its hosts
        return job_ids

    monkeypatch.setattr(scans, "enqueue_batches", enqueue_then_lose_the_database)
    out = StringIO()
    call_command("scan", "--all", "--wait", "--json", stdout=out, stderr=StringIO())
    summary = json.loads(out.getvalue())
    assert (summary["hosts"], summary["completed"], summary["failed"]) == (2, 2, 0)


def test_scan_wait_on_the_embedded_queue_works_again_the_hosts_a_failed_job_left(
    kill_backend, embedded, monkeypatch
):
    from io import StringIO

    from django.core.management import call_command

    from assessments import jobs
    from tests.assessments.scan_helpers import install_fake_collector, make_host

    install_fake_collector(monkeypatch)
    make_host("web1")
    real_batch, calls = jobs.scan_batch, []

    def lose_the_database_in_the_first_job(scan_id, ids):
        calls.append(scan_id)
        if len(calls) == 1:
            kill_backend()  # inside the job, before its first query: the job fails
        return real_batch(scan_id, ids)

    monkeypatch.setattr(jobs, "scan_batch", lose_the_database_in_the_first_job)
    out = StringIO()
    call_command("scan", "--all", "--wait", "--json", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue())["completed"] == 1
    assert len(calls) == 2
