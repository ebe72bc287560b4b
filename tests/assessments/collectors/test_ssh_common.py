"""What both SSH paths share: jump host specs, secrets kept out of reprs, deadlines, results."""

import time

import pytest

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError, Endpoint
from assessments.collectors.deadline import Deadline
from assessments.collectors.ssh_common import Transcript, ssh_login, to_result
from assessments.collectors.target import Login, LoginKind, Target, parse_jump
from assessments.facts import ProbeOutput
from assessments.probes.framing import frame

TOKEN = "0123456789abcdef"


def target(**overrides) -> Target:
    fields = {
        "name": "web1",
        "address": "10.0.0.1",
        "login": Login("scan", password="s3cret"),
        "deadline": Deadline(60),
        **overrides,
    }
    return Target(**fields)


def transcript(*frames: bytes, stderr: bytes = b"", **kwargs) -> Transcript:
    return Transcript(b"".join(frames), stderr, 0, **kwargs)


def result(t: Transcript, **overrides):
    return to_result(target(**overrides), t, TOKEN, "ssh", "kex=x")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("bastion", (Endpoint("bastion", 22), "scan")),
        ("ops@bastion:2222", (Endpoint("bastion", 2222), "ops")),
        ("[2001:db8::1]:22", (Endpoint("2001:db8::1", 22), "scan")),
    ],
)
def test_it_parses_jump_host_specs(spec, expected):
    assert parse_jump(spec, "scan") == expected


def test_it_rejects_a_malformed_jump_host():
    with pytest.raises(CollectError):
        parse_jump("a b@c", "scan")


def test_it_never_shows_secrets_in_a_repr():
    text = repr(Login("scan", password="s3cret", private_key="KEY", passphrase="pp"))
    assert "s3cret" not in text and "KEY" not in text and "pp'" not in text


def test_an_endpoint_prints_as_host_and_port():
    assert str(Endpoint("2001:db8::1", 22)) == "[2001:db8::1]:22"
    assert Endpoint("10.0.0.1", 5986, "https").url == "https://10.0.0.1:5986/wsman"


def test_it_needs_an_ssh_credential():
    with pytest.raises(CollectError) as caught:
        ssh_login(target(login=Login("scan", password="pw", kind=LoginKind.WINRM)))
    assert caught.value.error_class == ErrorClass.NO_CREDENTIAL


def test_an_agent_login_needs_the_workers_agent():
    with pytest.raises(CollectError) as caught:
        ssh_login(target(login=Login("scan", kind=LoginKind.SSH_KEY, name="agent-key")))
    assert "SSH_AUTH_SOCK" in caught.value.detail
    assert ssh_login(target(login=Login("scan", agent_socket="/tmp/agent"))).use_agent


def test_a_spent_deadline_raises_timeout():
    deadline = Deadline(0.01)
    time.sleep(0.02)
    with pytest.raises(CollectError) as caught:
        deadline.step(10, "TCP connect", "web1:22")
    assert caught.value.error_class == ErrorClass.TIMEOUT


def test_a_step_gets_at_most_what_is_left():
    assert Deadline(5).step(30, "handshake", "web1:22") <= 5


def test_a_deadline_counts_down_to_expired():
    deadline = Deadline(0.05)
    assert 0 < deadline.remaining() <= 0.05 and not deadline.expired
    time.sleep(0.06)
    assert deadline.remaining() == 0 and deadline.expired


def test_a_step_deadline_never_outlives_the_hosts():
    host = Deadline(1)
    assert host.within(30).remaining() <= 1
    assert host.within(0.1).remaining() <= 0.1


def test_it_turns_a_transcript_into_probe_outputs():
    t = transcript(frame(TOKEN, "uname", ProbeOutput(b"Linux web1 5.10 x86_64\n", rc=0)))
    collected = result(t)
    assert collected.probes["uname"].rc == 0
    assert collected.hostname == "web1"


def test_it_reports_sudo_refusing_everything_as_permission_denied():
    denied = ProbeOutput(b"", b"sudo: a password is required\n", rc=1)
    t = transcript(frame(TOKEN, "quotaon", denied), frame(TOKEN, "raw", denied))
    with pytest.raises(CollectError) as caught:
        result(t, use_sudo=True)
    assert caught.value.error_class == ErrorClass.PERMISSION_DENIED


def test_it_keeps_what_finished_before_the_deadline_with_a_note():
    t = transcript(frame(TOKEN, "uname", ProbeOutput(b"Linux h\n", rc=0)), timed_out=True)
    assert "deadline" in result(t).notes[0]


def test_a_deadline_before_any_probe_is_a_timeout():
    with pytest.raises(CollectError) as caught:
        result(transcript(timed_out=True))
    assert caught.value.error_class == ErrorClass.TIMEOUT


def test_output_without_frames_is_a_protocol_error_quoting_stderr():
    with pytest.raises(CollectError) as caught:
        result(Transcript(b"", b"sh: 1: Syntax error\n", 2))
    assert caught.value.error_class == ErrorClass.PROTOCOL_ERROR
    assert "Syntax error" in caught.value.detail


@pytest.mark.parametrize("rc", [None, -1])  # asyncssh / paramiko: no exit status came
def test_a_host_that_hangs_up_mid_script_is_a_protocol_error_not_a_result(rc):
    t = Transcript(frame(TOKEN, "uname", ProbeOutput(b"Linux h\n", rc=0)), b"", rc)
    with pytest.raises(CollectError) as caught:
        result(t)
    assert caught.value.error_class == ErrorClass.PROTOCOL_ERROR
    assert caught.value.retryable
    assert "closed before the probe script finished (probes received: 1)" in caught.value.detail


def test_no_exit_status_at_the_deadline_is_a_timeout():
    spent = Deadline(0)
    t = Transcript(frame(TOKEN, "uname", ProbeOutput(b"Linux h\n", rc=0)), b"", None)
    with pytest.raises(CollectError) as caught:
        result(t, deadline=spent)
    assert caught.value.error_class == ErrorClass.TIMEOUT


def flooded(count: int) -> Transcript:
    empty = ProbeOutput(b"", b"", 0)
    floods = (frame(TOKEN, f"x{n}", empty) for n in range(count))
    return transcript(frame(TOKEN, "uname", ProbeOutput(b"Linux h\n", rc=0)), *floods)


def test_a_flood_of_frames_not_asked_for_fails_the_host_in_words():
    with pytest.raises(CollectError) as caught:
        to_result(target(), flooded(3000), TOKEN, "ssh", "kex=x", frozenset({"uname", "df"}))
    assert caught.value.error_class == ErrorClass.PROTOCOL_ERROR
    assert not caught.value.retryable  # the host would flood again
    assert "the host sent 3,001 frames for 2 probes sent; frame 'x0' was not asked for" in (
        caught.value.detail
    )


def test_the_sessions_bound_is_the_probes_its_script_frames():
    from assessments.collectors.ssh_common import default_script
    from assessments.probes import LINUX
    from assessments.probes.script import framed_probes

    assert framed_probes(default_script(False, TOKEN)) == frozenset(LINUX)
    assert framed_probes("echo hi\n") == frozenset()
