"""`/api/v1/tokens/`: the requesting user's own API tokens: list, make (the key is in that
answer only), revoke. Any role may manage its own tokens, as on the account page."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fleet.lib.roles import VIEWER
from fleet.lib.tokens import create_token, revoke
from fleet.models import ApiToken


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A token as the account page lists it: never its key."""

    expires_days = serializers.IntegerField(
        write_only=True, required=False, allow_null=True, min_value=1, max_value=3650
    )
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expires", "last_used", "revoked", "state"]
        fields += ["expires_days"]
        read_only_fields = ["prefix", "created", "expires", "last_used", "revoked"]

    def get_state(self, token: ApiToken) -> str:
        return token.status(timezone.now())


class NewTokenSerializer(TokenSerializer):
    """The token just made, with its key: shown this once."""

    key = serializers.CharField(read_only=True)

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


@extend_schema_view(create=extend_schema(responses={201: NewTokenSerializer}))
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """Your tokens. DELETE revokes (the token stays listed, revoked)."""

    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()
    lookup_value_regex = "[0-9]+"
    # One's own tokens, like the account page: every role.
    method_roles = {"POST": VIEWER, "DELETE": VIEWER}

    def get_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.filter(user_id=self.request.user.pk)  # type: ignore[misc]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = TokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        token, key = create_token(
            request.user,  # type: ignore[arg-type]
            name=form.validated_data.get("name", ""),
            expires_days=form.validated_data.get("expires_days"),
        )
        token.key = key  # type: ignore[attr-defined]
        response = Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def perform_destroy(self, instance: ApiToken) -> None:
        revoke(instance)
