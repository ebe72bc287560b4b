from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from p2c.api.etag import conditional, matches

BODY = {"name": "web1", "verdict": "ready"}


@api_view(["GET"])
def detail(request):
    return conditional(request, Response(dict(BODY)))


def get(user, **headers):
    request = APIRequestFactory().get("/x/", headers=headers)
    force_authenticate(request, user=user)
    return detail(request)


def test_a_detail_carries_an_etag(viewer):
    response = get(viewer)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')


def test_the_same_tag_is_a_304_without_a_body(viewer):
    tag = get(viewer)["ETag"]
    response = get(viewer, **{"If-None-Match": tag})
    assert response.status_code == 304
    assert response.data is None
    assert response["ETag"] == tag


def test_another_tag_is_the_full_answer(viewer):
    assert get(viewer, **{"If-None-Match": '"old"'}).status_code == 200


def test_it_reads_a_list_of_tags_and_weak_ones():
    assert matches('"a", W/"b"', '"b"')
    assert not matches('"a"', '"b"')
