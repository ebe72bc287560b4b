"""The Linux probe fragments: contract ids, POSIX syntax, and real runs on this machine."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assessments.facts import ProbeOutput
from assessments.parsers.linux.df import parse_df
from assessments.parsers.linux.licenses import parse_license_scan
from assessments.parsers.linux.mounts import Kind, parse_mountinfo, parse_proc_mounts
from assessments.parsers.linux.xattrs import parse_getfattr
from assessments.probes.linux import GETFATTR, LICENSE_SCAN, PROBES, _tool

DESIGN_IDS = {
    "proc_mounts",
    "mountinfo",
    "df",
    "ip_addr",
    "ifconfig",
    "sestatus",
    "getenforce",
    "selinux_config",
    "quotaon",
    "raw",
    "getfattr",
    "os_release",
    "uname",
}
BY_ID = {probe.id: probe for probe in PROBES}
SLOW = {"getfattr", "license_scan"}
SHELL = shutil.which("dash") or "/bin/sh"
ENV = {"LC_ALL": "C", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


def run(script: str) -> ProbeOutput:
    done = subprocess.run([SHELL, "-c", script], capture_output=True, env=ENV, timeout=60)
    return ProbeOutput(done.stdout, done.stderr, done.returncode)


def test_it_keeps_every_probe_id_of_the_design():
    assert DESIGN_IDS <= set(BY_ID)
    assert len(BY_ID) == len(PROBES)
    assert all(probe.os_family == "linux" and probe.label for probe in PROBES)


@pytest.mark.parametrize("probe", PROBES, ids=lambda probe: probe.id)
def test_every_fragment_is_valid_posix_sh(probe):
    assert subprocess.run([SHELL, "-n", "-c", probe.script]).returncode == 0


@pytest.mark.parametrize(
    "probe", [p for p in PROBES if p.id not in SLOW], ids=lambda probe: probe.id
)
def test_no_fragment_ends_the_collectors_script(probe):
    wrapped = f"{{\n{probe.script}\n}} >/dev/null 2>&1; echo still-running"
    assert run(wrapped).stdout.strip().endswith(b"still-running")


def test_a_missing_tool_exits_127():
    result = run(_tool("p2c-no-such-tool", "p2c-no-such-tool -a"))
    assert result.rc == 127
    assert b"command not found" in result.stderr


def test_the_mount_probes_parse_on_this_machine():
    mounts = parse_proc_mounts(run(BY_ID["proc_mounts"].script))
    assert "/" in {m.target for m in mounts}
    if Path("/proc/self/mountinfo").exists():
        info = parse_mountinfo(run(BY_ID["mountinfo"].script))
        assert any(m.target == "/" for m in info)
    assert parse_df(run(BY_ID["df"].script))


def test_the_mount_probes_see_a_local_root():
    mounts = parse_proc_mounts(run(BY_ID["proc_mounts"].script))
    root = next(m for m in mounts if m.target == "/")
    assert root.kind in (Kind.LOCAL, Kind.PSEUDO, Kind.OVERLAY)


def _xattr_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tagged").write_text("x")
    try:
        os.setxattr(data / "tagged", "user.p2c", b"1")
    except OSError:
        pytest.skip("this file system has no user xattrs")
    for n in range(3):
        os.setxattr(data, f"user.extra{n}", b"1")
    return data


def _getfattr_over(tmp_path: Path, data: Path, limit: int = 20000) -> ProbeOutput:
    if shutil.which("getfattr") is None:
        pytest.skip("getfattr (attr) is not installed")
    fake_mounts = tmp_path / "mounts"
    fake_mounts.write_text(f"/dev/sdz1 {data} ext4 rw 0 0\n")
    script = GETFATTR.replace("/proc/mounts", str(fake_mounts)).replace("max=20000", f"max={limit}")
    return run(script)


def test_the_xattr_scan_finds_user_attributes_and_skips_nothing_else(tmp_path):
    data = _xattr_dir(tmp_path)
    scan = parse_getfattr(_getfattr_over(tmp_path, data))
    assert scan.scanned == [str(data)]
    assert (str(data / "tagged"), ("user.p2c",)) in {(f.path, f.names) for f in scan.files}
    assert not scan.incomplete


def test_the_xattr_scan_says_when_it_stops_at_its_line_limit(tmp_path):
    data = _xattr_dir(tmp_path)
    scan = parse_getfattr(_getfattr_over(tmp_path, data, limit=3))
    assert scan.incomplete == "stopped after 3 lines"


def test_the_license_scan_finds_a_local_mac_in_a_license_file(tmp_path):
    macs = [p.read_text().strip() for p in Path("/sys/class/net").glob("*/address")]
    mac = next((m for m in macs if len(m) == 17 and m != "00:00:00:00:00:00"), None)
    if mac is None:
        pytest.skip("no Ethernet interface on this machine")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "license.dat").write_text(f"SERVER thishost {mac.replace(':', '')} 27000\n")
    (etc / "ifcfg-eth0").write_text(f"HWADDR={mac.upper()}\n")
    script = LICENSE_SCAN.replace(
        "/opt /usr/local /etc /srv /home /root /var/lib /usr/flexlm", str(etc)
    ).replace(" /etc 2>/dev/null", f" {etc} 2>/dev/null")
    scan = parse_license_scan(run(script))
    found = {Path(f.path).name: list(f.macs) for f in scan.files}
    bare = mac.replace(":", "")
    assert found == {"license.dat": [bare], "ifcfg-eth0": [bare]}


def test_the_license_scan_finds_the_dmi_uuid_in_either_smbios_byte_order(tmp_path):
    # A Dell PowerEdge 1950's UUID as an SMBIOS 2.5 kernel prints it
    # (tests/samples/linux-dmidecode-t-system-dell-collection.txt block 3), named by a
    # configuration file in the byte order newer dmidecode and kernels print.
    dmi = tmp_path / "dmi"
    dmi.mkdir()
    (dmi / "product_uuid").write_text("44454C4C-3400-1036-805A-C4C04F4D4631\n")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "app.conf").write_text("node_id = 4c4c4544-0034-3610-805a-c4c04f4d4631\n")
    script = (
        LICENSE_SCAN.replace("/opt /usr/local /etc /srv /home /root /var/lib /usr/flexlm", str(etc))
        .replace(" /etc 2>/dev/null", f" {etc} 2>/dev/null")
        .replace("/sys/class/dmi/id/", f"{dmi}/")
    )
    scan = parse_license_scan(run(script))
    assert [Path(f.path).name for f in scan.files] == ["app.conf"]
