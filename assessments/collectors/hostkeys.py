"""SSH host key pinning: never log in to an unapproved server.

The rules, checked after key exchange and before any credential is sent:
- a trusted key that matches: proceed;
- a rejected key: refuse;
- any other key while the host has a trusted one: `host_key_changed` (old and new fingerprints
  in the detail), the new key recorded as pending for an admin to approve;
- no trusted key yet: trusted on the spot when the target trusts first contact (a group
  policy), otherwise recorded as pending and `host_key_unknown`.

Where the keys live is not the collectors' business: a `HostKeyStore` (the job's is
`assessments.scanning.targets.OrmHostKeys`, over `fleet.models.HostKey`) looks them up and records
what a scan met, keyed by the address and port connected to. `PinPolicy` is looked up before
connecting and decides without I/O, so the asyncssh path can call it from inside its event
loop; `record()` writes the outcome once the caller is back in synchronous code.
"""

import base64
import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from assessments.collectors.base import CollectError, Endpoint, Failure
from assessments.collectors.target import Target

# Host key states (fleet.choices.HostKeyState).
PENDING = "pending"
TRUSTED = "trusted"
REJECTED = "rejected"


def fingerprint(blob: bytes) -> str:
    """`SHA256:<base64>` of a public key blob, exactly as OpenSSH prints it."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode()
    return "SHA256:" + digest.rstrip("=")


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
    state: str  # PENDING, TRUSTED or REJECTED


class HostKeyStore(Protocol):
    """Where pinned host keys are kept, keyed by the (address, port) a scan connects to."""

    def lookup(self, address: str, port: int) -> list[KnownKey]:
        """Every key stored for that endpoint, whatever its state."""
        ...

    def touch(self, address: str, port: int, key: PresentedKey) -> bool:
        """A trusted key was met again: note when. False when it is no longer stored."""
        ...

    def record(
        self, address: str, port: int, key: PresentedKey, *, trusted: bool, known: bool
    ) -> None:
        """A key that did not let the scan in on its own was met: a first key (stored as
        pending, or as trusted when `trusted`: first contact trusted by policy), a changed
        key (stored as pending beside the trusted one), a pending or rejected key seen again
        (its state kept, unless `trusted` promotes a pending one). `known`: `lookup` returned
        it, so it is most likely stored already."""
        ...


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
    """What the store knows about one endpoint's keys, and whether first contact is trusted."""

    endpoint: Endpoint
    host_name: str
    trust_first: bool
    known: list[KnownKey] = field(default_factory=list)

    @classmethod
    def look_up(cls, target: Target, store: HostKeyStore) -> "PinPolicy":
        endpoint = target.ssh_endpoint
        return cls(
            endpoint=endpoint,
            host_name=target.name,
            trust_first=target.trust_first_host_key,
            known=store.lookup(endpoint.address, endpoint.port),
        )

    @property
    def trusted(self) -> list[KnownKey]:
        return [key for key in self.known if key.state == TRUSTED]

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
        if match is not None and match.state == TRUSTED:
            return Outcome.TRUSTED
        if match is not None and match.state == REJECTED:
            return Outcome.REJECTED
        if self.trusted:
            return Outcome.CHANGED
        return Outcome.TRUST_FIRST if self.trust_first else Outcome.UNKNOWN

    def error(self, key: PresentedKey, outcome: Outcome) -> CollectError:
        approve = f"`python manage.py host_keys --approve {self.host_name}` or the host page"
        if outcome is Outcome.REJECTED:
            return CollectError(
                Failure.HOST_KEY_CHANGED,
                f"{self.host_name} presented host key {key.describe()}, which an admin "
                "rejected; the scan did not log in",
            )
        if outcome is Outcome.CHANGED:
            old = ", ".join(f"{k.key_type} {k.fingerprint}" for k in self.trusted)
            return CollectError(
                Failure.HOST_KEY_CHANGED,
                f"host key of {self.host_name} changed: trusted {old}, now presented "
                f"{key.describe()}. A reinstalled server or an attack: check it with the "
                f"server's owner, then approve the new key with {approve}",
            )
        return CollectError(
            Failure.HOST_KEY_UNKNOWN,
            f"host key {key.describe()} of {self.host_name} is not approved yet; check the "
            f"fingerprint, then approve it with {approve}",
        )


def record(store: HostKeyStore, policy: PinPolicy, key: PresentedKey, outcome: Outcome) -> None:
    """Store what the scan met: a new key as pending (or trusted by policy), or touch it."""
    address, port = policy.endpoint.address, policy.endpoint.port
    if outcome is Outcome.TRUSTED and store.touch(address, port, key):
        return
    # A trusted key gone from the store meanwhile (an admin deleted it) is recorded anew.
    trusted = outcome is Outcome.TRUST_FIRST
    store.record(address, port, key, trusted=trusted, known=policy.knows(key))


def verify(store: HostKeyStore, policy: PinPolicy, key: PresentedKey) -> None:
    """Decide, record, and raise unless the key lets the scan proceed."""
    outcome = policy.decide(key)
    record(store, policy, key, outcome)
    if not outcome.proceeds:
        raise policy.error(key, outcome)
