"""From the inventory to what a collector needs: `build_target(host)` and the host key store.

The batch job loads its hosts with their credentials and destinations in one query; for each
host, `build_target` adds what a scan needs beyond that row, with the queries the scan of that
host always made (none for a Windows host; for an SSH host, its group policies in one query,
and for a host behind a jump host, the jump host's inventory entry and its policy), decrypts
the credential, and returns a frozen `Target` with an `OrmHostKeys`, the `HostKeyStore` over
`fleet.models.HostKey` that the collector asks for pins and tells what it met (one query for
each lookup, one UPDATE for a trusted key met again, one INSERT for a new key).
"""

import os
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from assessments.collectors.base import CollectError
from assessments.collectors.deadline import Deadline
from assessments.collectors.hostkeys import KnownKey, PresentedKey
from assessments.collectors.target import Login, Target, parse_jump
from assessments.scanning.dbretry import retry
from fleet.choices import CredentialKind, HostKeyState, OsFamily, WinrmTransport
from fleet.models import Credential, Host, HostKey

T = TypeVar("T")

# As SQL text: building the queryset cost 1 ms of worker CPU per SSH host of a fleet scan.
HOST_KEYS = "SELECT key_type, public_key, fingerprint, state FROM fleet_hostkey WHERE host_id = %s"
SSH_KINDS = (CredentialKind.SSH_KEY, CredentialKind.SSH_PASSWORD)


class Prepared(NamedTuple):
    """A host made ready to collect: its target and the store of its host keys."""

    target: Target
    host_keys: "OrmHostKeys"


def build_target(host: Host, deadline_s: float | None = None) -> Prepared:
    """The `Target` of `host` (its deadline starting now), and its host key store.

    `deadline_s` defaults to `SCAN_HOST_DEADLINE`. Never raises for a missing or unusable
    credential: the collector reports that, as it reports everything else about the host.
    """
    deadline = Deadline(settings.SCAN_HOST_DEADLINE if deadline_s is None else deadline_s)
    credential = host.credential
    login = _login(credential) if credential is not None else None
    owners = {(host.address, host.port or 22): host.pk}
    trust_first = legacy = False
    jump: Target | None = None
    jump_problem = ""
    # The SSH reads only for a host SSH will try with a login it can use (as the collector
    # would fail first otherwise, before these queries).
    if host.os_family != OsFamily.WINDOWS and _ssh_usable(login):
        assert login is not None
        trust_first, legacy = group_policies(host)
        if host.jump_host.strip():
            try:
                jump, bastion_pk = _jump_target(host, login, trust_first, deadline)
                # A jump host at the host's own address and port is that server: its pins.
                owners.setdefault((jump.address, jump.port or 22), bastion_pk)
            except CollectError as exc:
                jump_problem = exc.detail
    target = Target(
        name=host.name,
        address=host.address,
        port=host.port,
        os_family=host.os_family,
        login=login,
        deadline=deadline,
        use_sudo=host.use_sudo,
        legacy_ssh=legacy,
        trust_first_host_key=trust_first,
        jump=jump,
        jump_problem=jump_problem,
        winrm_scheme=host.winrm_scheme,
        winrm_port=host.winrm_port,
        winrm_transport=host.winrm_transport
        or (credential.winrm_transport if credential else WinrmTransport.NTLM),
        winrm_validate_certificate=credential.validate_certificate if credential else True,
        winrm_batch_probes=settings.WINRM_BATCH_PROBES,
    )
    return Prepared(target, OrmHostKeys(owners))


def _login(credential: Credential) -> Login:
    """The credential decrypted (once per host, right before collecting)."""
    secret = credential.secret() if credential.has_secret else ""
    # An SSH credential without a secret logs in with the worker's agent.
    uses_agent = not secret and credential.kind in SSH_KINDS
    agent_socket = os.environ.get("SSH_AUTH_SOCK", "") if uses_agent else ""
    if credential.kind == CredentialKind.SSH_KEY:
        passphrase = credential.passphrase() if credential.passphrase_encrypted else None
        return Login(
            credential.username,
            private_key=secret or None,
            passphrase=passphrase,
            kind=credential.kind,
            name=credential.name,
            agent_socket=agent_socket,
        )
    return Login(
        credential.username,
        password=secret or None,
        kind=credential.kind,
        name=credential.name,
        agent_socket=agent_socket,
    )


def _ssh_usable(login: Login | None) -> bool:
    if login is None or login.kind not in SSH_KINDS:
        return False
    return not login.use_agent or bool(login.agent_socket)


def group_policies(host: Host) -> tuple[bool, bool]:
    """(trust first host key, legacy SSH allowed) of the host and its groups: the one rule,
    `Host.objects.ssh_policies`, in one query."""
    policy = Host.objects.ssh_policies([host.pk]).get(host.pk)
    if policy is None:  # not saved: only its own flag
        return False, host.allow_legacy_ssh
    return policy.trust_first_host_key, policy.allow_legacy_ssh


def _jump_target(
    host: Host, login: Login, trust_first: bool, deadline: Deadline
) -> tuple[Target, int]:
    """The jump host's own target and the pk of the inventory entry that pins its keys."""
    endpoint, username = parse_jump(host.jump_host, login.username)
    bastion = bastion_host(endpoint.address, endpoint.port, host)
    target = Target(
        name=bastion.name,
        address=endpoint.address,
        port=endpoint.port,
        os_family=OsFamily.LINUX,
        login=replace(login, username=username),
        deadline=deadline,
        # Its first key is trusted when a group of the bastion, or of the host, trusts it.
        trust_first_host_key=bastion.trusts_first_host_key() or trust_first,
    )
    return target, bastion.pk


def bastion_host(address: str, port: int, for_host: Host) -> Host:
    """The inventory entry whose pins guard a jump host, created (disabled) on first use."""
    for existing in Host.objects.filter(Q(address=address) | Q(name=address)):
        if (existing.port or 22) == port:
            return existing
    name = address if port == 22 else f"{address}:{port}"
    bastion, _ = Host.objects.get_or_create(
        name=name,
        defaults={
            "address": address,
            "port": port,
            "os_family": OsFamily.LINUX,
            "enabled": False,
            "notes": f"SSH jump host (first used for {for_host.name}); kept to pin its host key.",
        },
    )
    return bastion


class OrmHostKeys:
    """The `HostKeyStore` of one host's scan: `fleet.models.HostKey` rows of the inventory
    entries its endpoints map to (the host itself, and its jump host's entry).

    The collector calls it in the middle of a handshake: a lost database connection is
    retried for a few seconds (`dbretry.retry`) instead of failing the host.
    """

    # Seconds a handshake waits for the database before the host fails (its deadline runs).
    RETRY_FOR = 10.0

    def __init__(self, owners: dict[tuple[str, int], int]) -> None:
        self.owners = owners

    def _retried(self, what: str, fn: Callable[[], T]) -> T:
        return retry(fn, f"host keys: {what}", give_up_after=self.RETRY_FOR)

    def lookup(self, address: str, port: int) -> list[KnownKey]:
        def read() -> list[KnownKey]:
            with connection.cursor() as cursor:
                cursor.execute(HOST_KEYS, [self.owners[(address, port)]])
                return [KnownKey(*row) for row in cursor.fetchall()]

        return self._retried(f"look up {address}:{port}", read)

    def touch(self, address: str, port: int, key: PresentedKey) -> bool:
        """Refresh `last_seen` of a known trusted key in one UPDATE (the usual case of a fleet
        scan; a transaction with get_or_create and save costs four queries per host)."""
        rows = HostKey.objects.filter(
            host_id=self.owners[(address, port)],
            key_type=key.key_type,
            public_key=key.public_key,
        )
        touched = self._retried(
            f"touch {address}:{port}", lambda: rows.update(last_seen=timezone.now())
        )
        return bool(touched)

    def record(
        self, address: str, port: int, key: PresentedKey, *, trusted: bool, known: bool
    ) -> None:
        self._retried(
            f"record {address}:{port}",
            lambda: self._record(address, port, key, trusted=trusted, known=known),
        )

    def _record(
        self, address: str, port: int, key: PresentedKey, *, trusted: bool, known: bool
    ) -> None:
        host_id = self.owners[(address, port)]
        state = HostKeyState.TRUSTED if trusted else HostKeyState.PENDING
        if not known and _insert(host_id, key, state):
            return
        try:
            with transaction.atomic():
                row, created = HostKey.objects.get_or_create(
                    host_id=host_id,
                    key_type=key.key_type,
                    public_key=key.public_key,
                    defaults={"fingerprint": key.fingerprint, "state": state},
                )
                if not created and trusted:
                    row.state = HostKeyState.TRUSTED
                    row.decided = timezone.now()
                if not created:
                    row.save()  # refreshes last_seen
        except IntegrityError:
            # Another worker recorded the same key at the same moment: nothing left to store.
            return


def _insert(host_id: int, key: PresentedKey, state: str) -> bool:
    """Store a key the lookup did not return in one INSERT (a fleet's first scan meets every
    key for the first time). False when another worker stored it meanwhile."""
    try:
        with transaction.atomic():
            HostKey.objects.create(
                host_id=host_id,
                key_type=key.key_type,
                public_key=key.public_key,
                fingerprint=key.fingerprint,
                state=state,
            )
    except IntegrityError:
        return False
    return True
