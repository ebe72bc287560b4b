"""What both SSH paths share: jump host specs, secrets kept out of reprs, deadlines, results."""

import time

import pytest

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from assessments.collectors.hostkeys import PinPolicy
from assessments.collectors.ssh_target import (
    Deadline,
    Endpoint,
    Login,
    Target,
    Transcript,
    group_policies,
    parse_jump,
    to_result,
)
from assessments.facts import ProbeOutput
from assessments.probes.framing import frame

TOKEN = "0123456789abcdef"


def target(**overrides) -> Target:
    fields = {
        "name": "web1",
        "endpoint": Endpoint("10.0.0.1", 22, "scan"),
        "login": Login("scan", password="s3cret"),
        "pins": PinPolicy(host_id=1, host_name="web1", trust_first=False),
        **overrides,
    }
    return Target(**fields)


def transcript(*frames: bytes, stderr: bytes = b"", **kwargs) -> Transcript:
    return Transcript(b"".join(frames), stderr, 0, **kwargs)


def result(t: Transcript, **overrides):
    return to_result(target(**overrides), t, TOKEN, "ssh", "kex=x", Deadline(60))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("bastion", Endpoint("bastion", 22, "scan")),
        ("ops@bastion:2222", Endpoint("bastion", 2222, "ops")),
        ("[2001:db8::1]:22", Endpoint("2001:db8::1", 22, "scan")),
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


def test_a_spent_deadline_raises_timeout():
    deadline = Deadline(0.01)
    time.sleep(0.02)
    with pytest.raises(CollectError) as caught:
        deadline.step(10, "TCP connect", "web1:22")
    assert caught.value.error_class == ErrorClass.TIMEOUT


def test_a_step_gets_at_most_what_is_left():
    assert Deadline(5).step(30, "handshake", "web1:22") <= 5


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host_legacy", "groups"),
    [
        (False, []),
        (True, []),
        (False, [(True, False)]),
        (False, [(False, True)]),
        (False, [(False, False), (True, True)]),
    ],
)
def test_group_policies_agree_with_the_host_model_in_one_query(
    host_legacy, groups, django_assert_num_queries
):
    from fleet.models import HostGroup
    from tests.assessments.collectors.conftest import make_host

    host = make_host(trust=False, allow_legacy_ssh=host_legacy)
    for number, (trust, legacy) in enumerate(groups):
        group = HostGroup.objects.create(
            name=f"g{number}", trust_first_host_key=trust, allow_legacy_ssh=legacy
        )
        host.groups.add(group)
    with django_assert_num_queries(1):
        flags = group_policies(host)
    assert flags == (host.trusts_first_host_key(), host.legacy_ssh_allowed())


@pytest.mark.django_db
def test_group_policies_ignore_groups_the_host_is_not_in():
    from fleet.models import HostGroup
    from tests.assessments.collectors.conftest import make_host

    host = make_host(trust=False)
    other = make_host(trust=False)
    other.groups.add(HostGroup.objects.create(name="g", trust_first_host_key=True))
    assert group_policies(host) == (False, False)
