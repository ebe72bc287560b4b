"""Secrets at rest: Fernet with several keys for rotation (FLEET_ENCRYPTION_KEY, newest first)."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from p2c.env import ConfigurationError


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ConfigurationError(
            "FLEET_ENCRYPTION_KEY must hold Fernet keys (32 url-safe base64 bytes), comma-separated"
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FLEET_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "stored secret cannot be decrypted with the configured keys"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "stored secret cannot be decrypted with the configured keys"
        ) from None
