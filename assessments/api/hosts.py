"""`/api/v1/hosts/`: the hosts list (its filters and sorting), a host with its latest result,
and operators' create, update and delete."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import HostDetailSerializer, HostSerializer, attach_names
from assessments.filtersets import HostFilterSet, filtered_hosts
from assessments.pages import queries
from assessments.tables import HostTable
from fleet.models import Host
from p2c.api.errors import check_filterset
from p2c.api.etag import ETagMixin
from p2c.api.pagination import Offset

# The columns the hosts list sorts by, `-` first for descending (the page's `?sort=`).
SORTS = [name for name, column in HostTable.base_columns.items() if column.orderable is not False]
COUNT_SORTS = ("blockers", "warnings")
# What a list row shows of its relations (groups and tags: attach_names).
LIST_RELATED = ("credential", "target", "wave")


def filter_parameters() -> list[OpenApiParameter]:
    """The hosts list's filters as query parameters of the schema."""
    return [
        OpenApiParameter(name, OpenApiTypes.STR, description=str(f.label or name))
        for name, f in HostFilterSet.base_filters.items()
    ]


SORT_PARAMETER = OpenApiParameter(
    "sort",
    OpenApiTypes.STR,
    description="A column, `-` first for descending: " + ", ".join(SORTS) + " (default name).",
)


def sorted_hosts(hosts: QuerySet[Host], sort: str) -> QuerySet[Host]:
    """`hosts` in the hosts list's order for `sort` (the table's own ordering, verdict by
    severity included); counts are annotated only when the sort needs them."""
    if sort.lstrip("-") not in SORTS:
        raise ValidationError({"sort": [f"Sort by one of {', '.join(SORTS)}, not {sort!r}."]})
    if sort.lstrip("-") in COUNT_SORTS:
        hosts = queries.with_counts(hosts)
    table = HostTable(hosts, order_by=(sort,))
    ordered: QuerySet[Host] = table.data.data
    return ordered


@extend_schema_view(list=extend_schema(parameters=[*filter_parameters(), SORT_PARAMETER]))
class HostViewSet(ETagMixin, viewsets.ModelViewSet[Host]):
    """Hosts: viewers read, operators create, update and delete (the pages' roles)."""

    pagination_class = Offset
    queryset = Host.objects.all()
    # Digits only: `hosts/import/` and other words under hosts/ are free for other routes.
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self) -> Any:
        return HostSerializer if self.action == "list" else HostDetailSerializer

    def get_queryset(self) -> QuerySet[Host]:
        if self.action != "list":
            related = ("credential", "target", "wave", "latest_scan")
            return Host.objects.select_related(*related).prefetch_related("groups", "tags")
        filterset, hosts = filtered_hosts(self.request.query_params)
        check_filterset(filterset)
        hosts = hosts.select_related(*LIST_RELATED)
        return sorted_hosts(hosts, self.request.query_params.get("sort") or "name")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        hosts = self.get_queryset()
        if (request.query_params.get("sort") or "").lstrip("-") in COUNT_SORTS:
            # Order and cut on the hosts alone, then load the page's rows: the joins for 100
            # rows, not for all of them (10,000 hosts: bench/api_10k.py).
            ids = self.paginate_queryset(hosts.values_list("pk", flat=True))
            assert ids is not None  # a pagination class is set
            rows = Host.objects.select_related(*LIST_RELATED).in_bulk(ids)
            page = [rows[pk] for pk in ids if pk in rows]
        else:
            paged = self.paginate_queryset(hosts)
            assert paged is not None
            page = paged
        queries.attach_counts(page)
        attach_names(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
