"""`manage.py assess_capture`: captures built from the real samples of both families."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.checks import checks_for
from assessments.checks.base import RULESET_VERSION
from assessments.checks.restrictions import LINUX_RESTRICTIONS, WINDOWS_RESTRICTIONS
from assessments.management.commands.assess_capture import parse_size
from tests.conftest import sample_bytes

ROOT = Path(__file__).parent.parent.parent
CAPTURES = ROOT / "tests" / "captures"
LINUX = CAPTURES / "linux-debian6"
WINDOWS = CAPTURES / "windows-2003"
KEYS = {"hostname", "os_family", "verdict", "ruleset", "findings"}
# design.md's keys, extended with the mark of issue 12 (a class beyond the document).
FINDING_KEYS = {
    "restriction",
    "check",
    "severity",
    "title",
    "evidence",
    "remediation",
    "beyond_document",
}


def assess_json(path: Path, *args: str) -> dict:
    out = io.StringIO()
    call_command("assess_capture", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def assess_text(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("assess_capture", str(path), *args, stdout=out)
    return out.getvalue()


def by_check(result: dict) -> dict[str, dict]:
    return {finding["check"]: finding for finding in result["findings"]}


def windows_2008r2_zip(tmp_path: Path) -> Path:
    path = tmp_path / "w2k8r2.zip"
    with zipfile.ZipFile(path, "w") as archive:
        folder = "p2c-capture-APP1-20261120-100000/"
        archive.writestr(
            folder + "wmic_os.txt", sample_bytes("windows-wmic-os-list-2008r2-crcrlf.txt")
        )
        archive.writestr(
            folder + "wmic_volume.txt",
            sample_bytes("windows-wmic-volume-list-win7-mountpoint-utf16le.txt"),
        )
        archive.writestr(folder + "wmic_os.rc", "0\r\n")
    return path


def test_it_prints_exactly_the_json_of_design_md():
    result = assess_json(LINUX)
    assert set(result) == KEYS
    assert all(set(finding) == FINDING_KEYS for finding in result["findings"])
    assert (result["hostname"], result["os_family"]) == ("deb6-files", "linux")
    assert result["ruleset"] == RULESET_VERSION
    marks = {f["restriction"]: f["beyond_document"] for f in result["findings"]}
    assert marks["filesystems"] is False and marks["kernel"] is True


def test_it_judges_what_a_partial_linux_capture_holds_and_marks_the_rest_unknown():
    result = assess_json(LINUX)
    findings = by_check(result)
    assert set(findings) == {check.id for check in checks_for("linux")}
    assert {f["restriction"] for f in result["findings"]} <= set(LINUX_RESTRICTIONS)
    assert findings["filesystems.local_count"]["severity"] == "warning"
    assert "/home" in findings["filesystems.local_count"]["title"]
    assert findings["xattrs.scan"]["severity"] == "unknown"
    assert result["verdict"] in ("unknown", "not_ready")


def test_it_judges_a_zipped_windows_capture(tmp_path):
    result = assess_json(windows_2008r2_zip(tmp_path))
    assert (result["hostname"], result["os_family"]) == ("APP1", "windows")
    assert {f["restriction"] for f in result["findings"]} <= set(WINDOWS_RESTRICTIONS)
    assert "2008 R2" in by_check(result)["os_version.generation"]["title"]
    assert by_check(result)["qos.scheduler"]["severity"] == "unknown"


def test_it_compares_with_a_destination_given_on_the_command_line():
    wrong = by_check(assess_json(WINDOWS, "--target-version", "2008r2", "--target-arch", "x64"))
    right = by_check(assess_json(WINDOWS, "--target-version", "2003", "--target-arch", "x86"))
    assert wrong["os_version.generation"]["severity"] == "blocker"
    assert wrong["architecture.bitness"]["severity"] == "blocker"
    assert right["os_version.generation"]["severity"] == "pass"
    assert right["architecture.bitness"]["severity"] == "pass"


def test_it_groups_findings_by_restriction_with_severity_words():
    text = assess_text(LINUX)
    assert "Verdict: " in text and "Host:    deb6-files (linux)" in text
    assert text.index("== filesystems") < text.index("== ip_addresses") < text.index("== xattrs")
    assert "  WARNING  7 local file systems" in text
    assert "\n           $ cat /proc/mounts" in text


@pytest.mark.parametrize(
    ("text", "size"), [("1024", 1024), ("500G", 500 * 1024**3), ("1.5T", int(1.5 * 1024**4))]
)
def test_it_reads_destination_sizes(text, size):
    assert parse_size(text) == size


def test_it_refuses_a_bad_destination_size():
    with pytest.raises(CommandError) as caught:
        call_command("assess_capture", str(LINUX), "--target-free", "lots")
    assert caught.value.returncode == 2


def test_it_refuses_a_hostile_capture_with_exit_status_2(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.txt", "x")
    with pytest.raises(CommandError, match="leaving its folder") as caught:
        call_command("assess_capture", str(path))
    assert caught.value.returncode == 2


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=60,
    )


def test_it_needs_no_database():
    result = run_manage(
        "assess_capture", str(WINDOWS), "--json", DATABASE_URL="postgres://x@127.0.0.1:1/none"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hostname"] == "GRANNY"


def test_it_reports_a_bad_capture_on_stderr_without_a_traceback(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = run_manage("assess_capture", str(junk))
    assert result.returncode == 2
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_it_keeps_notes_out_of_the_json(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "proc_mounts.txt").write_bytes(
        sample_bytes("linux-proc-mounts-rhel7-xfs-noquota.txt")
    )
    (folder / "proc_mounts.rc").write_text("zero")
    out, err = io.StringIO(), io.StringIO()
    call_command("assess_capture", str(folder), "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["os_family"] == "linux"
    assert "proc_mounts.rc does not hold an exit code" in err.getvalue()


def test_it_compares_the_data_with_the_free_space_given():
    small = by_check(assess_json(LINUX, "--target-os", "linux", "--target-free", "10G"))
    large = by_check(assess_json(LINUX, "--target-os", "linux", "--target-free", "2T"))
    assert small["filesystems.capacity"]["severity"] == "blocker"
    assert large["filesystems.capacity"]["severity"] in ("pass", "info")
