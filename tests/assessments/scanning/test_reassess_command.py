"""`manage.py reassess`: scan's selections, --wait with the embedded queue, --json, failures."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Scan
from fleet.models import Host, TargetNode
from tests.assessments.scan_helpers import captured_host, make_host
from tests.builders import make_scan_result


def run_reassess(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("reassess", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def reassess_exiting(*args: str) -> tuple[int | str | None, str]:
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("reassess", *args, stdout=out, stderr=StringIO())
    return exit_.value.code, out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_waits_and_prints_the_summary_as_scan_does(embedded):
    captured_host("deb6")
    node = TargetNode.objects.create(name="vz-2008", os_family="windows", windows_version="2008")
    captured_host("w2003", capture="windows-2003", os_family="windows", target=node)
    make_host("bare")
    out, _ = run_reassess("--all", "--wait", "--json")
    summary = json.loads(out)
    scan = Scan.objects.get(trigger="reassess")
    assert set(summary) == {"scan", "hosts", "completed", "failed", "verdicts", "seconds"}
    assert (summary["scan"], summary["hosts"], summary["completed"], summary["failed"]) == (
        scan.pk,
        3,
        2,
        1,
    )
    assert summary["verdicts"] == {"not_ready": 1, "unknown": 2}
    assert scan.status == "finished"


@pytest.mark.django_db(transaction=True)
def test_it_fails_a_host_without_a_capture_and_leaves_its_verdict(embedded):
    host = make_host("bare")
    kept = make_scan_result(host, [("raw_devices", "raw_devices.bindings", "blocker")])
    code, out = reassess_exiting("--host", "bare", "--wait", "--json")
    assert code == 1  # none of its hosts could be re-assessed, as `scan` says
    assert (json.loads(out)["failed"], json.loads(out)["completed"]) == (1, 0)
    host = Host.objects.get(pk=host.pk)
    assert (host.latest_scan_id, host.verdict) == (kept.pk, "not_ready")


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_finished_reassessment_on_stdout(embedded):
    captured_host("deb6")
    make_host("bare")
    out, _ = run_reassess("--all", "--wait")
    assert "1 of 2 hosts re-assessed, 1 failed" in out
    assert "bare: No stored capture: This host has no stored capture" in out


@pytest.mark.django_db
def test_it_only_queues_the_reassessment_without_wait(embedded):
    captured_host("deb6")
    out, _ = run_reassess("--host", "deb6")
    scan = Scan.objects.get(trigger="reassess")
    assert f"Re-assessment #{scan.pk} of host deb6 queued." in out
    assert scan.host_scans.get().status == "queued"


@pytest.mark.django_db
def test_it_refuses_unknown_names_and_an_empty_choice(embedded):
    with pytest.raises(CommandError, match="no such host: nope"):
        run_reassess("--host", "nope")
    with pytest.raises(CommandError, match="no such group: ghosts"):
        run_reassess("--group", "ghosts")
    with pytest.raises(CommandError, match="choose what to re-assess"):
        run_reassess()
    assert not Scan.objects.exists()
