"""`build_target`: from an inventory row to the collector's frozen Target and key store."""

import pytest

from assessments.collectors.hostkeys import PresentedKey
from assessments.scanning.targets import build_target, group_policies
from fleet.choices import HostKeyState
from fleet.models import Credential, Host, HostGroup, HostKey
from tests.assessments.collectors.conftest import make_credential, make_host

pytestmark = pytest.mark.django_db

KEY = PresentedKey("ssh-ed25519", b"bastion-key-blob")


def loaded(host: Host) -> Host:
    """The host as the batch reads it: with its credential and destination, in one query."""
    return Host.objects.select_related("credential", "target").get(pk=host.pk)


def test_it_decrypts_the_password_and_keeps_it_out_of_the_repr():
    target, _ = build_target(make_host(trust=False, credential=make_credential(secret="s3cr3t")))
    assert target.login.password == "s3cr3t"
    assert "s3cr3t" not in repr(target)


def test_it_decrypts_a_private_key_and_its_passphrase():
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    credential = make_credential("ssh_key", secret=key, passphrase="pp")
    login = build_target(make_host(trust=False, credential=credential)).target.login
    assert (login.private_key, login.passphrase, login.password) == (key, "pp", None)
    assert not login.use_agent


def test_a_credential_without_a_secret_means_the_workers_agent(monkeypatch):
    monkeypatch.setenv("SSH_AUTH_SOCK", "/run/agent.sock")
    host = make_host(trust=False, credential=make_credential("ssh_key", secret=""))
    login = build_target(host).target.login
    assert login.use_agent and login.agent_socket == "/run/agent.sock"


def test_it_reads_an_ssh_hosts_group_policies_in_one_query(django_assert_num_queries):
    host = loaded(make_host(trust=True, use_sudo=True))
    with django_assert_num_queries(1):
        target, _ = build_target(host)
    assert (target.trust_first_host_key, target.legacy_ssh, target.use_sudo) == (True, False, True)


def test_it_reads_nothing_for_a_windows_host(django_assert_num_queries):
    credential = make_credential("winrm", winrm_transport="basic")
    host = loaded(make_host(os_family="windows", winrm_port=5986, credential=credential))
    with django_assert_num_queries(0):
        target, _ = build_target(host)
    assert (target.winrm_transport, target.winrm_port, target.transports) == (
        "basic",
        5986,
        ("winrm",),
    )


def test_it_reads_nothing_for_a_host_without_an_ssh_credential(django_assert_num_queries):
    host = loaded(make_host(credential=None))
    with django_assert_num_queries(0):
        target, _ = build_target(host)
    assert target.login is None


def test_the_hosts_transport_wins_over_the_credentials():
    credential = make_credential("winrm", winrm_transport="basic")
    host = make_host(os_family="windows", winrm_transport="ntlm", credential=credential)
    assert build_target(host).target.winrm_transport == "ntlm"


def test_it_creates_no_host_row_for_a_host_without_jump_host():
    make_host(trust=False)
    build_target(make_host(trust=False))
    assert Host.objects.count() == 2


def test_it_prepares_a_disabled_entry_for_a_new_jump_host():
    host = make_host(trust=False, jump_host="ops@192.0.2.50:2222")
    jump = build_target(host).target.jump
    bastion = Host.objects.get(name="192.0.2.50:2222")
    assert (jump.name, jump.address, jump.port, jump.login.username) == (
        bastion.name,
        "192.0.2.50",
        2222,
        "ops",
    )
    assert not bastion.enabled


def test_it_uses_an_existing_entry_for_a_jump_host_and_its_policy():
    bastion = make_host(name="bastion", address="192.0.2.50", port=None, trust=True)
    host = make_host(trust=False, jump_host="192.0.2.50")
    jump = build_target(host).target.jump
    assert (jump.name, jump.trust_first_host_key) == ("bastion", True)
    assert Host.objects.filter(address=bastion.address).count() == 1


def test_the_hosts_policy_trusts_the_jump_hosts_first_key_too():
    host = make_host(trust=True, jump_host="192.0.2.50")
    assert build_target(host).target.jump.trust_first_host_key


def test_the_store_pins_a_jump_hosts_key_on_its_entry():
    host = make_host(trust=False, jump_host="192.0.2.50:2222")
    target, store = build_target(host)
    store.record("192.0.2.50", 2222, KEY, trusted=False, known=False)
    assert HostKey.objects.get(host__name="192.0.2.50:2222").state == HostKeyState.PENDING
    assert store.lookup("192.0.2.50", 2222)[0].fingerprint == KEY.fingerprint
    assert store.lookup(target.address, target.port) == []


def test_a_malformed_jump_host_is_left_for_the_collector_to_report():
    target, _ = build_target(make_host(trust=False, jump_host="a b@c"))
    assert target.jump is None and "is not [user@]host[:port]" in target.jump_problem


def test_its_deadline_starts_when_it_is_built():
    target, _ = build_target(make_host(trust=False), 30)
    assert 29 < target.deadline.remaining() <= 30


def test_a_credential_that_cannot_be_decrypted_fails_loudly():
    credential = Credential.objects.create(
        name="broken", kind="ssh_password", username="u", secret_encrypted="not-fernet"
    )
    with pytest.raises(Exception, match="cannot be decrypted"):
        build_target(make_host(trust=False, credential=credential))


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
    host = make_host(trust=False, allow_legacy_ssh=host_legacy)
    for number, (trust, legacy) in enumerate(groups):
        group = HostGroup.objects.create(
            name=f"g{number}", trust_first_host_key=trust, allow_legacy_ssh=legacy
        )
        host.groups.add(group)
    with django_assert_num_queries(1):
        flags = group_policies(host)
    assert flags == (host.trusts_first_host_key(), host.legacy_ssh_allowed())


def test_group_policies_ignore_groups_the_host_is_not_in():
    host = make_host(trust=False)
    other = make_host(trust=False)
    other.groups.add(HostGroup.objects.create(name="g", trust_first_host_key=True))
    assert group_policies(host) == (False, False)
