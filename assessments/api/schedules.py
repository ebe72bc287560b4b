"""`/api/v1/schedules/`: recurring scans. Viewers read them with their next run; operators
create, edit and delete them with the page's checks (five cron fields, each in range; an IANA
time zone; a selection of all hosts, groups or hosts by name)."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.forms import body, current_values, form_errors
from assessments.forms import ScheduleForm, SelectionForm
from assessments.models import ScanSchedule
from assessments.pages.selections import describe_selection
from assessments.scanning.schedules import next_run
from fleet.models import HostGroup
from p2c.api.etag import ETagMixin
from p2c.api.fields import IdentityUrl
from p2c.api.pagination import cursor_by

# What a POST or PUT means when the body leaves it out (the model's defaults).
CREATE_DEFAULTS = {"enabled": True, "timezone": "UTC"}


class SelectionSerializer(serializers.Serializer[dict[str, Any]]):
    """Which hosts: `all`, or `groups` and/or `hosts` by name (as the Scans page)."""

    all = serializers.BooleanField(required=False)
    groups = serializers.ListField(child=serializers.CharField(), required=False)
    hosts = serializers.ListField(child=serializers.CharField(), required=False)


class ScheduleSerializer(serializers.ModelSerializer[ScanSchedule]):
    """A schedule: cron (minute hour day month weekday) in an IANA time zone."""

    url = IdentityUrl(view_name="api:schedule-detail")
    selection = SelectionSerializer()
    selection_text = serializers.SerializerMethodField()
    next_run = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = ScanSchedule
        fields = [
            "id",
            "url",
            "name",
            "cron",
            "timezone",
            "enabled",
            "selection",
            "selection_text",
            "next_run",
            "last_run",
            "created_by",
            "created",
        ]
        read_only_fields = ["last_run", "created"]

    def get_selection_text(self, schedule: ScanSchedule) -> str:
        return describe_selection(schedule.selection)

    def get_next_run(self, schedule: ScanSchedule) -> datetime | None:
        """Computed as the page does (none while disabled or when the cron never fires)."""
        return next_run(schedule) if schedule.enabled else None


def selection_form(raw: Any) -> tuple[SelectionForm, dict[str, list[str]]]:
    """The page's SelectionForm for an API selection (groups by name), and what is wrong
    with the selection before the form looks (wrong types, names no group has)."""
    shape = SelectionSerializer(data=raw)
    if not shape.is_valid():
        errors = {
            f"selection.{field}" if field != "non_field_errors" else "selection": [
                str(m) for m in (messages if isinstance(messages, list) else [messages])
            ]
            for field, messages in shape.errors.items()
        }
        return SelectionForm({}), errors
    groups: list[str] = shape.validated_data.get("groups", [])
    hosts: list[str] = shape.validated_data.get("hosts", [])
    known = dict(HostGroup.objects.filter(name__in=groups).values_list("name", "pk"))
    errors = {}
    if missing := [g for g in groups if g not in known]:
        errors["selection.groups"] = [f"Unknown groups: {', '.join(missing[:10])}"]
    data = {
        "all_hosts": bool(shape.validated_data.get("all")),
        "groups": [known[g] for g in groups if g in known],
        "hosts": " ".join(hosts),
    }
    return SelectionForm(data), errors


@extend_schema_view(
    create=extend_schema(responses={201: ScheduleSerializer}),
)
class ScheduleViewSet(ETagMixin, viewsets.ModelViewSet[ScanSchedule]):
    """Schedules: viewers read; operators create, edit and delete (the pages' roles)."""

    serializer_class = ScheduleSerializer
    pagination_class = cursor_by("name", "pk")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[ScanSchedule]:
        return ScanSchedule.objects.select_related("created_by")

    def _save(self, request: Request, schedule: ScanSchedule | None, partial: bool) -> Response:
        if schedule is not None and partial:
            base = current_values(ScheduleForm(instance=schedule))
        else:
            base = dict(CREATE_DEFAULTS)  # a form's unticked box is False; here, left out
        data = body(request.data, base, nested=("selection",))
        raw_selection = data.get("selection", schedule.selection if schedule else None)
        if raw_selection in (None, ""):
            raw_selection = {}
        form = ScheduleForm({k: v for k, v in data.items() if k != "selection"}, instance=schedule)
        selection, errors = selection_form(raw_selection)
        form_ok, selection_ok = form.is_valid(), selection.is_valid()
        errors.update(form_errors(form))
        for field, messages in form_errors(selection).items():
            name = "selection" if field == "non_field_errors" else f"selection.{field}"
            errors.setdefault(name, []).extend(messages)
        if errors or not (form_ok and selection_ok):
            raise ValidationError(errors)
        saved = form.save_with(selection.selection(), request.user)
        out = self.get_serializer(self.get_queryset().get(pk=saved.pk)).data
        if schedule is not None:
            return Response(out)
        return Response(out, status=status.HTTP_201_CREATED, headers={"Location": out["url"]})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None, partial=False)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object(), partial=bool(kwargs.get("partial")))
