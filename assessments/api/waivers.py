"""`/api/v1/waivers/`: waivers with their audit trail (who, when, why, what changed).
Operators waive a finding of a host's latest result, edit a waiver and revoke it, with the
waiver form's validation; a waiver is never deleted (its trail stays)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.forms import body, check, current_values, form_errors
from assessments.forms import WaiverForm
from assessments.models import Waiver, WaiverEvent
from assessments.scanning.waivers import (
    WaiverError,
    create_waiver,
    edit_waiver,
    expire_waivers,
    finding_to_waive,
    revoke_waiver,
)
from fleet.models import Host
from p2c.api.etag import ETagMixin
from p2c.api.fields import IdentityUrl
from p2c.api.pagination import cursor_by


class WaiverEventSerializer(serializers.ModelSerializer[WaiverEvent]):
    """One entry of the trail: what happened, who did it (null: the clock), when, why."""

    user = serializers.CharField(source="user.username", default=None)

    class Meta:
        model = WaiverEvent
        fields = ["action", "user", "created", "reason", "changes"]
        read_only_fields = fields


class WaiverSerializer(serializers.ModelSerializer[Waiver]):
    """A waiver of one check on one host, newest trail entry first."""

    url = IdentityUrl(view_name="api:waiver-detail")
    host_name = serializers.CharField(source="host.name", read_only=True)
    check = serializers.CharField(source="check_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None)
    events = WaiverEventSerializer(many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = [
            "id",
            "url",
            "host",
            "host_name",
            "restriction",
            "check",
            "reason",
            "owner",
            "expires",
            "active",
            "created_by",
            "created",
            "updated",
            "events",
        ]
        read_only_fields = fields


class WaiverCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """Waive `check` on `host` (its finding in the host's latest result)."""

    host = serializers.IntegerField(help_text="The host's id.")
    check = serializers.CharField(help_text="The check id of the finding to waive.")
    reason = serializers.CharField()
    owner = serializers.CharField(help_text="Who owns the risk.")
    expires = serializers.DateField(required=False, allow_null=True)


class WaiverEditSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(required=False)
    owner = serializers.CharField(required=False)
    expires = serializers.DateField(required=False, allow_null=True)
    why = serializers.CharField(required=False, help_text="Recorded in the audit trail.")


class RevokeSerializer(serializers.Serializer[dict[str, Any]]):
    why = serializers.CharField(required=False, help_text="Recorded in the audit trail.")


STATE = OpenApiParameter(
    "state",
    OpenApiTypes.STR,
    enum=["active", "all"],
    description="`all` includes revoked and expired waivers (default: active only).",
)


@extend_schema_view(
    list=extend_schema(parameters=[STATE]),
    create=extend_schema(request=WaiverCreateSerializer, responses={201: WaiverSerializer}),
    update=extend_schema(request=WaiverEditSerializer, responses=WaiverSerializer),
    partial_update=extend_schema(request=WaiverEditSerializer, responses=WaiverSerializer),
    revoke=extend_schema(request=RevokeSerializer, responses=WaiverSerializer),
)
class WaiverViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Waiver],
):
    """Waivers: viewers read them and their trail; operators create, edit and revoke."""

    serializer_class = WaiverSerializer
    pagination_class = cursor_by("-created", "-pk")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Waiver]:
        events = WaiverEvent.objects.select_related("user").order_by("-created", "-pk")
        waivers = Waiver.objects.select_related("host", "created_by").prefetch_related(
            Prefetch("events", queryset=events)
        )
        if self.action == "list":
            state = self.request.query_params.get("state", "active")
            if state not in ("active", "all"):
                raise ValidationError({"state": [f"Choose active or all, not {state!r}."]})
            if state == "active":
                waivers = waivers.filter(active=True)
        return waivers

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expire_waivers()  # as the page: an expired waiver never shows as active
        return super().list(request, *args, **kwargs)

    def _answer(self, waiver: Waiver, code: int = status.HTTP_200_OK) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=waiver.pk)).data
        headers = {"Location": data["url"]} if code == status.HTTP_201_CREATED else None
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = body(request.data)
        fields = data.copy()  # a QueryDict stays one (its values are lists inside)
        fields["check_id"] = data.get("check", "")
        form = WaiverForm(fields)
        host = Host.objects.filter(pk=data["host"]).first() if _is_id(data.get("host")) else None
        errors = {} if form.is_valid() else form_errors(form)
        if "check_id" in errors:
            errors["check"] = errors.pop("check_id")
        if host is None:
            errors["host"] = [f"No host has the id {data.get('host')!r}."]
        if errors:
            raise ValidationError(errors)
        assert host is not None
        check_id = form.cleaned_data["check_id"]
        finding = finding_to_waive(host, check_id)
        if finding is None:
            message = f"{check_id} has no finding to waive in the latest scan of {host}."
            raise ValidationError({"check": [message]})
        values = {f: form.cleaned_data[f] for f in ("reason", "owner", "expires")}
        try:
            waiver = create_waiver(host, check_id, finding.restriction, user=request.user, **values)
        except WaiverError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return self._answer(waiver, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        waiver = self.get_object()
        if not waiver.active:
            raise ValidationError(
                {"non_field_errors": ["This waiver was revoked or expired: make a new one."]}
            )
        initial = {"check_id": waiver.check_id}
        base = current_values(WaiverForm(instance=waiver, initial=initial))
        if not kwargs.get("partial"):
            base = {"check_id": waiver.check_id}
        # The form writes its values on its instance: edit_waiver compares with the stored ones.
        form = WaiverForm(body(request.data, base), instance=Waiver.objects.get(pk=waiver.pk))
        check(form)
        values = {f: form.cleaned_data[f] for f in ("reason", "owner", "expires")}
        try:
            edit_waiver(waiver, user=request.user, why=form.cleaned_data["why"], **values)
        except WaiverError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return self._answer(waiver)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """End the waiver now: the finding counts again (a revoked waiver stays, with its
        trail)."""
        waiver = self.get_object()
        why = body(request.data).get("why", "")
        revoke_waiver(waiver, user=request.user, why=str(why))
        return self._answer(waiver)


def _is_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())
