"""Login throttling: per account and per address, a clear page, unlocks, proxies."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from p2c.login import client_ip, lockout_message
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456!"  # tests.conftest.make_user's
HOME = "10.0.0.1"


def log_in(username: str, password: str, address: str = HOME) -> int:
    """POST the login form from `address` with a fresh client; the status code."""
    response = Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def fail(username: str, times: int, address: str = HOME) -> None:
    for _ in range(times):
        log_in(username, "wrong", address)


@pytest.fixture
def alice() -> User:
    return make_user("viewer", "alice")


def test_it_refuses_the_right_password_after_the_limit_with_a_clear_page(alice: User) -> None:
    fail("alice", settings.LOGIN_FAILURE_LIMIT)
    response = Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins for this account or address" in text
    assert f"try again in {settings.LOGIN_COOLOFF_MINUTES} minutes" in text
    assert "ask an admin to unlock it" in text
    assert '<form method="post"' in text
    assert "_auth_user_id" not in response.client.session


def test_it_still_lets_in_a_user_under_the_limit(alice: User) -> None:
    fail("alice", settings.LOGIN_FAILURE_LIMIT - 1)
    assert log_in("alice", PASSWORD) == 302


def test_it_throttles_an_account_whatever_the_address(alice: User) -> None:
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        fail("alice", 1, address=f"10.0.1.{number}")
    assert log_in("alice", PASSWORD, address="10.0.2.1") == 429


def test_it_throttles_an_address_whatever_the_account(alice: User) -> None:
    make_user("viewer", "bob")
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        fail(f"guess{number}", 1)
    assert log_in("bob", PASSWORD) == 429
    assert log_in("bob", PASSWORD, address="10.9.9.9") == 302


def test_a_success_resets_neither_the_account_nor_the_address(alice: User) -> None:
    make_user("viewer", "mallory")
    fail("alice", settings.LOGIN_FAILURE_LIMIT - 1)
    assert log_in("mallory", PASSWORD) == 302
    fail("alice", 1, address="10.9.9.9")  # alice's count went on: this is its limit
    assert log_in("alice", PASSWORD, address="10.8.8.8") == 429
    fail("nobody", 1)  # and so did the address's
    assert log_in("mallory", PASSWORD) == 429


def test_the_lockout_ends_after_the_cooloff(alice: User) -> None:
    fail("alice", settings.LOGIN_FAILURE_LIMIT)
    earlier = timezone.now() - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES + 1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert log_in("alice", PASSWORD) == 302


def test_an_admin_unlocks_an_account_with_the_command(alice: User) -> None:
    fail("alice", settings.LOGIN_FAILURE_LIMIT, address="10.0.3.3")
    call_command("axes_reset_username", "alice")
    assert log_in("alice", PASSWORD) == 302


def test_an_admin_unlocks_an_address_with_the_command(alice: User) -> None:
    for number in range(settings.LOGIN_FAILURE_LIMIT):
        fail(f"guess{number}", 1)
    call_command("axes_reset_ip", HOME)
    assert log_in("alice", PASSWORD) == 302


def test_an_admin_unlocks_in_the_admin(client: Client, alice: User) -> None:
    fail("alice", settings.LOGIN_FAILURE_LIMIT)
    admin = make_user("admin", "root")
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert b"alice" in client.get(changelist).content
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert log_in("alice", PASSWORD) == 302


def test_an_operator_cannot_see_or_unlock_attempts(client: Client, alice: User) -> None:
    operator = make_user("operator", "op")
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_message_counts_the_minutes() -> None:
    assert "try again in 1 minute or" in lockout_message(1)
    assert "try again in 15 minutes or" in lockout_message(15)


def test_it_takes_the_address_from_remote_addr_and_ignores_a_forwarded_header() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"


@pytest.mark.parametrize(
    ("proxies", "header", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote the left part
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # too short: not through both proxies
        (1, "not-an-address", "10.0.0.9"),
        (1, "", "10.0.0.9"),
    ],
)
def test_it_believes_only_the_trusted_proxies(settings, proxies, header, expected) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected
