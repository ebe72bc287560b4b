"""Real failure texts of old and odd servers, through the path a real probe output takes.

Each case prints one block of `tests/samples/linux-probe-failure-texts-collection.txt` (what
a host really printed) from a probe fragment inside the real framed probe script, with the
exit status the case gives, reads the transcript back with `parse_framed` and judges it
with the real probe's declaration. Then every check that reads the probe (with the probes
that collect the same fact another way failed alike) must say `unknown` (or a problem other
evidence proves), never `pass` or `info`, and its finding must quote what the host printed.
Noise that does not stop the command (sudo's `unable to resolve host` line, login-script
and MOTD lines, a modprobe warning) must leave a good output usable and its verdict as is.
"""

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessments.checks import REGISTRY
from assessments.checks.base import Check, Severity
from assessments.facts import Facts, ProbeOutput
from assessments.lab.profiles import profiles
from assessments.probes import LINUX
from assessments.probes.base import Probe
from assessments.probes.framing import parse_framed
from assessments.probes.outcomes import State, judge
from assessments.probes.script import build_linux_script
from tests.assessments.checks.test_fail_closed import failed_together
from tests.assessments.parsers.linux.samples import blocks

SAMPLE = "linux-probe-failure-texts-collection.txt"
TOKEN = "fa11ed0123456789"
TEXTS = blocks(SAMPLE)
CLEAN = profiles()["linux_clean"].probes


@dataclass(frozen=True)
class Case:
    block: int
    probe: str
    rc: int | None
    expect: State
    stream: str = "stderr"  # where the host printed the block: stderr, stdout, or "split"
    reason: str = ""  # words the judgement's reason must hold
    noise: bool = False  # printed next to the good output of the clean capture

    @property
    def id(self) -> str:
        noise = "-noise" if self.noise else ""
        return f"{self.block}-{self.probe}-rc{self.rc}-{self.stream}{noise}"

    def output(self) -> ProbeOutput:
        """What the host printed: the block on its stream (and the clean capture's stdout
        when the block is noise around a good output)."""
        text = TEXTS[self.block]
        good = CLEAN[self.probe].stdout if self.noise else b""
        if self.stream == "stdout":
            return ProbeOutput(text, b"", self.rc)
        if self.stream == "split":  # all but the last line on stdout: a crash after output
            head, _, last = text.rstrip(b"\n").rpartition(b"\n")
            return ProbeOutput(head + b"\n", last + b"\n", self.rc)
        return ProbeOutput(good, text, self.rc)


FAILED, ABSENT, USABLE = State.FAILED, State.ABSENT, State.USABLE
SUDO = "sudo needs a password"
CASES = [
    Case(0, "quotaon", 1, FAILED, reason="requiretty"),
    Case(1, "raw", 1, FAILED, reason=SUDO),
    Case(2, "lvs", 1, FAILED, reason=SUDO),
    Case(3, "dmsetup", 1, FAILED, reason=SUDO),
    # sudo's resolver warning: the command ran; its output and its benign outcome stand.
    Case(4, "iptables_save", 0, USABLE, noise=True),
    Case(5, "multipath", 0, USABLE, noise=True),
    Case(4, "raw", 0, USABLE, noise=True),
    Case(6, "ifconfig", 127, ABSENT),
    Case(6, "df", 127, FAILED, reason="command not found"),
    Case(7, "rsync", 127, ABSENT),
    Case(8, "ps", 1, FAILED),
    Case(9, "ip_addr", 127, FAILED, reason="command not found"),
    Case(10, "lvs", 127, FAILED, reason="command not found"),
    Case(11, "ifconfig", 127, FAILED),
    Case(11, "ifconfig", None, FAILED, stream="stdout"),  # an offline capture, no rc kept
    Case(12, "ip_xfrm", 255, FAILED),
    Case(12, "ip_xfrm", 0, FAILED),  # OpenWrt's ip-tiny says it and exits 0
    Case(13, "dmsetup", 1, FAILED, reason="permission denied"),
    Case(14, "iptables_save", 1, FAILED, reason="permission denied"),
    Case(15, "iptables_save", 4, FAILED, reason="permission denied"),
    Case(16, "proc_modules", 1, FAILED),  # not cat's own "No such file": not the benign case
    Case(17, "nft_ruleset", 1, FAILED),
    Case(17, "proc_cmdline", 0, USABLE, noise=True),
    Case(18, "multipath", 1, FAILED),
    Case(19, "fstab", 1, FAILED, reason="permission denied"),
    Case(19, "oracleasm", 0, FAILED, reason="permission denied"),  # ls masked by `true`
    Case(20, "exports", 126, FAILED, reason="permission denied"),
    Case(21, "selinux_config", 1, FAILED, reason="permission denied"),
    Case(22, "mdstat", 1, FAILED, reason="permission denied"),
    Case(23, "uname", 0, USABLE, noise=True),
    Case(24, "meminfo", 0, USABLE, noise=True),
    Case(25, "virt_markers", 0, FAILED),  # a fork failure inside a loop that ends in `true`
    Case(25, "ps", 254, FAILED),
    Case(26, "kernel_tainted", 1, FAILED),
    Case(27, "modules_config", 1, FAILED),
    Case(28, "oracleasm", 0, FAILED),
    Case(29, "os_release", 1, FAILED, stream="stdout"),
    Case(30, "lspci", 139, FAILED, stream="split"),
    # A bounded scan is read when cut by a limit, not when it crashed part-way.
    Case(30, "getfattr", 139, FAILED, stream="split"),
    Case(31, "ip_vs", 2, FAILED),
    Case(32, "ps", 1, FAILED),
    Case(32, "ps", None, FAILED, stream="stdout"),  # a capture taken with 2>&1
    Case(33, "ps", 1, FAILED),
    Case(33, "ps", None, FAILED, stream="stdout"),
    Case(34, "proc_drbd", 1, ABSENT),  # file absent = feature absent (the catalogue's case)
    Case(36, "lvs", 0, USABLE),  # warnings and "No volume groups found": no LV, not a failure
    # iptables-nft lists its own tables and says on stderr that legacy ones exist: incomplete.
    Case(37, "iptables_save", 0, FAILED, reason="legacy", noise=True),
    Case(37, "ip6tables_save", 0, FAILED, reason="legacy"),
]


def run_script(cases: list[Case], tmp: Path) -> dict[str, ProbeOutput]:
    """The cases' outputs printed by probes of the real script, read back from its frames."""
    probes = []
    for n, case in enumerate(cases):
        out = case.output()
        (tmp / f"{n}.out").write_bytes(out.stdout)
        (tmp / f"{n}.err").write_bytes(out.stderr)
        script = (
            f"cat {shlex.quote(str(tmp / f'{n}.out'))}; "
            f"cat {shlex.quote(str(tmp / f'{n}.err'))} >&2; exit {case.rc}"
        )
        probes.append(Probe(f"case{n}", "linux", script, script))
    text = build_linux_script(probes, use_sudo=False, token=TOKEN)
    result = subprocess.run(
        ["/bin/sh", "-s"], input=text.encode(), capture_output=True, timeout=120, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    framed = parse_framed(result.stdout, TOKEN)
    return {case.id: framed[f"case{n}"] for n, case in enumerate(cases)}


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ProbeOutput]:
    scripted = [case for case in CASES if case.rc is not None]
    found = run_script(scripted, tmp_path_factory.mktemp("failure-texts"))
    # No exit status survives in an rc-less capture (offline, pasted): judged as printed.
    found.update({case.id: case.output() for case in CASES if case.rc is None})
    return found


def test_the_sample_holds_every_block_a_case_names():
    assert len(TEXTS) == 38
    assert {case.block for case in CASES} | {35} == set(range(len(TEXTS)))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_framed_script_keeps_what_the_host_printed(case, transcripts):
    out = transcripts[case.id]
    assert (out.stdout, out.stderr, out.rc) == (case.output().stdout, case.output().stderr, case.rc)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_real_failure_text_is_judged_as_the_catalogue_says(case, transcripts):
    judged = judge(LINUX[case.probe], transcripts[case.id])
    assert judged.state == case.expect, judged.reason
    assert case.reason in judged.reason
    if case.expect == FAILED:
        first = TEXTS[case.block].decode().strip().split("\n")[0][:200]
        assert first in judged.evidence


def readers(probe: str) -> list[Check]:
    return [c for c in REGISTRY.values() if c.os_family == "linux" and probe in c.probes]


WORST_FIRST = [Severity.BLOCKER, Severity.UNKNOWN, Severity.WARNING, Severity.INFO, Severity.PASS]


def worst(findings: list) -> Severity:
    found = {finding.severity for finding in findings}
    return next(severity for severity in WORST_FIRST if severity in found)


FAILING = [case for case in CASES if case.expect == FAILED]
CHECKED = [(case, check.id) for case in FAILING for check in readers(case.probe)]


@pytest.mark.parametrize(("case", "check_id"), CHECKED, ids=lambda v: getattr(v, "id", v))
def test_a_check_that_read_a_failed_probe_never_passes_and_quotes_the_host(
    case, check_id, transcripts
):
    check = REGISTRY[check_id]
    probes = dict(CLEAN)
    group = set(failed_together(check, case.probe))
    probes.update({probe: transcripts[case.id] for probe in group})
    facts = Facts("linux", probes, hostname="host")
    findings = check.evaluate(facts)
    if not group & set(facts.read):
        return  # the check answered from other probes (e.g. only on some platforms)
    severity = worst(findings)
    assert severity not in (Severity.PASS, Severity.INFO), [f.title for f in findings]
    if severity == Severity.UNKNOWN:
        first = TEXTS[case.block].decode().strip().split("\n")[0][:200]
        unknown = [f for f in findings if f.severity == Severity.UNKNOWN]
        assert any(first in f.evidence for f in unknown), [f.evidence for f in unknown]
        assert all(len(f.evidence) < 8000 for f in unknown)


NOISY = [case for case in CASES if case.noise and case.expect == USABLE]
NOISY_CHECKED = [(case, check.id) for case in NOISY for check in readers(case.probe)]


@pytest.mark.parametrize(("case", "check_id"), NOISY_CHECKED, ids=lambda v: getattr(v, "id", v))
def test_noise_next_to_a_good_output_leaves_the_verdict_as_it_was(case, check_id, transcripts):
    check = REGISTRY[check_id]
    clean = check.evaluate(Facts("linux", dict(CLEAN), hostname="host"))
    noisy = check.evaluate(
        Facts("linux", {**CLEAN, case.probe: transcripts[case.id]}, hostname="host")
    )
    assert [(f.severity, f.title) for f in noisy] == [(f.severity, f.title) for f in clean]


def test_a_parser_that_cannot_read_an_output_quotes_what_the_host_printed():
    """The MOTD of block 24 as the whole stdout of an rc-less capture: usable (no error
    words), but no ifconfig output; the unknown finding shows what was there instead."""
    motd = ProbeOutput(TEXTS[24])
    check = REGISTRY["ip_addresses.venet"]
    facts = Facts("linux", {**CLEAN, "ip_addr": motd, "ifconfig": motd}, hostname="host")
    (finding,) = check.evaluate(facts)
    assert finding.severity == Severity.UNKNOWN
    assert "Welcome to Ubuntu 12.10" in finding.evidence


def test_an_absent_proc_file_is_the_feature_absent_not_unknown(transcripts):
    (case,) = [c for c in CASES if c.block == 34]
    check = REGISTRY["kernel_services.drbd"]
    facts = Facts("linux", {**CLEAN, "proc_drbd": transcripts[case.id]}, hostname="host")
    assert [f.severity for f in check.evaluate(facts)] == [Severity.PASS]


def test_a_licence_scan_never_passes_on_no_local_mac_to_look_for():
    """The MOTD of block 24 as the rc-less `mac_addresses` capture holds no MAC address:
    the check takes the MACs from `ip` instead of passing on an empty list, and is unknown
    when no probe lists one."""
    motd = ProbeOutput(TEXTS[24])
    check = REGISTRY["mac_binding.license_files"]
    facts = Facts("linux", {**CLEAN, "mac_addresses": motd}, hostname="host")
    (finding,) = check.evaluate(facts)
    assert finding.severity == Severity.PASS and "; ip -o addr show" in finding.evidence
    assert ":" in finding.evidence.split("\n", 1)[1]  # a MAC line follows the label
    bare = ProbeOutput(b"1: lo: <LOOPBACK,UP> mtu 65536\n", b"", 0)
    facts = Facts(
        "linux", {**CLEAN, "mac_addresses": motd, "ip_addr": bare, "ifconfig": motd}, hostname="h"
    )
    (finding,) = check.evaluate(facts)
    assert finding.severity == Severity.UNKNOWN
    assert "Welcome to Ubuntu 12.10" in finding.evidence


@pytest.mark.parametrize("block", [4, 23, 24])
@pytest.mark.parametrize(
    "check_id", ["filesystems.special_mounts", "kernel_services.nfs_client", "quotas.partitions"]
)
def test_a_mount_table_that_is_only_noise_is_unknown_not_no_mounts(block, check_id):
    """Noise as the whole of an rc-less mount table capture: its lines split into four
    fields like mounts do, but no table lacks a root file system."""
    noise = ProbeOutput(TEXTS[block])
    probes = {**CLEAN, "mountinfo": noise, "proc_mounts": noise, "quotaon": noise}
    findings = REGISTRY[check_id].evaluate(Facts("linux", probes, hostname="host"))
    assert worst(findings) == Severity.UNKNOWN, [f.title for f in findings]
    first = TEXTS[block].decode().strip().split("\n")[0]
    assert any(first in f.evidence for f in findings)


@pytest.mark.parametrize("block", [4, 5, 23, 35])
def test_an_rc_less_capture_holding_only_session_noise_is_a_failure_not_data(block):
    """sudo's resolver warning or tcsh's tty warnings as the whole stdout of a capture that
    kept no exit code: the command's own output is missing, whatever parser would follow."""
    judged = judge(LINUX["raw"], ProbeOutput(TEXTS[block]))
    assert judged.state == FAILED
    assert "only noise" in judged.reason
