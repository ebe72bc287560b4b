from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.viewsets import ViewSet

from fleet.lib.roles import ADMIN, VIEWER


class Things(ViewSet):
    action_roles = {"secret": ADMIN}
    method_roles = {"DELETE": VIEWER}

    def list(self, request):
        return Response([])

    def create(self, request):
        return Response({}, status=201)

    def destroy(self, request, pk=None):
        return Response(status=204)

    @action(detail=False, methods=["get"])
    def secret(self, request):
        return Response({"secret": True})


def call(user, method: str, name: str, **kwargs):
    request = getattr(APIRequestFactory(), method)("/things/")
    force_authenticate(request, user=user)
    view = Things.as_view({method: name})
    return view(request, **kwargs)


def test_a_viewer_reads(viewer):
    assert call(viewer, "get", "list").status_code == 200


def test_a_viewer_may_not_write(viewer):
    response = call(viewer, "post", "create")
    assert response.status_code == 403
    assert response.data["detail"] == ("This endpoint needs the operator role; you are a viewer.")


def test_an_operator_writes(operator):
    assert call(operator, "post", "create").status_code == 201


def test_an_action_role_wins_over_the_method(operator, admin_user):
    assert call(operator, "get", "secret").status_code == 403
    assert call(admin_user, "get", "secret").status_code == 200


def test_a_method_role_replaces_the_default(viewer):
    assert call(viewer, "delete", "destroy", pk=1).status_code == 204


def test_a_user_without_a_role_reads_nothing(db):
    from tests.conftest import make_user

    response = call(make_user(None), "get", "list")
    assert response.status_code == 403
    assert "you have no role" in response.data["detail"]
