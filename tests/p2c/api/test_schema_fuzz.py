"""Schemathesis generates requests from the schema for every operation, as an operator with
a token: none may answer a server error (a 500 is a bug whatever the input)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from fleet.lib.tokens import create_token
from tests.conftest import make_user

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[arg-type]
)
APP = get_wsgi_application()


@pytest.fixture
def test_connection_kept():  # type: ignore[no-untyped-def]
    """The WSGI handler closes the database connection at the end of each request, as it
    should in a server. Inside the test's transaction that would close the test's own
    connection (PostgreSQL), so, as Django's test client does, not during these calls."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def operator_key(db, api_cache_cleared, settings, test_connection_kept):  # type: ignore[no-untyped-def]
    settings.API_THROTTLE_RATE = "100000/minute"
    return create_token(make_user("operator"))[1]


@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_is_a_server_error(case, operator_key):
    response = case.call(app=APP, headers={"Authorization": f"Token {operator_key}"})
    case.validate_response(response, checks=[not_a_server_error])
