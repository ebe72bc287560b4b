"""SSH host key pinning against `fleet.models.HostKey`: never log in to an unapproved server.

The rules, checked after key exchange and before any credential is sent:
- a trusted key that matches: proceed;
- a rejected key: refuse;
- any other key while the host has a trusted one: `host_key_changed` (old and new fingerprints
  in the detail), the new key recorded as pending for an admin to approve;
- no trusted key yet: trusted on the spot when a group of the host trusts first contact,
  otherwise recorded as pending and `host_key_unknown`.

`PinPolicy` is loaded from the database before connecting and decides without I/O, so the
asyncssh path can call it from inside its event loop; `record()` writes the outcome once the
caller is back in synchronous code.
"""

import base64
from dataclasses import dataclass, field
from enum import Enum

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from fleet.choices import HostKeyState
from fleet.lib.hostkeys import fingerprint
from fleet.models import Host, HostKey


@dataclass(frozen=True)
class PresentedKey:
    """The public host key a server proved it holds during key exchange."""

    key_type: str  # the blob's own type: "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"
    blob: bytes

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.blob).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.blob)

    def describe(self) -> str:
        return f"{self.key_type} {self.fingerprint}"


@dataclass(frozen=True)
class KnownKey:
    key_type: str
    public_key: str
    fingerprint: str
    state: str


class Outcome(Enum):
    TRUSTED = "trusted"
    TRUST_FIRST = "trust_first"
    UNKNOWN = "unknown"
    CHANGED = "changed"
    REJECTED = "rejected"

    @property
    def proceeds(self) -> bool:
        return self in (Outcome.TRUSTED, Outcome.TRUST_FIRST)


@dataclass
class PinPolicy:
    """What the database knows about one host's keys, and whether first contact is trusted."""

    host_id: int
    host_name: str
    trust_first: bool
    known: list[KnownKey] = field(default_factory=list)

    @property
    def trusted(self) -> list[KnownKey]:
        return [key for key in self.known if key.state == HostKeyState.TRUSTED]

    def preferred_types(self) -> list[str]:
        """Key types already trusted, to ask the server for those first (fewer false alarms)."""
        return sorted({key.key_type for key in self.trusted})

    def match(self, key: PresentedKey) -> KnownKey | None:
        return next(
            (
                known
                for known in self.known
                if known.key_type == key.key_type and known.public_key == key.public_key
            ),
            None,
        )

    def knows(self, key: PresentedKey) -> bool:
        return self.match(key) is not None

    def decide(self, key: PresentedKey) -> Outcome:
        match = self.match(key)
        if match is not None and match.state == HostKeyState.TRUSTED:
            return Outcome.TRUSTED
        if match is not None and match.state == HostKeyState.REJECTED:
            return Outcome.REJECTED
        if self.trusted:
            return Outcome.CHANGED
        return Outcome.TRUST_FIRST if self.trust_first else Outcome.UNKNOWN

    def error(self, key: PresentedKey, outcome: Outcome) -> CollectError:
        approve = f"`python manage.py host_keys --approve {self.host_name}` or the host page"
        if outcome is Outcome.REJECTED:
            return CollectError(
                ErrorClass.HOST_KEY_CHANGED,
                f"{self.host_name} presented host key {key.describe()}, which an admin "
                "rejected; the scan did not log in",
            )
        if outcome is Outcome.CHANGED:
            old = ", ".join(f"{k.key_type} {k.fingerprint}" for k in self.trusted)
            return CollectError(
                ErrorClass.HOST_KEY_CHANGED,
                f"host key of {self.host_name} changed: trusted {old}, now presented "
                f"{key.describe()}. A reinstalled server or an attack: check it with the "
                f"server's owner, then approve the new key with {approve}",
            )
        return CollectError(
            ErrorClass.HOST_KEY_UNKNOWN,
            f"host key {key.describe()} of {self.host_name} is not approved yet; check the "
            f"fingerprint, then approve it with {approve}",
        )


# As SQL text: building the queryset cost 1 ms of worker CPU per SSH host of a fleet scan.
HOST_KEYS = "SELECT key_type, public_key, fingerprint, state FROM fleet_hostkey WHERE host_id = %s"


def load_policy(host: Host, *, trust_first: bool | None = None) -> PinPolicy:
    """Read the pins of `host`; `trust_first` overrides the host's group policy when given."""
    with connection.cursor() as cursor:
        cursor.execute(HOST_KEYS, [host.pk])
        known = [KnownKey(*row) for row in cursor.fetchall()]
    return PinPolicy(
        host_id=host.pk,
        host_name=host.name,
        trust_first=host.trusts_first_host_key() if trust_first is None else trust_first,
        known=known,
    )


def record(policy: PinPolicy, key: PresentedKey, outcome: Outcome) -> None:
    """Store what the scan met: a new key as pending (or trusted by policy), or touch it."""
    if outcome is Outcome.TRUSTED and _touch(policy, key):
        return
    state = HostKeyState.TRUSTED if outcome is Outcome.TRUST_FIRST else HostKeyState.PENDING
    if not policy.knows(key) and _insert(policy, key, state):
        return
    try:
        with transaction.atomic():
            row, created = HostKey.objects.get_or_create(
                host_id=policy.host_id,
                key_type=key.key_type,
                public_key=key.public_key,
                defaults={"fingerprint": key.fingerprint, "state": state},
            )
            if not created and outcome is Outcome.TRUST_FIRST:
                row.state = HostKeyState.TRUSTED
                row.decided = timezone.now()
            if not created:
                row.save()  # refreshes last_seen
    except IntegrityError:
        # Another worker recorded the same key at the same moment: nothing left to store.
        return


def _insert(policy: PinPolicy, key: PresentedKey, state: str) -> bool:
    """Store a key the loaded pins did not have in one INSERT (a fleet's first scan meets
    every key for the first time). False when another worker stored it meanwhile."""
    try:
        with transaction.atomic():
            HostKey.objects.create(
                host_id=policy.host_id,
                key_type=key.key_type,
                public_key=key.public_key,
                fingerprint=key.fingerprint,
                state=state,
            )
    except IntegrityError:
        return False
    return True


def _touch(policy: PinPolicy, key: PresentedKey) -> bool:
    """Refresh `last_seen` of a known trusted key in one UPDATE (the usual case of a fleet
    scan; a transaction with get_or_create and save costs four queries per host).
    False when the row is gone meanwhile (an admin deleted it): then it is recorded anew."""
    return bool(
        HostKey.objects.filter(
            host_id=policy.host_id, key_type=key.key_type, public_key=key.public_key
        ).update(last_seen=timezone.now())
    )


def verify(policy: PinPolicy, key: PresentedKey) -> None:
    """Decide, record, and raise unless the key lets the scan proceed."""
    outcome = policy.decide(key)
    record(policy, key, outcome)
    if not outcome.proceeds:
        raise policy.error(key, outcome)
