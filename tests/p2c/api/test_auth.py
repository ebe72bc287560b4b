from datetime import timedelta

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from fleet.lib.tokens import create_token, revoke
from fleet.models import ApiToken

ME = "/api/v1/me/"


def with_header(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


def test_it_refuses_an_anonymous_request_with_a_json_401(db):
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }


def test_it_authenticates_a_token(viewer):
    _token, key = create_token(viewer)
    response = with_header(f"Token {key}").get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == viewer.username
    assert response.json()["roles"] == ["viewer"]
    assert response.json()["token"]["prefix"] == key[:12]


def test_it_accepts_a_bearer_token(operator):
    _token, key = create_token(operator)
    response = with_header(f"Bearer {key}").get(ME)
    assert response.json()["roles"] == ["viewer", "operator"]


def test_it_refuses_a_wrong_key(viewer):
    _token, key = create_token(viewer)
    response = with_header(f"Token {key[:-1]}x").get(ME)
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_it_refuses_a_revoked_token(viewer):
    token, key = create_token(viewer)
    revoke(token)
    assert with_header(f"Token {key}").get(ME).status_code == 401


def test_it_refuses_an_expired_token(viewer):
    token, key = create_token(viewer, expires_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert with_header(f"Token {key}").get(ME).status_code == 401


def test_it_refuses_a_token_of_an_inactive_user(viewer):
    _token, key = create_token(viewer)
    viewer.is_active = False
    viewer.save()
    assert with_header(f"Token {key}").get(ME).status_code == 401


def test_it_refuses_a_malformed_header(viewer):
    response = with_header("Token two words").get(ME)
    assert response.status_code == 401
    assert "Token <key>" in response.json()["detail"]


def test_it_records_when_a_token_was_last_used(viewer):
    token, key = create_token(viewer)
    with_header(f"Token {key}").get(ME)
    token.refresh_from_db()
    assert token.last_used is not None


def test_it_stores_no_key_in_clear(viewer):
    token, key = create_token(viewer)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in stored.values()}


def test_it_takes_the_session_of_the_browser(viewer_client):
    assert viewer_client.get(ME).json()["token"] is None


def test_it_enforces_csrf_on_a_session_write(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(ME)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_token_write_needs_no_csrf(operator):
    _token, key = create_token(operator)
    response = with_header(f"Token {key}").post(ME)
    assert response.status_code == 405
