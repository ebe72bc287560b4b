"""Host key pinning: first contact, trust by policy, changed and rejected keys."""

import base64
from dataclasses import replace

import pytest

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError, Endpoint
from assessments.collectors.hostkeys import (
    KnownKey,
    Outcome,
    PinPolicy,
    PresentedKey,
    fingerprint,
    verify,
)
from assessments.scanning.targets import OrmHostKeys
from fleet.choices import HostKeyState
from fleet.lib import hostkeys
from fleet.models import Host, HostKey
from tests.assessments.collectors.conftest import (
    MemoryHostKeys,
    collect_over_ssh,
    make_host,
    prepare,
)

NEW = PresentedKey("ssh-ed25519", b"new-key-blob")
OLD = PresentedKey("ssh-ed25519", b"old-key-blob")


def known(key: PresentedKey, state: str) -> KnownKey:
    return KnownKey(key.key_type, key.public_key, key.fingerprint, state)


def policy(*keys: KnownKey, trust_first: bool = False) -> PinPolicy:
    endpoint = Endpoint("10.0.0.1", 22)
    return PinPolicy(endpoint, host_name="web1", trust_first=trust_first, known=list(keys))


def pins(host: Host, trust_first: bool | None = None) -> tuple[OrmHostKeys, PinPolicy]:
    """The host's key store and its pins as a scan looks them up (`trust_first` overriding
    the host's group policy when given)."""
    target, store = prepare(host)
    if trust_first is not None:
        target = replace(target, trust_first_host_key=trust_first)
    return store, PinPolicy.look_up(target, store)


def test_it_computes_fingerprints_as_openssh_does():
    blob = base64.b64decode("AAAAC3NzaC1lZDI1NTE5AAAAIFvhPjdPlfYFsvp+7x9FCGDUbMPIukgCcq/6+dMLLyoy")
    assert fingerprint(blob) == "SHA256:yhEdKxQYOnLVda7eerzWMAkB+LSDmVCIMlIvHcesGS4"


def test_it_proceeds_with_a_trusted_key():
    assert policy(known(NEW, HostKeyState.TRUSTED)).decide(NEW) is Outcome.TRUSTED


def test_it_holds_a_first_key_for_approval():
    assert policy().decide(NEW) is Outcome.UNKNOWN


def test_it_trusts_a_first_key_when_the_policy_says_so():
    assert policy(trust_first=True).decide(NEW) is Outcome.TRUST_FIRST


def test_it_never_trusts_on_first_use_once_a_key_is_trusted():
    pins = policy(known(OLD, HostKeyState.TRUSTED), trust_first=True)
    assert pins.decide(NEW) is Outcome.CHANGED


def test_it_refuses_a_rejected_key():
    assert policy(known(NEW, HostKeyState.REJECTED), trust_first=True).decide(NEW) is (
        Outcome.REJECTED
    )


def test_it_names_old_and_new_fingerprints_when_a_key_changed():
    pins = policy(known(OLD, HostKeyState.TRUSTED))
    detail = pins.error(NEW, Outcome.CHANGED).detail
    assert OLD.fingerprint in detail and NEW.fingerprint in detail
    assert "host_keys --approve web1" in detail


def test_it_records_a_first_key_in_the_store_as_pending_and_refuses_it():
    store = MemoryHostKeys()
    with pytest.raises(CollectError) as caught:
        verify(store, policy(), NEW)
    assert caught.value.error_class == ErrorClass.HOST_KEY_UNKNOWN
    assert store.lookup("10.0.0.1", 22)[0].state == "pending"


def test_it_records_a_first_key_trusted_by_policy_and_proceeds():
    store = MemoryHostKeys()
    verify(store, policy(trust_first=True), NEW)
    assert store.recorded == [("10.0.0.1", 22, NEW, True)]


def test_it_records_a_changed_key_as_pending_and_names_both_fingerprints():
    store = MemoryHostKeys()
    with pytest.raises(CollectError) as caught:
        verify(store, policy(known(OLD, HostKeyState.TRUSTED), trust_first=True), NEW)
    assert store.recorded == [("10.0.0.1", 22, NEW, False)]
    assert OLD.fingerprint in caught.value.detail and NEW.fingerprint in caught.value.detail


@pytest.mark.django_db
def test_it_records_a_first_key_as_pending(db):
    host = make_host(trust=False)
    with pytest.raises(CollectError) as caught:
        verify(*pins(host), NEW)
    assert caught.value.error_class == ErrorClass.HOST_KEY_UNKNOWN
    assert HostKey.objects.get(host=host).state == HostKeyState.PENDING


@pytest.mark.django_db
def test_it_records_a_changed_key_as_pending_beside_the_trusted_one(db):
    host = make_host(trust=False)
    verify(*pins(host, trust_first=True), OLD)
    with pytest.raises(CollectError) as caught:
        verify(*pins(host, trust_first=True), NEW)
    assert caught.value.error_class == ErrorClass.HOST_KEY_CHANGED
    states = dict(HostKey.objects.filter(host=host).values_list("public_key", "state"))
    assert states == {OLD.public_key: "trusted", NEW.public_key: "pending"}


@pytest.mark.django_db
def test_approving_a_new_key_retires_the_old_one_of_its_type(db):
    host = make_host(trust=False)
    verify(*pins(host, trust_first=True), OLD)
    with pytest.raises(CollectError):
        verify(*pins(host), NEW)
    hostkeys.approve_host(host)
    verify(*pins(host), NEW)
    with pytest.raises(CollectError) as caught:
        verify(*pins(host), OLD)
    assert caught.value.error_class == ErrorClass.HOST_KEY_CHANGED


@pytest.mark.sshd
@pytest.mark.django_db
class TestAgainstARealServer:
    def test_it_stops_at_an_unknown_key_before_logging_in(self, sshd):
        host = make_host(sshd, trust=False)
        with pytest.raises(CollectError) as caught:
            collect_over_ssh(host)
        assert caught.value.error_class == ErrorClass.HOST_KEY_UNKNOWN
        assert sshd.host_key_fingerprint in caught.value.detail
        assert HostKey.objects.get(host=host).fingerprint == sshd.host_key_fingerprint

    def test_it_proceeds_once_the_key_is_approved(self, sshd):
        host = make_host(sshd, trust=False)
        with pytest.raises(CollectError):
            collect_over_ssh(host)
        hostkeys.approve_host(host)
        assert collect_over_ssh(host).probes["whoami"].rc == 0

    def test_it_trusts_the_first_key_by_group_policy(self, sshd):
        host = make_host(sshd, trust=True)
        collect_over_ssh(host)
        assert HostKey.objects.get(host=host).state == HostKeyState.TRUSTED

    def test_it_refuses_a_server_whose_key_changed(self, sshd):
        host = make_host(sshd, trust=True)
        HostKey.objects.create(
            host=host,
            key_type="ssh-ed25519",
            fingerprint=OLD.fingerprint,
            public_key=OLD.public_key,
            state=HostKeyState.TRUSTED,
        )
        with pytest.raises(CollectError) as caught:
            collect_over_ssh(host)
        assert caught.value.error_class == ErrorClass.HOST_KEY_CHANGED
        assert OLD.fingerprint in caught.value.detail
        assert sshd.host_key_fingerprint in caught.value.detail

    def test_it_refuses_a_rejected_key(self, sshd):
        host = make_host(sshd, trust=True)
        collect_over_ssh(host)
        hostkeys.reject(HostKey.objects.get(host=host))
        with pytest.raises(CollectError) as caught:
            collect_over_ssh(host)
        assert "rejected" in caught.value.detail


@pytest.mark.django_db
def test_it_touches_a_trusted_key_in_one_query(db, django_assert_num_queries):
    host = make_host(trust=False)
    verify(*pins(host, trust_first=True), OLD)
    row = HostKey.objects.get(host=host)
    HostKey.objects.filter(pk=row.pk).update(last_seen=row.first_seen.replace(year=2020))
    store, pinned = pins(host)
    with django_assert_num_queries(1):
        verify(store, pinned, OLD)
    row.refresh_from_db()
    assert row.last_seen.year != 2020 and row.state == HostKeyState.TRUSTED


@pytest.mark.django_db
def test_it_records_a_trusted_key_again_if_it_was_deleted_meanwhile(db):
    host = make_host(trust=False)
    verify(*pins(host, trust_first=True), OLD)
    store, pinned = pins(host)
    HostKey.objects.filter(host=host).delete()
    verify(store, pinned, OLD)
    assert HostKey.objects.get(host=host).state == HostKeyState.PENDING


@pytest.mark.django_db
def test_it_stores_a_first_key_without_looking_it_up_again(db, django_assert_num_queries):
    host = make_host(trust=False)
    store, pinned = pins(host, trust_first=True)
    with django_assert_num_queries(3):  # SAVEPOINT, INSERT, RELEASE (get_or_create: 6)
        verify(store, pinned, NEW)
    assert HostKey.objects.get(host=host).state == HostKeyState.TRUSTED


@pytest.mark.django_db
def test_a_first_key_another_worker_stored_meanwhile_is_trusted_once(db):
    host = make_host(trust=False)
    store, pinned = pins(host, trust_first=True)
    HostKey.objects.create(
        host=host,
        key_type=NEW.key_type,
        public_key=NEW.public_key,
        fingerprint=NEW.fingerprint,
        state=HostKeyState.PENDING,
    )
    verify(store, pinned, NEW)
    assert HostKey.objects.get(host=host).state == HostKeyState.TRUSTED
