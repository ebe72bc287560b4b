"""`collectors.collect`: the transport chosen by OS family, SSH then WinRM when unknown."""

import pytest

from assessments import collectors
from assessments.collectors.base import CollectError, CollectResult
from assessments.collectors.deadline import Deadline
from assessments.collectors.target import Target
from tests.assessments.collectors.conftest import MemoryHostKeys


def result(transport: str) -> CollectResult:
    return CollectResult(os_family="linux", probes={}, transport=transport)


@pytest.fixture
def transports(monkeypatch):
    calls: list[str] = []
    answers: dict[str, object] = {"ssh": result("ssh"), "winrm": result("winrm")}

    def fake(name):
        def collect(target, host_keys):
            calls.append(name)
            answer = answers[name]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return collect

    monkeypatch.setitem(collectors.COLLECTORS, "ssh", fake("ssh"))
    monkeypatch.setitem(collectors.COLLECTORS, "winrm", fake("winrm"))
    return calls, answers


def target(os_family: str, seconds: float = 10) -> Target:
    return Target(name="h", address="192.0.2.1", os_family=os_family, deadline=Deadline(seconds))


def collect(os_family: str, seconds: float = 10) -> CollectResult:
    return collectors.collect(target(os_family, seconds), MemoryHostKeys())


def test_it_has_one_collector_per_transport():
    assert set(collectors.COLLECTORS) == {"ssh", "ssh_legacy", "winrm"}


def test_it_scans_linux_over_ssh_and_windows_over_winrm(transports):
    calls, _ = transports
    assert collect("linux").transport == "ssh"
    assert collect("windows").transport == "winrm"
    assert calls == ["ssh", "winrm"]


def test_it_tries_winrm_when_nothing_speaks_ssh_on_an_unknown_host(transports):
    calls, answers = transports
    answers["ssh"] = CollectError("refused", "port 22 refused")
    assert collect("unknown").transport == "winrm"
    assert calls == ["ssh", "winrm"]


def test_it_keeps_the_ssh_error_when_ssh_answered(transports):
    calls, answers = transports
    answers["ssh"] = CollectError("auth_failed", "password rejected")
    with pytest.raises(CollectError, match="auth_failed"):
        collect("unknown")
    assert calls == ["ssh"]


def test_it_reports_the_ssh_error_when_neither_transport_answers(transports):
    _, answers = transports
    answers["ssh"] = CollectError("refused", "port 22 refused")
    answers["winrm"] = CollectError("refused", "5985 refused")
    with pytest.raises(CollectError, match="port 22"):
        collect("unknown")


def test_it_does_not_try_winrm_without_time_left(transports):
    calls, answers = transports
    answers["ssh"] = CollectError("timeout", "no banner")
    with pytest.raises(CollectError, match="no banner"):
        collect("unknown", seconds=0.5)
    assert calls == ["ssh"]


def test_it_never_shows_secrets_in_a_targets_repr():
    from assessments.collectors.target import Login

    login = Login("scan", password="s3cret", private_key="KEY", passphrase="pp")
    text = repr(Target(name="h", address="a", login=login, jump=Target("j", "b", login=login)))
    assert "s3cret" not in text and "KEY" not in text and "pp'" not in text
