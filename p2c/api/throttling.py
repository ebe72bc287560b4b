"""Throttling per token (or per session user): API_THROTTLE_RATE requests (default
1200/minute); past it, 429 with Retry-After.

Counts live in the default cache, so with several server processes each counts apart
unless the cache is shared (docs/api.md)."""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from fleet.models import ApiToken


class PerToken(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        # Read at each request (DRF's class attribute is frozen at import): tests and a
        # settings change see the current value.
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
