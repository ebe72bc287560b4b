"""The offline collectors: the Linux one run for real on this machine, the Windows one read."""

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.captures import read_capture
from assessments.engine import assess
from assessments.probes import LINUX, WINDOWS
from assessments.probes.base import Probe
from assessments.probes.offline import (
    build_linux_collector,
    build_windows_collector,
    collector_script,
)
from tests.conftest import missing_service

# The two whole-file-system scans take seconds; test_script.py covers the runner they share.
FAST = [p for p in LINUX.values() if p.id not in {"getfattr", "license_scan"}]
DISK_TYPES = {"ext2", "ext3", "ext4", "xfs", "btrfs", "reiserfs", "jfs", "zfs", "f2fs"}
HOST_BRIDGES = ("docker", "virbr", "lxcbr", "lxdbr", "cni", "flannel", "podman", "veth")


def collect(script: str, out_dir: Path, prefix: list[str] | None = None) -> Path:
    """Run the collector with /bin/sh; the path of the .tar.gz it announces."""
    path = out_dir / "p2c-collect-linux.sh"
    path.write_text(script)
    path.chmod(0o644)
    result = subprocess.run(
        [*(prefix or []), "/bin/sh", str(path), str(out_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=out_dir,
    )
    assert result.returncode == 0, result.stderr
    written = re.search(r"capture written to (\S+\.tar\.gz)", result.stdout)
    assert written, result.stdout
    return Path(written.group(1))


def local_mounts() -> set[str]:
    """Mount points of disk-backed file systems in /proc/mounts, bind mounts left out."""
    binds = set()
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[3] != "/":
            binds.add(fields[4])
    mounts = set()
    for line in Path("/proc/mounts").read_text().splitlines():
        source, target, fstype = line.split()[:3]
        if source.startswith("/dev/") and fstype in DISK_TYPES and target not in binds:
            mounts.add(target)
    return mounts


def global_addresses() -> set[str]:
    text = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True).stdout
    found = set()
    for line in text.splitlines():
        name, address = line.split()[1], line.split()[3].split("/")[0]
        if "scope global" in line and not name.startswith(HOST_BRIDGES):
            found.add(address)
    return found


def assert_matches_this_machine(archive: Path) -> None:
    capture = read_capture(archive)
    assert capture.manifest["format"] == 1 and capture.os_family == "linux"
    assert capture.hostname == re.sub(r"[^A-Za-z0-9._-]", "", os.uname().nodename)
    assert set(capture.probes) == {p.id for p in FAST}
    findings = {f.check: f for f in assess(capture.facts()).findings}
    listed = re.findall(r"^(/\S*) \(", findings["filesystems.local_count"].evidence, re.M)
    assert set(listed) == local_mounts()
    venet = findings["ip_addresses.venet"]
    for address in global_addresses():
        assert address in venet.evidence


def test_it_writes_a_capture_that_matches_this_machine(tmp_path):
    if not shutil.which("ip"):
        missing_service("iproute2 (ip) is needed to compare addresses")
    assert_matches_this_machine(collect(build_linux_collector(FAST), tmp_path))


def test_it_writes_a_matching_capture_as_an_unprivileged_user():
    runuser = shutil.which("runuser")
    if os.geteuid() != 0 or not runuser or not shutil.which("ip"):
        missing_service("an unprivileged run needs root, runuser and ip")
    out_dir = Path(tempfile.mkdtemp(prefix="p2c-offline-"))
    try:
        out_dir.chmod(0o777)
        archive = collect(build_linux_collector(FAST), out_dir, [runuser, "-u", "nobody", "--"])
        assert archive.stat().st_uid == 65534
        assert_matches_this_machine(archive)
    finally:
        shutil.rmtree(out_dir)


def test_it_leaves_the_capture_directory_next_to_the_archive(tmp_path):
    archive = collect(build_linux_collector(FAST[:3]), tmp_path)
    folder = archive.with_name(archive.name.removesuffix(".tar.gz"))
    assert read_capture(folder).probes == read_capture(archive).probes
    assert not (folder / ".p2c-tmp").exists()


def test_it_lists_timed_out_and_cut_probes_in_the_manifest(tmp_path):
    probes = [
        Probe("slow", "linux", "echo partial; sleep 30", "slow", timeout=1),
        Probe("big", "linux", "yes | head -c 5000", "big"),
        Probe("uname", "linux", "uname -a", "uname -a"),
    ]
    capture = read_capture(collect(build_linux_collector(probes, max_stdout=1000), tmp_path))
    assert capture.manifest["truncated"] == ["slow", "big"]
    assert capture.probes["slow"].rc == 124 and capture.probes["slow"].truncated
    assert len(capture.probes["big"].stdout) == 1000 and not capture.probes["uname"].truncated


def test_it_refuses_an_output_directory_it_cannot_write(tmp_path):
    script = tmp_path / "c.sh"
    script.write_text(build_linux_collector(FAST[:1]))
    result = subprocess.run(
        ["/bin/sh", str(script), str(tmp_path / "missing")], capture_output=True, text=True
    )
    assert result.returncode == 1 and "cannot write" in result.stderr


@pytest.mark.parametrize("shell", [("dash", "-n"), ("bash", "--posix", "-n")])
def test_the_linux_collector_is_valid_posix_sh(shell):
    _, script = collector_script("linux")
    result = subprocess.run(shell, input=script.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr


def test_the_windows_collector_uses_crlf_only():
    name, script = collector_script("windows")
    assert name.endswith(".cmd")
    assert script.count("\n") == script.count("\r\n") and script.endswith("\r\n")


def test_the_windows_collector_runs_every_windows_probe():
    _, script = collector_script("windows")
    for probe in WINDOWS.values():
        assert f'cmd /d /s /c "{probe.script}" < nul > "%P2C_DIR%\\{probe.id}.txt"' in script
        assert f'(echo %ERRORLEVEL%)> "%P2C_DIR%\\{probe.id}.rc"' in script
    assert max(len(line) for line in script.split("\r\n")) < 8191  # cmd.exe's line limit


def test_the_windows_collector_writes_a_json_manifest():
    _, script = collector_script("windows")
    line = next(x for x in script.split("\r\n") if "manifest.json" in x and "echo {" in x)
    text = line.removeprefix("(echo ").split(") >")[0]
    values = {"%COMPUTERNAME%": "W2K3", "%P2C_WHEN%": "2026-11-20T10:00:00"}
    manifest = json.loads(re.sub(r"%\w+%", lambda m: values[m.group(0)], text))
    assert manifest["format"] == 1 and manifest["os_family"] == "windows"


def test_the_windows_collector_refuses_a_multi_line_command():
    with pytest.raises(ValueError, match="one command line"):
        build_windows_collector([Probe("two", "windows", "ver\r\nset", "two")])


def test_it_has_no_collector_for_other_systems():
    with pytest.raises(ValueError):
        collector_script("solaris")


def test_the_command_prints_the_collectors():
    out = io.StringIO()
    call_command("collector_script", "windows", stdout=out)
    assert out.getvalue() == collector_script("windows")[1]


def test_the_command_writes_a_file_byte_for_byte(tmp_path):
    call_command(
        "collector_script", "windows", output=str(tmp_path / "c.cmd"), stderr=io.StringIO()
    )
    assert (tmp_path / "c.cmd").read_bytes() == collector_script("windows")[1].encode()
