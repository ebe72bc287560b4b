"""API views of the inventory app."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from fleet.lib.roles import ROLES, user_roles
from fleet.models import ApiToken


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "username": serializers.CharField(),
            "roles": serializers.ListField(child=serializers.ChoiceField(ROLES)),
            "token": inline_serializer(
                "MeToken",
                {"prefix": serializers.CharField(), "expires": serializers.DateTimeField()},
                allow_null=True,
            ),
        },
    )
)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the request acts as: the user, their roles, and the token used (if any)."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    roles = user_roles(request.user)
    return Response(
        {
            "username": request.user.get_username(),
            "roles": [role for role in ROLES if role in roles],
            "token": {"prefix": token.prefix, "expires": token.expires} if token else None,
        }
    )
