from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from p2c.api.errors import InvalidFilter


class Pair(serializers.Serializer):
    name = serializers.CharField()
    port = serializers.IntegerField(min_value=1)

    def validate(self, attrs):
        if attrs["name"] == "both":
            raise serializers.ValidationError("name and port disagree")
        return attrs


@api_view(["POST"])
def pair(request):
    serializer = Pair(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.data)


@api_view(["GET"])
def filtered(request):
    raise InvalidFilter({"verdict": ["Select a valid choice. x is not one of them."]})


def post(user, view, data=None):
    request = APIRequestFactory().post("/x/", data or {}, format="json")
    force_authenticate(request, user=user)
    return view(request)


def test_field_errors_are_listed_per_field(operator):
    response = post(operator, pair, {"port": 0})
    assert response.status_code == 400
    assert response.data == {
        "detail": "The request has invalid fields; see errors.",
        "errors": {
            "name": ["This field is required."],
            "port": ["Ensure this value is greater than or equal to 1."],
        },
    }


def test_a_body_wide_error_is_the_detail(operator):
    response = post(operator, pair, {"name": "both", "port": 2})
    assert response.data == {
        "detail": "name and port disagree",
        "errors": {"non_field_errors": ["name and port disagree"]},
    }


def test_a_refusal_has_the_same_shape(viewer):
    response = post(viewer, pair, {})
    assert set(response.data) == {"detail", "errors"}
    assert response.data["errors"] == {}


def test_an_invalid_filter_is_a_400_naming_the_field(viewer):
    request = APIRequestFactory().get("/x/")
    force_authenticate(request, user=viewer)
    response = filtered(request)
    assert response.status_code == 400
    assert response.data == {
        "detail": "A filter parameter is not valid; see errors.",
        "errors": {"verdict": ["Select a valid choice. x is not one of them."]},
    }


def test_an_unknown_path_is_a_json_404(viewer_api):
    response = viewer_api.get("/api/v1/nothing/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no API endpoint at /api/v1/nothing/.",
        "errors": {},
    }


def test_a_missing_trailing_slash_is_named(viewer_api):
    response = viewer_api.post("/api/v1/scans", {"all": True}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"].endswith("Paths end with a slash: /api/v1/scans/")
