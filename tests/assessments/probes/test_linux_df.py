"""The df fragments: one unreadable mount point does not fail the whole listing."""

import os
import subprocess
from pathlib import Path

from assessments.checks.filesystems import DestinationCapacity
from assessments.facts import Destination, ProbeOutput
from assessments.parsers.linux.df import parse_df
from assessments.probes.linux import PROBES
from assessments.probes.outcomes import State, judge
from tests.assessments.parsers.linux.samples import facts, text
from tests.conftest import sample_bytes

BY_ID = {probe.id: probe for probe in PROBES}
# Real messages of df for mount points it may not read (devstack's exit log, 2015).
ERRORS = sample_bytes("linux-df-stderr-unreadable-mount-points-devstack.txt").decode()
ROWS = (
    "Filesystem     1024-blocks    Used Available Capacity Mounted on\n"
    "/dev/sda1        41152736 9876543  29163029      26% /\n"
)


def fake_df(tmp_path: Path, stdout: str, stderr: str, rc: int) -> dict[str, str]:
    (tmp_path / "out").write_text(stdout)
    (tmp_path / "err").write_text(stderr)
    script = tmp_path / "df"
    script.write_text(f"#!/bin/sh\ncat {tmp_path}/out\ncat {tmp_path}/err >&2\nexit {rc}\n")
    script.chmod(0o755)
    return {"LC_ALL": "C", "PATH": f"{tmp_path}:{os.environ['PATH']}"}


def run_df(tmp_path: Path, stdout: str, stderr: str, rc: int) -> ProbeOutput:
    env = fake_df(tmp_path, stdout, stderr, rc)
    done = subprocess.run(["sh", "-c", BY_ID["df"].script], capture_output=True, env=env)
    return ProbeOutput(done.stdout, done.stderr, done.returncode)


def test_mount_points_df_cannot_read_leave_a_usable_listing(tmp_path):
    result = run_df(tmp_path, ROWS, ERRORS, 1)
    assert result.rc == 0
    assert judge(BY_ID["df"], result).state == State.USABLE
    assert b"# p2c: df: '/run/user/1000/gvfs': Permission denied" in result.stdout
    assert [row.target for row in parse_df(result)] == ["/"]


def test_a_df_that_printed_no_listing_keeps_its_exit_status(tmp_path):
    result = run_df(tmp_path, "", "df: cannot read table of mounted file systems\n", 1)
    assert result.rc == 1
    assert judge(BY_ID["df"], result).state == State.FAILED


def test_a_local_file_system_df_could_not_read_makes_the_fit_unknown(tmp_path):
    unreadable = "df: '/data': Permission denied\n"
    result = run_df(tmp_path, ROWS, unreadable, 1)
    mounts = text("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /data ext4 rw 0 0\n")
    node = Destination("node1", "linux", free_bytes=100 * 1024**3)
    (finding,) = DestinationCapacity().evaluate(facts(node, proc_mounts=mounts, df=result))
    assert finding.severity == "unknown" and "/data" in finding.title
