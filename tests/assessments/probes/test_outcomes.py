"""The one judgement of probe outputs: usable, absent (a declared benign outcome) or failed."""

from pathlib import Path

import pytest

from assessments.facts import Absent, Facts, ProbeOutput, Unavailable
from assessments.probes import LINUX, WINDOWS
from assessments.probes.outcomes import State, judge
from tests.conftest import sample_bytes

RAWCTL = b"Cannot open master raw device '/dev/rawctl' (No such file or directory)\n"
ALL_PROBES = sorted([*LINUX.values(), *WINDOWS.values()], key=lambda p: (p.os_family, p.id))


def state(probe_id: str, out: ProbeOutput, family: str = "linux") -> State:
    return judge((LINUX if family == "linux" else WINDOWS).get(probe_id), out, probe_id).state


def test_it_fails_an_unrecognised_error_that_does_not_end_its_line():
    assert state("raw", ProbeOutput(b"", RAWCTL, 2)) == State.FAILED


def test_it_quotes_command_exit_code_and_stderr_as_evidence():
    judged = judge(LINUX["raw"], ProbeOutput(b"", RAWCTL, 2))
    assert "$ raw -qa" in judged.evidence and "exit status: 2" in judged.evidence
    assert "Cannot open master raw device" in judged.evidence
    assert judged.reason == "raw -qa failed: exit status 2 (a file it needs does not exist)"


def test_it_reads_exit_status_zero_as_data():
    assert state("raw", ProbeOutput(b"", b"", 0)) == State.USABLE


def test_it_reads_a_missing_tool_as_absent():
    assert state("raw", ProbeOutput(b"", b"sh: 1: raw: not found\n", 127)) == State.ABSENT


def test_it_fails_exit_127_with_an_unexplained_message():
    assert state("raw", ProbeOutput(b"", b"segfault in libc\n", 127)) == State.FAILED


def test_it_fails_a_missing_tool_for_a_probe_that_declares_no_such_outcome():
    assert state("proc_mounts", ProbeOutput(b"", b"sh: 1: cat: not found\n", 127)) == State.FAILED


def test_it_fails_a_timeout_and_truncated_output_whatever_the_exit_code():
    assert state("df", ProbeOutput(b"/dev/sda1 1 1 1 1% /\n", b"p2c: timed out\n", 124)) == "failed"
    assert state("df", ProbeOutput(b"/dev/sda1 1 1 1 1% /\n", b"", 0, truncated=True)) == "failed"


def test_it_fails_a_signal():
    assert state("ps", ProbeOutput(b"USER PID COMMAND\n", b"", 137)) == State.FAILED


def test_it_fails_sudo_that_wants_a_password_even_for_a_benign_exit_code():
    out = ProbeOutput(b"", b"sudo: a password is required\n", 127)
    judged = judge(LINUX["raw"], out)
    assert judged.state == State.FAILED and "sudo needs a password" in judged.reason


def test_it_explains_sudo_requiretty_of_rhel5_and_6():
    out = ProbeOutput(b"", b"sudo: sorry, you must have a tty to run sudo\n", 1)
    assert "requiretty" in judge(LINUX["quotaon"], out).reason


def test_it_fails_linux_permission_denied():
    out = ProbeOutput(b"", b"cat: /etc/fstab: Permission denied\n", 1)
    assert judge(LINUX["fstab"], out).reason == "cat /etc/fstab failed: permission denied"


def test_it_reads_quotaon_states_whatever_its_exit_status():
    out = ProbeOutput(b"user quota on / (/dev/sda1) is on\n", b"", 1)
    judged = judge(LINUX["quotaon"], out)
    assert judged.state == State.ABSENT and judged.parse


def test_it_keeps_a_capture_without_exit_codes_usable_unless_it_says_it_failed():
    assert state("df", ProbeOutput(b"/dev/sda1 1 1 1 1% /\n")) == State.USABLE
    assert state("df", ProbeOutput(b"", b"df: cannot read table of mounted file systems\n")) == (
        State.FAILED
    )


def test_it_reports_cmd_exit_9009_as_a_missing_tool():
    out = ProbeOutput(b"", b"'wmic' is not recognized as an internal or external command,", 9009)
    assert state("wmic_os", out, "windows") == State.ABSENT


def test_it_reports_not_recognized_without_exit_code_as_a_missing_tool():
    out = ProbeOutput(b"'wmic' is not recognized as an internal or external command,\r\n")
    assert state("wmic_os", out, "windows") == State.ABSENT


def test_it_fails_reg_access_denied_although_exit_1_means_key_not_found():
    out = ProbeOutput(b"", b"ERROR: Access is denied.\r\n", 1)
    judged = judge(WINDOWS["reg_psched"], out)
    assert judged.state == State.FAILED and "access is denied" in judged.reason


def test_it_fails_localised_access_denied():
    assert state("ver", ProbeOutput(b"", "Accès refusé.\r\n".encode("cp850"), 5), "windows") == (
        State.FAILED
    )
    assert state("ver", ProbeOutput(b"Zugriff verweigert\r\n"), "windows") == State.FAILED


def test_it_fails_the_wmic_xsl_error():
    out = ProbeOutput(sample_bytes("windows-wmic-error-invalid-xsl.txt")[:36], b"", 44210)
    assert "get /value" in judge(WINDOWS["wmic_os"], out).reason


def test_it_keeps_long_data_that_mentions_a_failure_phrase():
    data = b"".join(b"Description=Access is denied here\r\n" for _ in range(10))
    assert state("wmic_os", ProbeOutput(data), "windows") == State.USABLE


def test_facts_never_hand_a_failed_output_to_a_parser():
    def parser(out: ProbeOutput) -> str:
        raise AssertionError("the parser saw a failed output")

    facts = Facts("linux", {"raw": ProbeOutput(b"", RAWCTL, 2)})
    result = facts.parsed("raw", parser)
    assert isinstance(result, Unavailable) and not isinstance(result, Absent)
    assert "exit status: 2" in result.evidence


def test_facts_report_a_benign_outcome_as_absent_without_parsing():
    facts = Facts("linux", {"raw": ProbeOutput(b"", b"raw: command not found\n", 127)})
    assert isinstance(facts.parsed("raw", lambda out: "data"), Absent)
    assert facts.absent("raw")


@pytest.mark.parametrize(
    ("probe", "index"),
    [(probe, n) for probe in ALL_PROBES for n in range(len(probe.benign))],
    ids=lambda v: v.id if hasattr(v, "id") else str(v),
)
def test_every_declared_benign_outcome_matches_its_documented_example(probe, index):
    outcome = probe.benign[index]
    judged = judge(probe, outcome.example)
    assert judged.state == State.ABSENT and judged.outcome == outcome, outcome.source
    assert outcome.source


def test_every_probe_alternative_is_a_probe_of_the_same_family():
    for probe in ALL_PROBES:
        family = LINUX if probe.os_family == "linux" else WINDOWS
        assert set(probe.alternatives) <= set(family), probe.id


DOCS = {"linux": "docs/checks-linux.md", "windows": "docs/checks-windows.md"}


@pytest.mark.parametrize("probe", [p for p in ALL_PROBES if p.benign], ids=lambda p: p.id)
def test_every_benign_outcome_is_documented_with_its_probe(probe):
    text = (Path(__file__).parents[3] / DOCS[probe.os_family]).read_text()
    rows = [line for line in text.split("\n") if line.lstrip().startswith("| ")]
    for outcome in probe.benign:
        meaning = outcome.meaning.split(" (")[0]
        assert any(meaning in row and (f"`{probe.id}`" in row or "every" in row) for row in rows), (
            f"{DOCS[probe.os_family]} lists no '{meaning}' row naming {probe.id}"
        )


@pytest.mark.parametrize(
    ("probe", "out"),
    [
        ("df", ProbeOutput(b"\xff" * 1000, b"", 0)),
        ("getfattr", ProbeOutput(b"\xff" * 1000, b"", None, truncated=True)),  # partial probe
    ],
)
def test_a_usable_output_is_judged_without_decoding_it(monkeypatch, probe, out):
    from assessments.probes import outcomes

    def no_decode(raw, *args):
        raise AssertionError("decoded")  # 32 MiB of bytes decode to up to 224 MiB of text

    monkeypatch.setattr(outcomes, "decode", no_decode)
    assert judge(LINUX[probe], out).state == State.USABLE


def test_an_empty_output_without_exit_code_stays_usable():
    assert state("raw", ProbeOutput(b"")) == State.USABLE
