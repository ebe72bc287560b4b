"""The WinRM collector through real pywinrm against the fleet lab's WS-Man server."""

import socket
import time

import pytest
import requests
import urllib3.connection
from winrm.exceptions import WinRMTransportError, WSManFaultError

from assessments.choices import ErrorClass
from assessments.collectors import base, winrm
from assessments.collectors.base import CollectError
from assessments.collectors.winrm import candidates
from assessments.lab import faults
from assessments.lab.inventory import HostSpec, start_lab
from assessments.lab.profiles import profiles
from assessments.probes import WINDOWS
from assessments.probes.base import Probe
from fleet.models import Credential, Host
from tests.assessments.collectors.conftest import prepare

FAULTS = (
    faults.AUTH_FAILURE,
    faults.REFUSED,
    faults.HANG,
    faults.GARBAGE,
    faults.OPERATION_TIMEOUT,
    faults.DISCONNECT,
    faults.HUGE,
)


@pytest.fixture(scope="module")
def lab():
    specs = [
        HostSpec("windows_2003_x86", name="w2003"),
        HostSpec("windows_2008r2_clean", name="w2008r2"),
    ]
    specs += [HostSpec("windows_2008r2_clean", fault=fault, name=fault) for fault in FAULTS]
    specs.append(HostSpec("windows_2008r2_clean", name="slow", latency_ms=1500))
    specs.append(HostSpec("windows_2008r2_clean", name="tls", https=True))
    with start_lab(hosts=specs, huge_bytes=3 * 1024 * 1024, workers=16) as running:
        yield running


def make_host(
    lab,
    name: str,
    password: str | None = None,
    validate: bool = True,
    transport: str = "basic",
    **overrides,
) -> Host:
    """An unsaved Host with an unsaved credential: the collector needs no database."""
    credential = Credential(name="lab", kind="winrm", username=lab.credentials.username)
    credential.winrm_transport = transport
    credential.validate_certificate = validate
    credential.set_secret(password or lab.credentials.password)
    fields = {
        "name": name,
        "address": "127.0.0.1",
        "os_family": "windows",
        "winrm_scheme": "http",
        "winrm_port": lab.host(name).port,
        **overrides,
    }
    return Host(credential=credential, **fields)


def probe(probe_id: str, script: str, timeout: int = 30) -> Probe:
    return Probe(probe_id, "windows", script, script, timeout=timeout)


def collect_winrm(host: Host, deadline_s: float = 120, probes=None):
    """The WinRM collector on `host`'s target, as the batch job builds it (no database)."""
    return winrm.collect_winrm(prepare(host, deadline_s).target, probes=probes)


def failure(host: Host, deadline_s: float = 10, probes=None) -> CollectError:
    with pytest.raises(CollectError) as raised:
        collect_winrm(host, deadline_s=deadline_s, probes=probes)
    return raised.value


def test_it_returns_every_probe_byte_exact(lab):
    result = collect_winrm(make_host(lab, "w2003"))
    expected = lab.host("w2003").probes
    assert set(result.probes) == set(WINDOWS)
    for probe_id, out in expected.items():
        assert result.probes[probe_id].stdout == out.stdout, probe_id
        assert result.probes[probe_id].rc == out.rc, probe_id


def count_messages(monkeypatch) -> list[str]:
    """The WS-Man actions the collector sends (one HTTP round trip each)."""
    sent: list[str] = []
    real = winrm.Protocol.send_message

    def spy(self, message):
        sent.append(message.split("<a:Action", 1)[1].split("</a:Action>")[0].rsplit("/", 1)[1])
        return real(self, message)

    monkeypatch.setattr(winrm.Protocol, "send_message", spy)
    return sent


def test_it_runs_the_probes_in_one_command(lab, monkeypatch):
    sent = count_messages(monkeypatch)
    result = collect_winrm(make_host(lab, "w2003"))
    assert set(result.probes) == set(WINDOWS)
    assert sent == ["Create", "Command", "Receive", "Signal", "Delete"]


def test_it_runs_the_probes_one_by_one_where_cmd_does_not_take_the_batch(lab, monkeypatch):
    # A cmd.exe that does not run the batch line as meant: here, one without `cmd` itself.
    wsman = lab.wsman("w2003")
    monkeypatch.setattr(wsman, "run", wsman.answer)
    sent = count_messages(monkeypatch)
    result = collect_winrm(make_host(lab, "w2003"))
    assert sent.count("Command") == 1 + len(WINDOWS)
    for probe_id, out in lab.host("w2003").probes.items():
        assert result.probes[probe_id].stdout == out.stdout, probe_id
        assert result.probes[probe_id].rc == out.rc, probe_id


@pytest.mark.parametrize(
    "refusal",
    [
        WSManFaultError(500, "", "", "The command line is too long.", wsman_fault_code=206),
        WinRMTransportError("http", 413, "Request Entity Too Large"),
    ],
)
def test_it_runs_the_probes_one_by_one_where_the_server_refuses_the_batch(
    lab, monkeypatch, refusal
):
    real = winrm.Protocol.run_command

    def refuse_long_lines(self, shell_id, command, *args, **kwargs):
        if command.startswith("cmd /d /v:on"):
            raise refusal
        return real(self, shell_id, command, *args, **kwargs)

    monkeypatch.setattr(winrm.Protocol, "run_command", refuse_long_lines)
    result = collect_winrm(make_host(lab, "w2008r2"))
    assert set(result.probes) == set(WINDOWS)
    assert result.probes["ver"].stdout == lab.host("w2008r2").probes["ver"].stdout


def test_it_runs_one_command_per_probe_when_batches_are_turned_off(lab, monkeypatch, settings):
    settings.WINRM_BATCH_PROBES = False
    sent = count_messages(monkeypatch)
    result = collect_winrm(make_host(lab, "w2003"))
    assert sent.count("Command") == len(WINDOWS)
    assert result.probes["ver"].stdout == lab.host("w2003").probes["ver"].stdout


def test_it_keeps_utf16_output_raw(lab):
    result = collect_winrm(make_host(lab, "w2003"), probes=[WINDOWS["wmic_cpu"]])
    assert result.probes["wmic_cpu"].stdout.startswith(b"\xff\xfe")


def test_it_records_the_endpoint_and_transport(lab):
    result = collect_winrm(make_host(lab, "w2008r2"), probes=[WINDOWS["ver"]])
    port = lab.host("w2008r2").port
    assert result.transport == "winrm"
    assert result.algorithms == f"http://127.0.0.1:{port}/wsman basic"
    assert result.os_family == "windows"


def test_it_reads_the_hostname_from_the_environment(lab):
    result = collect_winrm(make_host(lab, "w2003"), probes=[WINDOWS["env"]])
    assert result.hostname == "W2003"


def test_it_keeps_cmd_errors_of_unknown_commands(lab):
    result = collect_winrm(make_host(lab, "w2008r2"), probes=[probe("nope", "nosuchtool /x")])
    out = result.probes["nope"]
    assert out.rc == 9009
    assert b"'nosuchtool' is not recognized" in out.stderr


def test_it_notes_basic_auth_over_plain_http(lab):
    result = collect_winrm(make_host(lab, "w2008r2"), probes=[WINDOWS["ver"]])
    assert any("plain HTTP" in note for note in result.notes)


def test_it_speaks_ntlm_with_message_encryption(lab):
    result = collect_winrm(make_host(lab, "w2003", transport="ntlm"))
    assert result.algorithms.endswith(" ntlm")
    assert result.notes == []
    for probe_id, out in lab.host("w2003").probes.items():
        assert result.probes[probe_id].stdout == out.stdout, probe_id


def test_it_takes_the_hosts_transport_over_the_credentials(lab):
    host = make_host(lab, "w2008r2", transport="basic", winrm_transport="ntlm")
    assert collect_winrm(host, probes=[WINDOWS["ver"]]).algorithms.endswith(" ntlm")


def test_it_reports_a_wrong_ntlm_password_as_auth_failed(lab):
    host = make_host(lab, "w2008r2", password="wrong-password", transport="ntlm")
    assert failure(host).error_class == ErrorClass.AUTH_FAILED


def test_it_reports_an_ntlm_rejection_as_auth_failed(lab):
    host = make_host(lab, faults.AUTH_FAILURE, transport="ntlm")
    assert failure(host).error_class == ErrorClass.AUTH_FAILED


def test_it_refuses_an_untrusted_certificate(lab):
    error = failure(make_host(lab, "tls", winrm_scheme="https"))
    assert error.error_class == ErrorClass.PROTOCOL_ERROR
    assert "TLS failed" in error.detail


def test_it_trusts_the_ca_bundle_of_the_environment(lab, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(lab.certificate))
    result = collect_winrm(make_host(lab, "tls", winrm_scheme="https"), probes=[WINDOWS["ver"]])
    assert result.algorithms.startswith("https://127.0.0.1:")
    assert result.notes == []


def test_it_skips_certificate_checks_when_the_credential_says_so(lab):
    host = make_host(lab, "tls", validate=False, winrm_scheme="https")
    assert collect_winrm(host, probes=[WINDOWS["ver"]]).probes["ver"].rc == 0


def test_it_reports_a_wrong_password_as_auth_failed(lab):
    error = failure(make_host(lab, "w2008r2", password="wrong-password"))
    assert error.error_class == ErrorClass.AUTH_FAILED
    assert "wrong-password" not in error.detail


def test_it_reports_http_401_as_auth_failed(lab):
    assert failure(make_host(lab, faults.AUTH_FAILURE)).error_class == ErrorClass.AUTH_FAILED


def test_it_reports_a_closed_port_as_refused(lab):
    error = failure(make_host(lab, faults.REFUSED))
    assert error.error_class == ErrorClass.REFUSED
    assert error.retryable


def test_it_stops_a_silent_server_at_the_deadline(lab):
    started = time.monotonic()
    error = failure(make_host(lab, faults.HANG), deadline_s=1.5)
    assert error.error_class == ErrorClass.TIMEOUT
    assert time.monotonic() - started < 3


def test_it_bounds_endless_operation_timeouts(lab):
    started = time.monotonic()
    error = failure(make_host(lab, faults.OPERATION_TIMEOUT), deadline_s=2)
    assert error.error_class == ErrorClass.TIMEOUT
    assert time.monotonic() - started < 3.5


def test_it_reports_a_non_soap_answer_as_protocol_error(lab):
    error = failure(make_host(lab, faults.GARBAGE))
    assert error.error_class == ErrorClass.PROTOCOL_ERROR
    assert "not WS-Management" in error.detail


def test_it_reports_a_connection_dropped_mid_answer_as_protocol_error(lab):
    error = failure(make_host(lab, faults.DISCONNECT))
    assert error.error_class == ErrorClass.PROTOCOL_ERROR


def test_it_caps_huge_output(lab, monkeypatch):
    monkeypatch.setattr(base, "MAX_OUTPUT", 1024 * 1024)
    result = collect_winrm(make_host(lab, faults.HUGE), probes=[WINDOWS["ver"]])
    out = result.probes["ver"]
    assert out.truncated
    assert len(out.stdout) == 1024 * 1024


def test_it_cuts_a_slow_command_at_its_timeout_and_goes_on(lab):
    slow = probe("slow_ver", "ver", timeout=1)
    result = collect_winrm(make_host(lab, "slow"), probes=[slow, WINDOWS["env"]])
    assert result.probes["slow_ver"].rc is None
    assert b"timed out" in result.probes["slow_ver"].stderr
    assert result.probes["env"].rc == 0


def test_it_fails_with_timeout_when_no_command_finishes(lab):
    error = failure(make_host(lab, "slow"), probes=[probe("v", "ver", timeout=1)])
    assert error.error_class == ErrorClass.TIMEOUT


def test_it_gives_up_after_two_silent_timeouts_in_a_row(lab):
    slow = [probe(f"v{i}", "ver", timeout=1) for i in range(4)]
    started = time.monotonic()
    error = failure(make_host(lab, faults.OPERATION_TIMEOUT), deadline_s=30, probes=slow)
    assert error.error_class == ErrorClass.TIMEOUT
    assert "2 commands in a row" in error.detail
    assert time.monotonic() - started < 4


def test_it_needs_a_credential(lab):
    host = Host(name="nocred", address="127.0.0.1", os_family="windows")
    assert failure(host).error_class == ErrorClass.NO_CREDENTIAL


def endpoints(**fields) -> list[base.Endpoint]:
    host = Host(name="h", address="10.0.0.1", os_family="windows", **fields)
    return candidates(prepare(host).target)


def test_it_tries_5985_then_80_without_a_port():
    assert [e.port for e in endpoints(winrm_scheme="http")] == [5985, 80]


def test_it_tries_5986_then_443_over_https():
    assert [e.url for e in endpoints(winrm_scheme="https")] == [
        "https://10.0.0.1:5986/wsman",
        "https://10.0.0.1:443/wsman",
    ]


def test_it_uses_only_the_configured_port():
    assert [e.port for e in endpoints(winrm_scheme="http", winrm_port=8080)] == [8080]


def test_its_http_connections_set_tcp_nodelay():
    nodelay = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    assert nodelay in urllib3.connection.HTTPConnection.default_socket_options


def test_the_lab_profiles_cover_every_windows_probe():
    # No public systeminfo of a 2008-generation server exists; those hosts answer 9009.
    assert set(WINDOWS) <= set(profiles()["windows_2003_x86"].probes)
    for profile in profiles().values():
        if profile.os_family == "windows":
            assert set(WINDOWS) - {"systeminfo"} <= set(profile.probes), profile.name


def test_it_touches_the_environment_only_under_the_build_lock(lab, monkeypatch):
    # requests writes os.environ["no_proxy"] for pywinrm's `no_proxy: *` session, on build
    # and on every send; hosts scanned in parallel threads then race (KeyError).
    writes = []
    real = requests.utils.set_environ

    def spy(name, value):
        if value is not None:
            writes.append(winrm._BUILD_LOCK.locked())
        return real(name, value)

    monkeypatch.setattr(requests.utils, "set_environ", spy)
    collect_winrm(make_host(lab, "w2008r2", transport="ntlm"), probes=[WINDOWS["ver"]])
    assert writes
    assert all(writes)
