"""The lab through the project's own collectors, as scans and benchmarks use it."""

import pytest

from assessments import collectors
from assessments.collectors.base import CollectError
from assessments.lab import faults
from assessments.lab.inventory import HostSpec, create_hosts, start_lab
from assessments.scanning.targets import build_target

FAULTS = (
    faults.REFUSED,
    faults.AUTH_FAILURE,
    faults.CHANGED_HOST_KEY,
    faults.LEGACY_ONLY,
    faults.GARBAGE,
    faults.DISCONNECT,
)


@pytest.fixture
def hosts(db):
    specs = [HostSpec("linux_clean", name="linux"), HostSpec("windows_2003_x86", name="windows")]
    specs += [HostSpec("linux_clean", fault=fault, name=fault) for fault in FAULTS]
    with start_lab(hosts=specs) as lab:
        yield {host.name: host for host in create_hosts(lab)}, lab


def collect(host, deadline_s: float):
    """The collector dispatcher on `host`, with the target the batch job would build."""
    return collectors.collect(*build_target(host, deadline_s))


def error_of(host) -> str:
    with pytest.raises(CollectError) as raised:
        collect(host, 5)
    return raised.value.error_class


def test_a_linux_host_is_collected_over_ssh(hosts):
    rows, lab = hosts
    result = collect(rows["linux"], 10)
    assert result.transport == "ssh"
    assert result.probes["uname"] == lab.host("linux").probes["uname"]


def test_a_windows_host_is_collected_over_winrm(hosts):
    rows, lab = hosts
    result = collect(rows["windows"], 10)
    assert result.transport == "winrm"
    assert result.probes["wmic_os"] == lab.host("windows").probes["wmic_os"]


@pytest.mark.parametrize("probe", ["driverquery", "sc_services", "usb_devices", "getmac"])
def test_winrm_brings_back_the_windows_limits_probes_byte_for_byte(hosts, probe):
    rows, lab = hosts
    result = collect(rows["windows"], 10)
    assert result.probes[probe].stdout == lab.host("windows").probes[probe].stdout
    assert result.probes[probe].rc == 0


@pytest.mark.parametrize(
    ("fault", "error_class"),
    [
        (faults.REFUSED, "refused"),
        (faults.AUTH_FAILURE, "auth_failed"),
        (faults.LEGACY_ONLY, "incompatible_ssh"),
        (faults.GARBAGE, "protocol_error"),
    ],
)
def test_faulty_hosts_fail_with_their_error_class(hosts, fault, error_class):
    rows, _ = hosts
    assert error_of(rows[fault]) == error_class


def test_a_changed_host_key_stops_the_second_scan(hosts):
    rows, _ = hosts
    collect(rows[faults.CHANGED_HOST_KEY], 5)
    assert error_of(rows[faults.CHANGED_HOST_KEY]) == "host_key_changed"


def test_a_connection_dropped_mid_answer_is_a_protocol_error(hosts):
    # docs/fleetlab.md: a host that hangs up mid-answer is no clean result, not done/unknown.
    rows, _ = hosts
    with pytest.raises(CollectError) as raised:
        collect(rows[faults.DISCONNECT], 10)
    assert raised.value.error_class == "protocol_error"
    assert "the connection closed before the probe script finished" in raised.value.detail
