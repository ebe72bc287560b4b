"""What the lab's servers know about each simulated host and the credentials they accept."""

import hashlib
import hmac
import io
import threading
from dataclasses import dataclass, field

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessments.facts import ProbeOutput


def ed25519_pem(secret: bytes, label: str) -> str:
    """A deterministic Ed25519 private key (OpenSSH PEM): same secret and label, same key.

    Deriving keys (one hash, no prime search) keeps 1,000 hosts' keys cheap and, with a
    stored secret, stable across restarts.
    """
    seed = hmac.new(secret, label.encode(), hashlib.sha256).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()


def ed25519_key(secret: bytes, label: str) -> paramiko.Ed25519Key:
    return paramiko.Ed25519Key.from_private_key(io.StringIO(ed25519_pem(secret, label)))


@dataclass(frozen=True)
class LabCredentials:
    """The one login every simulated host accepts (password or key for SSH, Basic for WinRM)."""

    username: str
    password: str = field(repr=False)
    client_key: paramiko.Ed25519Key
    client_key_pem: str = field(repr=False, default="")

    def password_ok(self, username: str, password: str) -> bool:
        return username == self.username and hmac.compare_digest(
            password.encode(), self.password.encode()
        )

    def key_ok(self, username: str, key: paramiko.PKey) -> bool:
        return username == self.username and key.get_base64() == self.client_key.get_base64()


@dataclass
class LabHost:
    """One simulated server: where it listens, what it answers, and how it misbehaves."""

    name: str
    os_family: str  # "linux" | "windows"
    profile: str
    probes: dict[str, ProbeOutput]
    address: str = "127.0.0.1"
    port: int = 0
    fault: str = ""
    latency_ms: int = 0
    https: bool = False
    host_key: paramiko.PKey | None = None
    rotated_key: paramiko.PKey | None = None
    connections: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_connection(self) -> int:
        with self._lock:
            self.connections += 1
            return self.connections
