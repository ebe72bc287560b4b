from rest_framework.test import APIClient

from fleet.lib.tokens import create_token

ME = "/api/v1/me/"


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_it_answers_429_with_retry_after_past_the_rate(viewer, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    client = client_for(create_token(viewer)[1])
    codes = [client.get(ME).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.get(ME)
    assert 0 < int(last["Retry-After"]) <= 60
    assert "throttled" in last.json()["detail"]


def test_it_counts_each_token_apart(viewer, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    first = client_for(create_token(viewer)[1])
    second = client_for(create_token(viewer)[1])
    for _ in range(2):
        first.get(ME)
    assert first.get(ME).status_code == 429
    assert second.get(ME).status_code == 200
