"""`manage.py host_keys`: list, approve and reject SSH host keys."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fleet.choices import HostKeyState
from fleet.models import Host, HostKey

pytestmark = pytest.mark.django_db


def make_key(host_name: str = "web1", state: str = HostKeyState.PENDING, blob: str = "AAAA1"):
    host, _ = Host.objects.get_or_create(name=host_name, defaults={"address": "10.0.0.1"})
    return HostKey.objects.create(
        host=host,
        key_type="ssh-ed25519",
        fingerprint=f"SHA256:{blob}",
        public_key=blob,
        state=state,
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("host_keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_lists_keys_with_type_fingerprint_and_state():
    make_key()
    lines = run().splitlines()
    assert lines[0].split()[:4] == ["HOST", "TYPE", "FINGERPRINT", "STATE"]
    assert lines[1].split()[:4] == ["web1", "ssh-ed25519", "SHA256:AAAA1", "pending"]


def test_it_lists_only_pending_keys_when_asked():
    make_key("web1")
    make_key("web2", state=HostKeyState.TRUSTED, blob="AAAA2")
    output = run("--pending")
    assert "web1" in output and "web2" not in output


def test_it_says_when_there_is_nothing_to_list():
    assert "no host keys" in run()


def test_it_approves_the_pending_keys_of_named_hosts():
    key = make_key("web1")
    other = make_key("web2", blob="AAAA2")
    run("--approve", "web1")
    key.refresh_from_db()
    other.refresh_from_db()
    assert (key.state, other.state) == (HostKeyState.TRUSTED, HostKeyState.PENDING)
    assert key.decided is not None


def test_it_approves_every_pending_key():
    make_key("web1")
    make_key("web2", blob="AAAA2")
    output = run("--approve-pending")
    assert output.count("trusted:") == 2
    assert not HostKey.objects.filter(state=HostKeyState.PENDING).exists()


def test_it_retires_the_old_key_when_a_new_one_is_approved():
    old = make_key("web1", state=HostKeyState.TRUSTED, blob="OLD")
    make_key("web1", blob="NEW")
    run("--approve", "web1")
    old.refresh_from_db()
    assert old.state == HostKeyState.REJECTED


def test_it_rejects_pending_keys():
    key = make_key("web1")
    run("--reject", "web1")
    key.refresh_from_db()
    assert key.state == HostKeyState.REJECTED


def test_it_fails_on_an_unknown_host():
    with pytest.raises(CommandError, match="no such host: nope"):
        run("--approve", "nope")
