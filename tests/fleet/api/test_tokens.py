import pytest

from fleet.lib.tokens import create_token, token_for_key
from fleet.models import ApiToken
from tests.conftest import make_user

TOKENS = "/api/v1/tokens/"


def test_it_lists_only_the_users_own_tokens_without_keys(viewer_api, viewer, operator):
    create_token(operator, name="theirs")
    rows = viewer_api.get(TOKENS).json()["results"]
    assert [r["state"] for r in rows] == ["active"]  # the client's own token
    assert "key" not in rows[0] and "digest" not in rows[0]


def test_a_viewer_makes_a_token_and_sees_its_key_once(viewer_api, viewer):
    response = viewer_api.post(TOKENS, {"name": "ci", "expires_days": 30}, format="json")
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert token_for_key(body["key"]).user == viewer
    assert body["expires"] is not None
    listed = viewer_api.get(f"{TOKENS}{body['id']}/").json()
    assert "key" not in listed and listed["prefix"] == body["key"][:12]


def test_a_bad_expiry_is_refused_per_field(viewer_api):
    response = viewer_api.post(TOKENS, {"expires_days": 0}, format="json")
    assert response.status_code == 400
    assert "expires_days" in response.json()["errors"]


def test_delete_revokes_the_token(viewer_api, viewer):
    token, key = create_token(viewer)
    assert viewer_api.delete(f"{TOKENS}{token.pk}/").status_code == 204
    assert token_for_key(key) is None
    assert ApiToken.objects.get(pk=token.pk).revoked is not None


def test_another_users_token_is_a_404(viewer_api, db):
    token, key = create_token(make_user("admin", "boss"))
    assert viewer_api.delete(f"{TOKENS}{token.pk}/").status_code == 404
    assert token_for_key(key) is not None


def test_a_user_without_a_role_has_no_api_at_all(db):
    from tests.conftest import token_client

    client = token_client(make_user(None, "nobody"))
    assert client.get(TOKENS).status_code == 403
    assert client.post(TOKENS, {}, format="json").status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(
    viewer_api, viewer, rows, django_assert_num_queries
):
    for _ in range(rows - 1):  # with the client's own
        create_token(viewer)
    # token, its last_used, roles, the page of tokens
    with django_assert_num_queries(4):
        response = viewer_api.get(TOKENS, {"limit": 100})
    assert len(response.json()["results"]) == rows
