"""API tokens: make one (the key is returned once), find the token a key belongs to, revoke.

A key reads `p2c_` + 43 url-safe characters. Its first 12 characters are stored in clear as
the prefix that finds the row (and that the user's page shows); the rest is only ever held as
the SHA-256 digest of the whole key.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from fleet.models import ApiToken

KEY_START = "p2c_"
PREFIX_LENGTH = 12
# Writing last_used on every request would turn each read into a write; once a minute will do.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(
    user: User, *, name: str = "", expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token of `user` and its key: the only time the key exists outside the client."""
    if expires_days is not None and expires_days < 1:
        raise ValueError("a token expires after at least 1 day")
    key = KEY_START + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:PREFIX_LENGTH], digest=digest(key), expires=expires
    )
    return token, key


def token_for_key(key: str, now: datetime | None = None) -> ApiToken | None:
    """The active token with this key, its user loaded; None for any other key."""
    if not key.startswith(KEY_START) or len(key) < PREFIX_LENGTH + 8:
        return None
    now = now or timezone.now()
    wanted = digest(key)
    for token in ApiToken.objects.select_related("user").filter(prefix=key[:PREFIX_LENGTH]):
        if hmac.compare_digest(token.digest, wanted) and token.is_active(now):
            if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used=now)
                token.last_used = now
            return token
    return None


def revoke(token: ApiToken) -> bool:
    """Revoke the token; False if it already was."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(
        revoked=timezone.now()
    )
    return bool(updated)
