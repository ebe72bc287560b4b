"""Fixtures of the API tests: a token per role and a client that sends it."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from fleet.lib.tokens import create_token


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    _token, key = create_token(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def viewer_api(viewer) -> APIClient:  # type: ignore[no-untyped-def]
    return token_client(viewer)


@pytest.fixture
def operator_api(operator) -> APIClient:  # type: ignore[no-untyped-def]
    return token_client(operator)


@pytest.fixture
def admin_api(admin_user) -> APIClient:  # type: ignore[no-untyped-def]
    return token_client(admin_user)
