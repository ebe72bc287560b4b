"""Walks the OpenAPI schema: every path and method, tried by each role, refuses whom it should.

The rule is the pages' (README, "Users and roles"): anonymous requests are 401, a user
without a role is 403, a viewer reads (safe methods) and an operator also writes; `ROLES`
lists every endpoint that departs from that rule, so a new endpoint with another role must
be declared here (and in docs/api.md) or this fails.
"""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fleet.lib.roles import ADMIN, OPERATOR, ROLES, VIEWER
from tests.conftest import make_user, token_client

SAFE = {"get", "head", "options"}
# (method, path) -> the role it needs, where that is not the default rule above.
ROLES_DECLARED: dict[tuple[str, str], str] = {
    # One's own tokens, like the account page: every role.
    ("post", "/api/v1/tokens/"): VIEWER,
    ("delete", "/api/v1/tokens/{id}/"): VIEWER,
}
REFUSED = {401, 403}


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    return [*sorted(found), ("get", "/api/schema/")]


OPERATIONS = operations()


def needed(method: str, path: str) -> str:
    return ROLES_DECLARED.get((method, path), VIEWER if method in SAFE else OPERATOR)


def concrete(path: str) -> str:
    # Ids of no object: the role is checked before the object is looked up.
    return re.sub(r"\{[^}]+\}", "999999", path)


def call(client: APIClient, method: str, path: str) -> int:
    response = getattr(client, method)(concrete(path), {}, format="json")
    return int(response.status_code)


def test_the_walk_covers_every_resource():
    paths = {path for _, path in OPERATIONS}
    for prefix in ("hosts", "findings", "scans", "exports", "tokens", "me"):
        assert any(p.startswith(f"/api/v1/{prefix}") for p in paths), prefix
    assert len(OPERATIONS) >= 20


def test_every_declared_exception_exists():
    assert set(ROLES_DECLARED) <= set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_an_anonymous_request_is_a_401(db, method, path):
    assert call(APIClient(), method, path) == 401


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_user_without_a_role_is_refused(db, api_cache_cleared, method, path):
    assert call(token_client(make_user(None, "nobody")), method, path) == 403


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_what_it_lacks(db, api_cache_cleared, role):
    client = token_client(make_user(role))
    held = set(ROLES[: ROLES.index(role) + 1])
    wrong = []
    for method, path in OPERATIONS:
        status = call(client, method, path)
        allowed = needed(method, path) in held
        if allowed == (status in REFUSED):
            wrong.append(f"{method.upper()} {path}: {status} (needs {needed(method, path)})")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_the_admin_role_is_refused_nothing_here():
    # No API endpoint needs more than the operator role yet (credentials are not in the API).
    assert ADMIN not in set(ROLES_DECLARED.values())
