"""Backoff, and the worker that takes no job while the database is down (docs/scanning.md)."""

import logging

import fakeredis
import pytest
from django.conf import settings
from django.db import OperationalError
from rq import Queue

from assessments.scanning import dbretry, workers
from assessments.scanning.dbretry import Backoff, attempt, retry


def test_backoff_doubles_up_to_the_cap_and_starts_over_after_a_success():
    backoff = Backoff("test", first=1.0, cap=10.0)
    error = OperationalError("server closed the connection")
    assert [backoff.failed(error) for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff.down
    backoff.succeeded()
    assert not backoff.down
    assert backoff.failed(error) == 1.0


def test_backoff_logs_an_outage_once_and_the_recovery_once(caplog):
    backoff = Backoff("scheduler")
    with caplog.at_level(logging.WARNING, logger="assessments.scanning.dbretry"):
        for _ in range(5):
            backoff.failed(OperationalError("gone"))
        backoff.succeeded()
        backoff.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "database unavailable" in messages[0]
    assert "reachable again after 5 retries" in messages[1]


def test_attempt_turns_a_connection_error_into_a_delay_and_lets_bugs_through():
    backoff = Backoff("test")

    def lost() -> None:
        raise OperationalError("terminating connection due to administrator command")

    assert attempt(lost, backoff, fresh=False) == (False, None, 1.0)
    assert attempt(lambda: 42, backoff, fresh=False) == (True, 42, 0.0)
    with pytest.raises(ZeroDivisionError):
        attempt(lambda: 1 / 0, backoff, fresh=False)


def test_retry_runs_a_step_again_after_a_lost_connection(monkeypatch):
    monkeypatch.setattr(dbretry, "drop_connections", lambda: None)
    answers: list[object] = [OperationalError("the connection is lost"), "saved"]
    sleeps: list[float] = []

    def step() -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert retry(step, "save", sleep=sleeps.append) == "saved"
    assert sleeps == [0.5]


def test_retry_gives_up_after_its_time_and_lets_bugs_through_at_once(monkeypatch):
    monkeypatch.setattr(dbretry, "drop_connections", lambda: None)
    sleeps: list[float] = []

    def lost() -> None:
        raise OperationalError("the connection is lost")

    with pytest.raises(OperationalError):
        retry(lost, "save", give_up_after=4.0, sleep=sleeps.append)
    assert sleeps == [0.5, 1.0, 2.0]  # the next wait (4 s) would pass the 4 s allowed
    with pytest.raises(ZeroDivisionError):
        retry(lambda: 1 / 0, "save", sleep=sleeps.append)
    assert len(sleeps) == 3


def test_rqworker_uses_the_database_aware_worker():
    assert settings.RQ["WORKER_CLASS"] == "assessments.scanning.workers.DatabaseAwareWorker"


def test_a_worker_takes_no_job_while_the_database_is_unreachable(monkeypatch):
    redis = fakeredis.FakeStrictRedis()
    queue = Queue("scans", connection=redis)
    queue.enqueue("builtins.print", "x")
    worker = workers.DatabaseAwareWorker([queue], connection=redis)
    checks = []

    def unreachable() -> Exception:
        checks.append(1)
        if len(checks) == 3:
            worker._stop_requested = True  # e.g. SIGTERM during the outage
        return OperationalError("connection refused")

    monkeypatch.setattr(workers, "database_error", unreachable)
    monkeypatch.setattr(dbretry.Backoff, "failed", lambda self, exc: 0.01)
    assert worker.dequeue_job_and_maintain_ttl(timeout=1) is None
    assert len(checks) == 3
    assert queue.count == 1  # the job waits in the queue instead of failing

    monkeypatch.setattr(workers, "database_error", lambda: None)
    worker._stop_requested = False
    job, _queue = worker.dequeue_job_and_maintain_ttl(timeout=1)
    assert job.func_name == "builtins.print"


def test_database_connections_are_health_checked():
    # Without it a connection the server killed is found dead only by the query that fails.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_scan_wait_progress_keeps_its_last_line_while_the_database_is_away(monkeypatch):
    import io

    from assessments.management.commands import scan as scan_command

    out = io.StringIO()
    progress = scan_command.ProgressPrinter(1, out, interactive=False)
    done = {"done": 1, "failed": 0, "cancelled": 0, "total": 2, "running": 1, "queued": 0}
    monkeypatch.setattr(scan_command, "scan_progress", lambda scan_id: done)
    progress._show()

    def lost(scan_id: int) -> dict[str, int]:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(scan_command, "scan_progress", lost)
    progress._show()  # no traceback: the progress thread and the final line go on
    assert out.getvalue().count("\n") == 1
