"""Fixtures of the readiness page tests: a small fleet, a user without a role, query counts."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import make_host, make_scan_result
from tests.conftest import make_user

FINDINGS = [
    ("filesystems", "filesystems.unsupported_fs", "blocker"),
    ("quotas", "quotas.enabled", "warning"),
    ("selinux", "selinux.enforcing", "pass"),
    ("ip_addresses", "ip_addresses.aliases", "unknown"),
]


def add_hosts(count: int, start: int = 0) -> list:
    hosts = []
    for i in range(start, start + count):
        host = make_host(name=f"fleet-{i:03d}", groups=["web" if i % 2 else "db"], tags=["pci"])
        make_scan_result(host, FINDINGS)
        hosts.append(host)
    return hosts


@pytest.fixture
def fleet(db: None) -> list:
    return add_hosts(3)


@pytest.fixture
def roleless_client(client):  # type: ignore[no-untyped-def]
    client.force_login(make_user(None, "nobody"))
    return client


def queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


@pytest.fixture
def same_queries_with_more_hosts(fleet) -> Callable:  # type: ignore[no-untyped-def]
    """Queries of `url` with 3 hosts, then with 30: they must be equal."""

    def check(client, url: str) -> int:  # type: ignore[no-untyped-def]
        few = queries_for(client, url)
        add_hosts(27, start=100)
        many = queries_for(client, url)
        assert few == many, f"{url}: {few} queries with 3 hosts, {many} with 30"
        return many

    return check
