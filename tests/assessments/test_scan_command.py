"""`manage.py scan`: selections, --wait with the embedded queue, --json, exit status."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from assessments.management.commands import scan as scan_command
from assessments.models import Scan
from tests.assessments.scan_helpers import FakeCollector, install_fake_collector, make_host


@pytest.fixture
def fake_collect(monkeypatch) -> FakeCollector:
    return install_fake_collector(monkeypatch)


def run_scan(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("scan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_waits_and_prints_the_summary_as_json(embedded, fake_collect):
    make_host("web1")
    make_host("web2")
    fake_collect.on("web2", CollectError(ErrorClass.REFUSED, "refused"))
    out, _ = run_scan("--all", "--wait", "--json")
    summary = json.loads(out)
    assert summary["scan"] == Scan.objects.get().pk
    assert (summary["hosts"], summary["completed"], summary["failed"]) == (2, 1, 1)
    assert summary["verdicts"] == {"not_ready": 1, "unknown": 1}
    assert summary["seconds"] >= 0


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_when_no_host_could_be_scanned(embedded, fake_collect):
    make_host("web1", groups=("web",))
    make_host("db1")
    fake_collect.on("web1", CollectError(ErrorClass.AUTH_FAILED, "password rejected"))
    with pytest.raises(SystemExit) as exit_:
        run_scan("--group", "web", "--wait")
    assert exit_.value.code == 1
    assert fake_collect.calls == ["web1"]


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_finished_scan_on_stdout(embedded, fake_collect):
    make_host("web1")
    out, err = run_scan("--host", "web1", "--wait")
    assert "1 of 1 hosts scanned, 0 failed" in out
    assert "Not ready" not in err and "1/1 hosts" in err


@pytest.mark.django_db
def test_it_only_queues_the_scan_without_wait(embedded, fake_collect):
    make_host("web1")
    out, _ = run_scan("--all")
    assert "queued" in out
    assert fake_collect.calls == []


@pytest.mark.django_db
def test_it_refuses_unknown_groups_and_an_empty_choice(embedded):
    with pytest.raises(CommandError, match="no such group: nope"):
        run_scan("--group", "nope")
    with pytest.raises(CommandError, match="choose what to scan"):
        run_scan()
    with pytest.raises(CommandError, match="cannot be combined"):
        run_scan("--all", "--host", "x")


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_when_nothing_is_selected(embedded):
    make_host("off", enabled=False)
    with pytest.raises(SystemExit):
        run_scan("--all", "--wait")


def test_it_draws_a_bar_on_a_terminal_and_plain_lines_otherwise():
    progress = {"total": 4, "queued": 1, "running": 1, "done": 1, "failed": 1, "cancelled": 0}
    assert scan_command.progress_line(progress, bar=True).startswith("[" + "#" * 15 + ".")
    assert scan_command.progress_line(progress, bar=False).startswith("2/4 hosts")


@pytest.mark.django_db(transaction=True)
def test_it_says_queue_unavailable_when_redis_is_down(redis_down):
    make_host("web1")
    with pytest.raises(CommandError, match="queue unavailable") as raised:
        run_scan("--host", "web1")
    assert "Connection refused" in str(raised.value) or "Error" in str(raised.value)
    assert Scan.objects.get().status == "queued"  # saved: recovery enqueues it later


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_with_a_clear_error_on_the_configured_redis(settings, capsys):
    """The real path: REDIS_URL and RQ_QUEUES point at a closed port, nothing patched."""
    from django.core.management import execute_from_command_line

    from tests.assessments.conftest import CLOSED_REDIS_URL

    settings.REDIS_URL = settings.REDIS_COMMAND_URL = CLOSED_REDIS_URL  # as settings derive it
    settings.RQ_QUEUES = {
        name: {"URL": CLOSED_REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in settings.QUEUE_NAMES
    }
    make_host("web1")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "scan", "--host", "web1"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Scan #" in err and "saved but not started: queue unavailable" in err
    assert "Traceback" not in err


@pytest.mark.django_db(transaction=True)  # the polls take fresh connections
def test_scan_wait_follows_the_scan_through_a_redis_outage(redis_down, monkeypatch, caplog):
    import logging

    scan = Scan.objects.create(status="running", selection={"all": True})
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:  # a worker finishes the scan meanwhile
            Scan.objects.filter(pk=scan.pk).update(status="finished")

    monkeypatch.setattr(scan_command, "RECOVER_EVERY", -1.0)  # recovery at every poll
    monkeypatch.setattr(scan_command.time, "sleep", sleep)
    with caplog.at_level(logging.WARNING):
        scan_command.wait_for_workers(scan, progress=None)  # type: ignore[arg-type]
    assert len(sleeps) == 3
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "queue (Redis) unavailable" in messages[0]
