"""Shared fixtures: users per role, samples, and the rule that required services never skip."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

SAMPLES = Path(__file__).parent / "samples"

# In CI (.ci/run) a missing real service is a failure, not a skip.
REQUIRE_SERVICES = os.environ.get("P2C_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # PBKDF2's million rounds cost ~0.4 s per user created; tests do not need them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(role: str | None, username: str | None = None) -> User:
    user = User.objects.create_user(username or f"user-{role or 'none'}", password="pw-123456!")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db: None) -> User:
    return make_user("viewer")


@pytest.fixture
def operator(db: None) -> User:
    return make_user("operator")


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("admin")


@pytest.fixture
def viewer_client(client, viewer):  # type: ignore[no-untyped-def]
    client.force_login(viewer)
    return client


@pytest.fixture
def operator_client(client, operator):  # type: ignore[no-untyped-def]
    client.force_login(operator)
    return client


@pytest.fixture
def admin_client_role(client, admin_user):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    return client


# The REST API: a client per role that sends a token (docs/api.md), throttle counts cleared.
@pytest.fixture
def api_cache_cleared():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def token_client(user: User):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    from fleet.lib.tokens import create_token

    client = APIClient()
    _token, key = create_token(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def viewer_api(viewer, api_cache_cleared):  # type: ignore[no-untyped-def]
    return token_client(viewer)


@pytest.fixture
def operator_api(operator, api_cache_cleared):  # type: ignore[no-untyped-def]
    return token_client(operator)


@pytest.fixture
def admin_api(admin_user, api_cache_cleared):  # type: ignore[no-untyped-def]
    return token_client(admin_user)
