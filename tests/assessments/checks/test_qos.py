"""Check qos.scheduler (W3)."""

from assessments.checks.base import Severity
from assessments.checks.qos import WindowsQosScheduler
from assessments.facts import ProbeOutput
from tests.assessments.parsers.windows.samples import REG_NOT_FOUND, crlf, sample, windows

RUNNING = crlf(
    "\nSERVICE_NAME: psched\n        TYPE               : 1  KERNEL_DRIVER\n"
    "        STATE              : 4  RUNNING\n"
    "                                (STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)\n"
)
MISSING = ProbeOutput(
    b"[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\n"
    b"The specified service does not exist as an installed service.\r\n",
    b"",
    1060,
)
POLICIES = crlf(
    "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\QoS\\VoIP\n"
    "    Version    REG_SZ    1.0\n    Application Name    REG_SZ    *\n"
    "    DSCP Value    REG_SZ    46\n    Throttle Rate    REG_SZ    -1\n\n"
)
TUNING = crlf(
    "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\Psched\n"
    "    NonBestEffortLimit    REG_DWORD    0x0\n\n"
)


def qos(**probes):
    return WindowsQosScheduler().evaluate(windows(None, **probes))


def test_id_is_the_registered_one():
    assert WindowsQosScheduler.id == "qos.scheduler"


def test_it_informs_when_the_scheduler_runs_without_policies():
    (finding,) = qos(sc_psched=RUNNING, reg_qos_policies=REG_NOT_FOUND, reg_psched=REG_NOT_FOUND)
    assert finding.severity == Severity.INFO
    assert "(running)" in finding.title
    assert "STATE              : 4  RUNNING" in finding.evidence


def test_it_reads_the_state_by_number_from_the_real_sc_sample():
    out = sample("windows-sc-query-kernel-driver-formats.txt", 1)
    (finding,) = qos(sc_psched=out, reg_qos_policies=REG_NOT_FOUND, reg_psched=REG_NOT_FOUND)
    assert "(running)" in finding.title


def test_it_warns_when_qos_policies_exist():
    (finding,) = qos(sc_psched=RUNNING, reg_qos_policies=POLICIES, reg_psched=REG_NOT_FOUND)
    assert finding.severity == Severity.WARNING
    assert "QoS policy 'VoIP'" in finding.title
    assert "DSCP Value    REG_SZ    46" in finding.evidence
    assert "traffic shaping" in finding.remediation


def test_it_warns_when_the_scheduler_is_tuned_by_policy():
    (finding,) = qos(sc_psched=RUNNING, reg_qos_policies=REG_NOT_FOUND, reg_psched=TUNING)
    assert finding.severity == Severity.WARNING
    assert "reserved bandwidth limit = 0x0" in finding.title


def test_it_shows_the_start_type_from_sc_qc():
    disabled = crlf(
        "[SC] QueryServiceConfig SUCCESS\n\nSERVICE_NAME: psched\n"
        "        START_TYPE         : 4   DISABLED\n"
    )
    stopped = crlf(
        "\nSERVICE_NAME: psched\n        TYPE : 1  KERNEL_DRIVER\n        STATE : 1  STOPPED\n"
    )
    (finding,) = qos(
        sc_psched=stopped,
        sc_qc_psched=disabled,
        reg_qos_policies=REG_NOT_FOUND,
        reg_psched=REG_NOT_FOUND,
    )
    assert "(stopped, start type disabled)" in finding.title


def test_it_passes_when_the_scheduler_is_not_installed():
    (finding,) = qos(sc_psched=MISSING, reg_qos_policies=REG_NOT_FOUND, reg_psched=REG_NOT_FOUND)
    assert finding.severity == Severity.PASS


def test_policies_without_a_scheduler_have_no_effect():
    (finding,) = qos(sc_psched=MISSING, reg_qos_policies=POLICIES)
    assert finding.severity == Severity.INFO


def test_it_is_unknown_without_sc_output():
    (finding,) = qos(reg_qos_policies=POLICIES)
    assert finding.severity == Severity.UNKNOWN


def test_uncollected_policy_probes_are_unknown_not_silently_fine():
    findings = qos(sc_psched=RUNNING)
    assert [str(f.severity) for f in findings] == ["info", "unknown", "unknown"]
