"""Hosts that only speak SHA-1 key exchange and ssh-rsa host keys (a real sshd configured so)."""

import pytest

from assessments import collectors
from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from fleet.choices import CredentialKind, HostKeyState
from fleet.models import HostGroup, HostKey
from tests.assessments.collectors.conftest import (
    collect_over_ssh,
    key_credential,
    make_credential,
    make_host,
    prepare,
    tiny_script,
)

pytestmark = [pytest.mark.sshd, pytest.mark.django_db]


def failure(host, **kwargs) -> CollectError:
    with pytest.raises(CollectError) as caught:
        collect_over_ssh(host, **kwargs)
    return caught.value


def test_it_refuses_a_legacy_host_unless_allowed(legacy_sshd):
    error = failure(make_host(legacy_sshd))
    assert error.error_class == ErrorClass.INCOMPATIBLE_SSH
    assert "allow legacy SSH" in error.detail


def test_it_collects_a_legacy_host_when_the_host_allows_it(legacy_sshd):
    result = collect_over_ssh(make_host(legacy_sshd, allow_legacy_ssh=True))
    assert result.transport == "ssh_legacy"
    assert result.probes["whoami"].stdout.strip() == b"p2ctest"


def test_it_records_the_legacy_algorithms_it_used(legacy_sshd):
    result = collect_over_ssh(make_host(legacy_sshd, allow_legacy_ssh=True))
    assert "kex=diffie-hellman-group14-sha1" in result.algorithms
    assert "hostkey=ssh-rsa" in result.algorithms


def test_it_collects_a_legacy_host_when_a_group_allows_it(legacy_sshd):
    host = make_host(legacy_sshd)
    host.groups.add(HostGroup.objects.create(name="rhel5", allow_legacy_ssh=True))
    assert collect_over_ssh(host).transport == "ssh_legacy"


def test_it_authenticates_with_a_key_on_the_legacy_path(legacy_sshd, client_keys):
    host = make_host(
        legacy_sshd, allow_legacy_ssh=True, credential=key_credential(client_keys, encrypted=True)
    )
    assert collect_over_ssh(host).probes["whoami"].rc == 0


def test_it_reports_a_wrong_password_on_the_legacy_path(legacy_sshd):
    credential = make_credential(secret="wrong-pw")
    error = failure(make_host(legacy_sshd, allow_legacy_ssh=True, credential=credential))
    assert error.error_class == ErrorClass.AUTH_FAILED


def test_it_pins_legacy_host_keys_as_pending_on_first_contact(legacy_sshd):
    host = make_host(legacy_sshd, allow_legacy_ssh=True, trust=False)
    error = failure(host)
    assert error.error_class == ErrorClass.HOST_KEY_UNKNOWN
    key = HostKey.objects.get(host=host)
    assert (key.key_type, key.state) == ("ssh-rsa", HostKeyState.PENDING)
    assert key.fingerprint == legacy_sshd.host_key_fingerprint


def test_it_refuses_a_changed_legacy_host_key(legacy_sshd):
    host = make_host(legacy_sshd, allow_legacy_ssh=True, trust=False)
    HostKey.objects.create(
        host=host,
        key_type="ssh-rsa",
        fingerprint="SHA256:old",
        public_key="AAAAold",
        state=HostKeyState.TRUSTED,
    )
    error = failure(host)
    assert error.error_class == ErrorClass.HOST_KEY_CHANGED
    assert "SHA256:old" in error.detail and legacy_sshd.host_key_fingerprint in error.detail


def test_it_goes_through_a_jump_host_on_the_legacy_path(legacy_sshd, bastion_sshd):
    host = make_host(legacy_sshd, allow_legacy_ssh=True, jump_host=f"127.0.0.1:{bastion_sshd.port}")
    assert collect_over_ssh(host).transport == "ssh_legacy"


def test_it_authenticates_with_the_workers_ssh_agent_on_the_legacy_path(
    legacy_sshd, agent_socket, monkeypatch
):
    monkeypatch.setenv("SSH_AUTH_SOCK", agent_socket)
    credential = make_credential(CredentialKind.SSH_KEY, secret="")
    host = make_host(legacy_sshd, allow_legacy_ssh=True, credential=credential)
    assert collect_over_ssh(host).probes["whoami"].rc == 0


def test_the_legacy_collector_goes_straight_to_asyncssh(legacy_sshd, monkeypatch):
    monkeypatch.setattr("assessments.collectors.ssh_common.default_script", tiny_script)
    result = collectors.COLLECTORS["ssh_legacy"](*prepare(make_host(legacy_sshd)))
    assert result.transport == "ssh_legacy"
    assert result.probes["whoami"].stdout.strip() == b"p2ctest"
