"""The probes of the restrictions beyond the document B1-B5: contract ids, real runs on this
machine, and the helpers that keep exit statuses, cap output and never load modules."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from assessments.facts import Facts, ProbeOutput, Unavailable
from assessments.parsers.linux.block import parse_dmsetup
from assessments.parsers.linux.kernel import parse_cmdline
from assessments.parsers.linux.modules import (
    parse_proc_modules,
    parse_tainted,
)
from assessments.parsers.linux.netfilter import parse_iptables_save
from assessments.probes import LINUX
from assessments.probes.linux import MODULES_CONFIG, NTP_CONFIG, _capped, _framed, _netfilter_save
from tests.conftest import missing_service

B1_B5 = {
    "proc_modules": "cat /proc/modules",
    "kernel_tainted": "cat /proc/sys/kernel/tainted",
    "proc_cmdline": "cat /proc/cmdline",
    "modules_config": None,
    "exports": "cat /etc/exports",
    "exportfs": "exportfs -v",
    "proc_drbd": "cat /proc/drbd",
    "ip_vs": "cat /proc/net/ip_vs",
    "mdstat": "cat /proc/mdstat",
    "dmsetup": "dmsetup ls",
    "lvs": None,
    "multipath": "multipath -ll",
    "iptables_save": "iptables-save",
    "ip6tables_save": "ip6tables-save",
    "nft_ruleset": "nft list ruleset",
    "ntp_config": None,
}
SHELL = shutil.which("dash") or "/bin/sh"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def run(script: str, path: str = PATH, prefix: list[str] | None = None) -> ProbeOutput:
    done = subprocess.run(
        [*(prefix or []), SHELL, "-c", script],
        capture_output=True,
        env={"LC_ALL": "C", "PATH": path},
        timeout=60,
    )
    return ProbeOutput(done.stdout, done.stderr, done.returncode)


def fake_tool(tmp_path: Path, name: str, body: str) -> Path:
    tool = tmp_path / name
    tool.write_text(f"#!/bin/sh\n{body}\n")
    tool.chmod(0o755)
    return tool


@pytest.mark.parametrize("probe_id", sorted(B1_B5))
def test_it_has_the_probe_ids_of_the_design(probe_id):
    probe = LINUX[probe_id]
    assert B1_B5[probe_id] in (None, probe.label)


def test_the_module_probes_run_on_this_machine():
    facts = Facts("linux", {p: run(LINUX[p].script) for p in ("proc_modules", "kernel_tainted")})
    modules = facts.parsed("proc_modules", parse_proc_modules)
    # A kernel without loadable modules has no /proc/modules: absent, not failed.
    assert not isinstance(modules, Unavailable) or facts.absent("proc_modules")
    assert isinstance(facts.parsed("kernel_tainted", parse_tainted).value, int)


def test_the_command_line_and_dmsetup_probes_parse_here():
    assert parse_cmdline(run(LINUX["proc_cmdline"].script)) is not None
    out = run(LINUX["dmsetup"].script)
    assert out.rc in (0, 127) and (out.rc == 127 or isinstance(parse_dmsetup(out), list))


def test_capped_keeps_the_exit_status_and_marks_a_cut(tmp_path):
    fake_tool(tmp_path, "lister", 'for i in 1 2 3 4 5 6 7; do echo "line $i"; done; exit 3')
    out = run(_capped("lister", limit=5), path=f"{tmp_path}:{PATH}")
    assert out.rc == 3
    assert out.stdout.decode().split("\n")[-2:] == ["# p2c: output cut after 5 lines", ""]
    assert b"line 5\n" in out.stdout and b"line 6" not in out.stdout


def test_capped_keeps_a_last_line_without_newline(tmp_path):
    fake_tool(tmp_path, "lister", "printf 'one\\ntwo'")
    out = run(_capped("lister"), path=f"{tmp_path}:{PATH}")
    assert (out.stdout, out.rc) == (b"one\ntwo\n", 0)


def test_iptables_save_is_not_run_while_its_table_module_is_not_loaded(tmp_path):
    ran = tmp_path / "ran"
    fake_tool(tmp_path, "iptables-save", f"touch {ran}; echo '*filter'")
    fake_tool(tmp_path, "iptables", "echo 'iptables v1.8.7 (nf_tables)'")
    if Path("/sys/module/nf_tables").exists():
        pytest.skip("nf_tables is loaded on this machine")
    script = _netfilter_save("iptables-save", "iptables", "/proc/net/ip_tables_names")
    out = run(script, path=f"{tmp_path}:{PATH}")
    assert (out.stdout, out.rc, ran.exists()) == (b"", 0, False)


def test_iptables_save_runs_once_its_tables_are_loaded(tmp_path):
    fake_tool(tmp_path, "iptables-save", "printf '*filter\\n:INPUT ACCEPT [0:0]\\nCOMMIT\\n'")
    fake_tool(tmp_path, "iptables", "echo 'iptables v1.4.7'")
    script = _netfilter_save("iptables-save", "iptables", str(tmp_path))  # "loaded"
    save = parse_iptables_save(run(script, path=f"{tmp_path}:{PATH}"))
    assert [t.name for t in save.tables] == ["filter"]


def test_a_missing_iptables_save_exits_127():
    script = _netfilter_save("p2c-no-such-save", "p2c-no-such", "/proc/net/ip_tables_names")
    assert run(script).rc == 127


def test_the_module_configuration_is_framed(tmp_path):
    (tmp_path / "modules-load.d").mkdir()
    (tmp_path / "modules-load.d" / "zfs.conf").write_text("zfs\n")
    (tmp_path / "modules").write_text("loop\n")
    out = run(MODULES_CONFIG.replace("/etc/", f"{tmp_path}/"))
    assert out.stdout.decode() == (
        f"==> {tmp_path}/modules <==\nloop\n==> {tmp_path}/modules-load.d/zfs.conf <==\nzfs\n"
    )
    assert out.rc == 0


def test_an_unreadable_framed_file_fails_the_probe():
    if os.geteuid() != 0 or not shutil.which("runuser"):
        missing_service("reading as another user needs root and runuser")
    folder = Path(tempfile.mkdtemp(prefix="p2c-framed-"))
    try:
        folder.chmod(0o755)
        secret = folder / "chrony.conf"
        secret.write_text("allow all\n")
        secret.chmod(0o600)
        out = run(_framed(str(secret)), prefix=["runuser", "-u", "nobody", "--"])
    finally:
        shutil.rmtree(folder)
    assert out.rc == 1 and b"Permission denied" in out.stderr


def test_the_time_configuration_includes_chrony_drop_in_directories(tmp_path):
    conf_d = tmp_path / "chrony" / "conf.d"
    conf_d.mkdir(parents=True)
    (tmp_path / "chrony" / "chrony.conf").write_text("confdir /etc/chrony/conf.d\n")
    (conf_d / "10-lab-ntp-server.conf").write_text("allow 10.0.0.0/8\n")
    out = run(NTP_CONFIG.replace("/etc/", f"{tmp_path}/"))
    assert out.stdout.decode() == (
        f"==> {tmp_path}/chrony/chrony.conf <==\nconfdir /etc/chrony/conf.d\n"
        f"==> {tmp_path}/chrony/conf.d/10-lab-ntp-server.conf <==\nallow 10.0.0.0/8\n"
    )
    assert out.rc == 0
