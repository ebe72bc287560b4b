from fleet.lib.tokens import create_token, token_for_key
from fleet.models import ApiToken
from tests.conftest import make_user


def test_it_needs_a_login(db, client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_lists_the_users_own_tokens_only(viewer_client, viewer, operator):
    mine, _ = create_token(viewer, name="ci pipeline")
    theirs, _ = create_token(operator, name="their script")
    page = viewer_client.get("/account/").content.decode()
    assert mine.prefix in page and "ci pipeline" in page
    assert theirs.prefix not in page


def test_it_shows_a_new_key_once(viewer_client, viewer):
    response = viewer_client.post("/account/", {"name": "ansible", "expires_days": "7"})
    assert response["Cache-Control"].startswith("max-age=0")
    key = response.context["new_key"]
    assert token_for_key(key).user == viewer
    assert key in response.content.decode()
    assert key not in viewer_client.get("/account/").content.decode()


def test_it_refuses_a_bad_expiry_in_words(viewer_client):
    response = viewer_client.post("/account/", {"expires_days": "0"})
    assert "greater than or equal to 1" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(viewer_client, viewer):
    token, key = create_token(viewer)
    response = viewer_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert token_for_key(key) is None


def test_it_does_not_revoke_another_users_token(viewer_client, db):
    token, key = create_token(make_user("admin", "someone"))
    response = viewer_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert token_for_key(key) is not None


def test_revoking_needs_a_post(viewer_client, viewer):
    token, _ = create_token(viewer)
    assert viewer_client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
