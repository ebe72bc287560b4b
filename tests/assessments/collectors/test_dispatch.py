"""`collectors.collect`: the transport chosen by OS family, SSH then WinRM when unknown."""

import pytest

from assessments import collectors
from assessments.collectors.base import CollectError, CollectResult
from fleet.models import Host


def result(transport: str) -> CollectResult:
    return CollectResult(os_family="linux", probes={}, transport=transport)


@pytest.fixture
def transports(monkeypatch):
    calls: list[str] = []
    answers: dict[str, object] = {"ssh": result("ssh"), "winrm": result("winrm")}

    def fake(name):
        def collect(host, deadline_s):
            calls.append(name)
            answer = answers[name]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return collect

    monkeypatch.setattr(collectors, "collect_ssh", fake("ssh"))
    monkeypatch.setattr(collectors, "collect_winrm", fake("winrm"))
    return calls, answers


def host(os_family: str) -> Host:
    return Host(name="h", address="192.0.2.1", os_family=os_family)


def test_it_scans_linux_over_ssh_and_windows_over_winrm(transports):
    calls, _ = transports
    assert collectors.collect(host("linux"), 10).transport == "ssh"
    assert collectors.collect(host("windows"), 10).transport == "winrm"
    assert calls == ["ssh", "winrm"]


def test_it_tries_winrm_when_nothing_speaks_ssh_on_an_unknown_host(transports):
    calls, answers = transports
    answers["ssh"] = CollectError("refused", "port 22 refused")
    assert collectors.collect(host("unknown"), 10).transport == "winrm"
    assert calls == ["ssh", "winrm"]


def test_it_keeps_the_ssh_error_when_ssh_answered(transports):
    calls, answers = transports
    answers["ssh"] = CollectError("auth_failed", "password rejected")
    with pytest.raises(CollectError, match="auth_failed"):
        collectors.collect(host("unknown"), 10)
    assert calls == ["ssh"]


def test_it_reports_the_ssh_error_when_neither_transport_answers(transports):
    _, answers = transports
    answers["ssh"] = CollectError("refused", "port 22 refused")
    answers["winrm"] = CollectError("refused", "5985 refused")
    with pytest.raises(CollectError, match="port 22"):
        collectors.collect(host("unknown"), 10)
