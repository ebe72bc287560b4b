"""`/api/v1/reassessments/`: judging the hosts' stored captures again with the current
ruleset (no host is contacted), with the Scans page's selections or the overview's
"re-assess outdated"; a re-assessment is a scan (trigger `reassess`): follow it here or at
its scan's URL."""

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.scans import (
    ScanDetailSerializer,
    ScanSerializer,
    StartSerializer,
    started,
    with_progress,
)
from assessments.choices import ScanTrigger
from assessments.filtersets import FILTER_KEYS
from assessments.models import Scan
from assessments.pages.selections import NothingOutdated, outdated_selection
from assessments.scanning.scans import QueueUnavailable, SelectionError, start_scan
from p2c.api.etag import ETagMixin
from p2c.api.pagination import cursor_by

OUTDATED = inline_serializer(
    "ReassessOutdated",
    {"filters": serializers.DictField(child=serializers.CharField(), required=False)},
)


def start_reassessment(selection: dict[str, Any], request: Request) -> Response:
    """201 with the re-assessment (its scan), as POST /api/v1/scans/ answers."""
    try:
        scan = start_scan(selection, user=request.user, trigger=ScanTrigger.REASSESS)
    except SelectionError as exc:
        raise ValidationError({exc.field or "non_field_errors": [str(exc)]}) from None
    except QueueUnavailable as exc:
        return started(exc.scan, request, exc.notice)
    return started(scan, request)


def filter_params(raw: Any) -> QueryDict:
    """The hosts-list filters of a body's `filters` object (unknown names are a 400)."""
    params = QueryDict(mutable=True)
    if raw is None:
        return params
    if not isinstance(raw, dict):
        raise ValidationError({"filters": ["Give the hosts list's filters as an object."]})
    if unknown := sorted(set(raw) - set(FILTER_KEYS)):
        known = ", ".join(FILTER_KEYS)
        raise ValidationError(
            {"filters": [f"Unknown filters {', '.join(unknown)}; known: {known}."]}
        )
    for key, value in raw.items():
        params.setlist(
            str(key), [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )
    return params


@extend_schema_view(
    create=extend_schema(request=StartSerializer, responses={201: ScanDetailSerializer}),
    outdated=extend_schema(request=OUTDATED, responses={201: ScanDetailSerializer}),
)
class ReassessmentViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Scan],
):
    """Re-assessments: viewers follow them (status, progress, verdicts); operators start
    them."""

    pagination_class = cursor_by("-created", "-pk")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Scan]:
        scans = Scan.objects.filter(trigger=ScanTrigger.REASSESS).select_related(
            "requested_by", "schedule"
        )
        return with_progress(scans) if self.action == "list" else scans

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return ScanSerializer
        if self.action == "create":
            return StartSerializer
        return ScanDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Re-assess the selection's hosts: all, groups and/or hosts by name, or the hosts
        the hosts list's filters select (as the Scans page's re-assess button)."""
        form = StartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return start_reassessment(form.selection(), request)

    @action(detail=False, methods=["post"])
    def outdated(self, request: Request) -> Response:
        """Re-assess the hosts whose latest result an older ruleset judged, among those the
        hosts list's `filters` select (none: the whole fleet), as the overview's banner."""
        data = request.data if isinstance(request.data, dict) else {}
        try:
            selection = outdated_selection(filter_params(data.get("filters")))
        except NothingOutdated as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        except SelectionError as exc:
            errors = {f"filters.{k}": [str(m) for m in v] for k, v in exc.errors.items()}
            raise ValidationError(errors or {"filters": [str(exc)]}) from None
        return start_reassessment(selection, request)
