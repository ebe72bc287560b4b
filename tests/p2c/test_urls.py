"""The django-rq dashboard is for the admin role only: operators are staff, not admins."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

SAMPLES = {"IntConverter": 0, "StringConverter": "job-1", "PathConverter": "a/b"}


def rq_patterns(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Every URL pattern of the site whose view is django-rq's: (prefix, namespace, pattern)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from rq_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif getattr(entry.callback, "__module__", "").startswith("django_rq"):
            yield prefix, namespace, entry


def sample_url(namespace: str, pattern: URLPattern) -> str:
    """A concrete URL the pattern matches: its path converters and regex groups filled in."""
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {name: SAMPLES.get(type(conv).__name__, "x") for name, conv in converters.items()}
    kwargs |= {name: "x" for name in pattern.pattern.regex.groupindex if name not in kwargs}
    return reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)


def dashboard_urls() -> list[str]:
    return [sample_url(namespace, pattern) for _, namespace, pattern in rq_patterns()]


def test_it_finds_the_dashboard_urls() -> None:
    urls = dashboard_urls()
    assert "/admin/django-rq/" in urls
    assert "/admin/django-rq/queues/0/empty/" in urls
    assert len(urls) >= 25


def test_it_keeps_no_copy_of_the_dashboard_inside_the_admin() -> None:
    assert {prefix for prefix, _, _ in rq_patterns()} == {"admin/django-rq/"}


def staff_client(client: Client, user: User) -> Client:
    # As `create_login` makes them: operators and admins are staff (they use the admin).
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_every_dashboard_url_to_an_operator(
    client: Client, operator: User, method: str
) -> None:
    staff_client(client, operator)
    for url in dashboard_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)


def test_it_shows_the_dashboard_to_an_admin(client: Client, admin_user: User) -> None:
    response = staff_client(client, admin_user).get("/admin/django-rq/")
    assert response.status_code == 200
    assert b"scans" in response.content
