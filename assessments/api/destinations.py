"""`/api/v1/destinations/`: destination nodes (TargetNode). Viewers read, operators write
through the page's form (free space in GiB; the answer gives bytes too); an edit that changes
the free space or the platform re-judges the node's assigned hosts, as the page's does."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.forms import body, check, current_values
from assessments.api.started import StartedSerializer, started
from assessments.forms import GIB, TargetNodeForm
from assessments.scanning.destinations import judged_values, reassess_if_changed
from assessments.scanning.scans import QueueUnavailable
from fleet.models import TargetNode
from p2c.api.etag import ETagMixin
from p2c.api.fields import IdentityUrl
from p2c.api.pagination import cursor_by


class DestinationSerializer(serializers.ModelSerializer[TargetNode]):
    """A destination node; `free_gib` is what a write sets, `free_bytes` the same in bytes."""

    url = IdentityUrl(view_name="api:destination-detail")
    free_gib = serializers.DecimalField(
        max_digits=20, decimal_places=3, allow_null=True, required=False, coerce_to_string=False
    )
    free_bytes = serializers.IntegerField(read_only=True, allow_null=True)
    assigned_hosts = serializers.IntegerField(read_only=True)
    reassessment = serializers.SerializerMethodField()

    class Meta:
        model = TargetNode
        fields = [
            "id",
            "url",
            "name",
            "address",
            "os_family",
            "windows_version",
            "architecture",
            "free_gib",
            "free_bytes",
            "platform",
            "notes",
            "assigned_hosts",
            "created",
            "reassessment",
        ]
        read_only_fields = ["created"]

    def to_representation(self, instance: TargetNode) -> dict[str, Any]:
        free = instance.free_bytes
        instance.free_gib = (  # type: ignore[attr-defined]
            None if free is None else (Decimal(free) / GIB).quantize(Decimal("0.001"))
        )
        if not hasattr(instance, "assigned_hosts"):
            instance.assigned_hosts = instance.hosts.count()  # type: ignore[attr-defined]
        return super().to_representation(instance)

    @extend_schema_field(StartedSerializer(allow_null=True))
    def get_reassessment(self, node: TargetNode) -> dict[str, Any] | None:
        value: dict[str, Any] | None = self.context.get("reassessment")
        return value


@extend_schema_view(
    create=extend_schema(responses={201: DestinationSerializer}),
    update=extend_schema(responses=DestinationSerializer),
    partial_update=extend_schema(responses=DestinationSerializer),
)
class DestinationViewSet(ETagMixin, viewsets.ModelViewSet[TargetNode]):
    """Destination nodes: viewers read; operators add, edit and delete (the pages' roles)."""

    serializer_class = DestinationSerializer
    pagination_class = cursor_by("name", "pk")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[TargetNode]:
        return TargetNode.objects.annotate(assigned_hosts=Count("hosts"))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = TargetNodeForm(body(request.data))
        check(form)
        node = form.save()
        data = self.get_serializer(node).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        node = self.get_object()
        base = current_values(TargetNodeForm(instance=node)) if kwargs.get("partial") else {}
        before = judged_values(node)
        form = TargetNodeForm(body(request.data, base), instance=node)
        check(form)
        node = form.save()
        context = dict(self.get_serializer_context())
        try:
            scan, hosts = reassess_if_changed(node, before, user=request.user)
        except QueueUnavailable as exc:
            hosts = exc.scan.host_scans.count()
            context["reassessment"] = started(request, exc.scan, hosts, exc.notice)
        else:
            if scan is not None:
                context["reassessment"] = started(request, scan, hosts, None)
        node = self.get_queryset().get(pk=node.pk)
        return Response(DestinationSerializer(node, context=context).data)
