"""Authentication of API requests: `Authorization: Token <key>` (or `Bearer <key>`), or the
browser's session (with CSRF, as DRF's SessionAuthentication enforces)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from fleet.lib.tokens import token_for_key
from fleet.models import ApiToken

KEYWORDS = (b"token", b"bearer")


class TokenAuthentication(BaseAuthentication):
    """A token of fleet.ApiToken; a wrong, revoked or expired key is a 401, never anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must read `Token <key>` (or `Bearer <key>`)."
            )
        try:
            key = words[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = token_for_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid, expired or revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The token in the OpenAPI schema (Swagger UI's Authorize button)."""

    target_class = "p2c.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` or `Bearer <key>`; make one on your account page "
            "or with `manage.py create_token USER`.",
        }
