"""`/api/v1/scans/`: the scans, a scan's progress and its hosts, starting one with the page's
selections (all hosts, groups, hosts, or the hosts list's filters), cancelling one, and a
new scan of a scan's failed hosts."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.choices import HostScanStatus, ScanTrigger
from assessments.filtersets import FILTER_KEYS
from assessments.models import HostScan, Scan
from assessments.pages.selections import describe_selection, filtered_selection
from assessments.scanning.scans import (
    QueueUnavailable,
    SelectionError,
    eta_minutes,
    retry_selection,
    scan_progress,
    start_scan,
)
from p2c.api.etag import ETagMixin
from p2c.api.pagination import cursor_by

STATUSES = HostScanStatus.values


class ProgressSerializer(serializers.Serializer[dict[str, int]]):
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class ScanSerializer(serializers.ModelSerializer[Scan]):
    """A scan with its hosts per status."""

    url = serializers.HyperlinkedIdentityField(view_name="api:scan-detail")
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    schedule = serializers.CharField(source="schedule.name", default=None)
    selection_text = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Scan
        fields = [
            "id",
            "url",
            "status",
            "trigger",
            "selection",
            "selection_text",
            "requested_by",
            "schedule",
            "ruleset",
            "cancel_requested",
            "error",
            "created",
            "started",
            "finished",
            "progress",
        ]
        read_only_fields = fields

    def get_selection_text(self, scan: Scan) -> str:
        return describe_selection(scan.selection)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, scan: Scan) -> dict[str, int]:
        counted = getattr(scan, "n_total", None)
        if counted is None:
            return scan_progress(scan)
        return {"total": counted, **{s: getattr(scan, f"n_{s}") for s in STATUSES}}


class ScanDetailSerializer(ScanSerializer):
    """A scan with its progress, the minutes left, and its hosts' verdicts so far."""

    eta_minutes = serializers.SerializerMethodField()
    verdicts = serializers.SerializerMethodField()
    notice = serializers.SerializerMethodField()

    class Meta(ScanSerializer.Meta):
        fields = [*ScanSerializer.Meta.fields, "eta_minutes", "verdicts", "notice"]
        read_only_fields = fields

    def get_eta_minutes(self, scan: Scan) -> int | None:
        return eta_minutes(scan, self.get_progress(scan))

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_verdicts(self, scan: Scan) -> dict[str, int]:
        rows = (
            HostScan.objects.filter(scan=scan)
            .exclude(verdict="")
            .order_by()
            .values_list("verdict")
            .annotate(n=Count("pk"))
        )
        return dict(rows)

    def get_notice(self, scan: Scan) -> str | None:
        return self.context.get("notice")


class StartSerializer(serializers.Serializer[dict[str, Any]]):
    """What to scan, as on the Scans page: all hosts, some groups and hosts by name, or the
    hosts the hosts list's filters select (`filters`: its querystring parameters)."""

    all = serializers.BooleanField(required=False, default=False)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    hosts = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    filters = serializers.DictField(child=serializers.CharField(), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [bool(attrs["all"]), bool(attrs["groups"] or attrs["hosts"]), "filters" in attrs]
        if sum(given) != 1:
            raise ValidationError(
                "Give one of: `all: true`, `groups` and/or `hosts` (names), or `filters`."
            )
        if "filters" in attrs:
            unknown = sorted(set(attrs["filters"]) - set(FILTER_KEYS))
            if unknown:
                known = ", ".join(FILTER_KEYS)
                message = f"Unknown filters {', '.join(unknown)}; known: {known}."
                raise ValidationError({"filters": [message]})
        return attrs

    def selection(self) -> dict[str, Any]:
        """The scan's selection (start_scan's), or ValidationError naming what is wrong."""
        data = self.validated_data
        if data["all"]:
            return {"all": True}
        if "filters" in data:
            params = QueryDict(mutable=True)
            params.update(data["filters"])
            try:
                return filtered_selection(params)
            except SelectionError as exc:
                if exc.errors:
                    raise ValidationError(
                        {f"filters.{k}": [str(m) for m in v] for k, v in exc.errors.items()}
                    ) from None
                raise ValidationError({"filters": [str(exc)]}) from None
        selection: dict[str, Any] = {}
        if data["groups"]:
            selection["groups"] = data["groups"]
        if data["hosts"]:
            selection["hosts"] = data["hosts"]
        return selection


def started(scan: Scan, request: Request, notice: str | None = None) -> Response:
    """201 with the new scan; `notice` says when the queue did not take it yet."""
    context = {"request": request, "notice": notice}
    body = ScanDetailSerializer(scan, context=context).data
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


def start(selection: dict[str, Any], request: Request) -> Response:
    try:
        scan = start_scan(selection, user=request.user, trigger=ScanTrigger.MANUAL)
    except SelectionError as exc:
        raise ValidationError({exc.field or "non_field_errors": [str(exc)]}) from None
    except QueueUnavailable as exc:
        return started(exc.scan, request, exc.notice)
    return started(scan, request)


class HostScanSerializer(serializers.ModelSerializer[HostScan]):
    """One host in a scan: its status, error and the verdict it was judged with."""

    host_name = serializers.CharField(source="host.name")

    class Meta:
        model = HostScan
        fields = [
            "id",
            "host",
            "host_name",
            "status",
            "verdict",
            "transport",
            "error_class",
            "error_detail",
            "attempts",
            "started",
            "finished",
        ]
        read_only_fields = fields


def with_progress(scans: QuerySet[Scan]) -> QuerySet[Scan]:
    """Scans annotated with their hosts per status (one query for a page of scans)."""
    counts = {f"n_{s}": Count("host_scans", filter=Q(host_scans__status=s)) for s in STATUSES}
    return scans.annotate(n_total=Count("host_scans"), **counts)


@extend_schema_view(
    create=extend_schema(request=StartSerializer, responses={201: ScanDetailSerializer}),
    cancel=extend_schema(request=None, responses=ScanDetailSerializer),
    retry_failed=extend_schema(request=None, responses={201: ScanDetailSerializer}),
    hosts=extend_schema(
        parameters=[OpenApiParameter("status", enum=STATUSES, description="Hosts of this status")],
        responses=HostScanSerializer(many=True),
    ),
)
class ScanViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Scan],
):
    """Scans: viewers follow them, operators start, cancel and retry (the pages' roles)."""

    queryset = Scan.objects.all()
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Scan]:
        scans = Scan.objects.select_related("requested_by", "schedule")
        return with_progress(scans) if self.action == "list" else scans

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return ScanSerializer
        if self.action == "create":
            return StartSerializer
        if self.action == "hosts":
            return HostScanSerializer
        return ScanDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a scan (trigger manual) of the selection."""
        form = StartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return start(form.selection(), request)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Stop the scan: hosts not started are cancelled, hosts being scanned finish."""
        scan = self.get_object()
        scan.cancel(user=request.user)
        return Response(ScanDetailSerializer(scan, context={"request": request}).data)

    @action(detail=True, methods=["post"], url_path="retry-failed")
    def retry_failed(self, request: Request, pk: str) -> Response:
        """A new scan of exactly this scan's failed hosts."""
        scan = self.get_object()
        try:
            selection = retry_selection(scan)
        except SelectionError as exc:
            raise ValidationError(str(exc)) from None
        return start(selection, request)

    @action(detail=True, methods=["get"])
    def hosts(self, request: Request, pk: str) -> Response:
        """The scan's hosts (`?status=` for one status), by host name."""
        scan = self.get_object()
        wanted = request.query_params.get("status", "")
        host_scans = HostScan.objects.filter(scan=scan).select_related("host")
        if wanted:
            if wanted not in STATUSES:
                raise ValidationError(
                    {"status": [f"Unknown status {wanted!r}: choose one of {', '.join(STATUSES)}."]}
                )
            host_scans = host_scans.filter(status=wanted)
        paginator = cursor_by("pk")()
        page = paginator.paginate_queryset(host_scans, request, view=self)
        return paginator.get_paginated_response(HostScanSerializer(page, many=True).data)
