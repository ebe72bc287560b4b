"""`import_capture`: an offline capture stored exactly as if the host had been scanned."""

import json

import pytest
from django.core.management import CommandError, call_command

from assessments.captures import capture_to_targz
from assessments.facts import ProbeOutput
from assessments.models import HostScan, Scan
from assessments.scanning.results import ImportCaptureError, import_capture
from tests.assessments.scan_helpers import RAW_BOUND, make_host
from tests.conftest import sample_bytes

pytestmark = pytest.mark.django_db


def capture_dir(tmp_path, hostname="db1", **probes: bytes):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": 1, "os_family": "linux", "hostname": hostname})
    )
    for probe, data in (probes or {"raw": RAW_BOUND}).items():
        (tmp_path / f"{probe}.txt").write_bytes(data)
    return tmp_path


def test_it_stores_a_capture_as_the_hosts_latest_scan(tmp_path, capsys):
    host = make_host("db1", os_family="unknown")
    call_command("import_capture", str(capture_dir(tmp_path)))
    host.refresh_from_db()
    hs = host.latest_scan
    assert (hs.status, hs.transport, hs.scan.trigger, hs.scan.status) == (
        "done",
        "capture",
        "capture",
        "finished",
    )
    assert (host.verdict, host.os_family) == ("not_ready", "linux")
    assert hs.capture.size > 0
    assert "Not ready" in capsys.readouterr().out


def test_it_takes_the_host_from_the_option_over_the_manifest(tmp_path):
    make_host("other")
    call_command("import_capture", str(capture_dir(tmp_path, hostname="db1")), host="other")
    assert HostScan.objects.get().host.name == "other"


def test_it_reads_real_samples_from_a_tar_gz(tmp_path):
    host = make_host("srv")
    mounts = sample_bytes("linux-proc-mounts-rhel7-xfs-noquota.txt")
    archive = capture_to_targz("linux", "srv", {"proc_mounts": ProbeOutput(mounts)})
    hs = import_capture(host, archive)
    assert hs.findings.filter(restriction="filesystems").exists()


def test_it_refuses_an_unknown_host_and_stores_nothing(tmp_path):
    with pytest.raises(CommandError, match="no host named 'db1'"):
        call_command("import_capture", str(capture_dir(tmp_path)))
    assert not Scan.objects.exists()


def test_it_refuses_a_bad_capture_and_stores_nothing(tmp_path):
    make_host("db1")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x00not a capture at all" * 10)
    with pytest.raises(CommandError, match="not a usable capture"):
        call_command("import_capture", str(junk), host="db1")
    with pytest.raises(ImportCaptureError):
        import_capture(None, b"")
    assert not Scan.objects.exists()
