"""`/api/v1/findings/`: the findings of every host's latest result, filtered by restriction,
severity, check, waived, host, and the hosts list's filters; cursor-paginated (200,000 rows
page in constant time)."""

from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from assessments.api.serializers import FindingSerializer
from assessments.filtersets import (
    FINDING_HOST_KEYS,
    FindingFilterSet,
    HostFilterSet,
    filtered_hosts,
)
from assessments.models import Finding
from assessments.pages.queries import latest_findings
from p2c.api.errors import check_filterset
from p2c.api.etag import ETagMixin


def host_params(params: QueryDict) -> QueryDict:
    """The hosts-list filters among `params` (restriction and severity are the findings')."""
    kept = QueryDict(mutable=True)
    for key in FINDING_HOST_KEYS:
        kept.setlist(key, params.getlist(key))
    return kept


PARAMETERS = [
    *(
        OpenApiParameter(name, OpenApiTypes.STR, description=str(f.label or name))
        for name, f in FindingFilterSet.base_filters.items()
    ),
    *(
        OpenApiParameter(
            name, OpenApiTypes.STR, description=f"Hosts list filter: {f.label or name}"
        )
        for name, f in HostFilterSet.base_filters.items()
        if name in FINDING_HOST_KEYS
    ),
]


FIELDS = (
    "id",
    "host_id",
    "host_scan_id",
    "restriction",
    "check_id",
    "severity",
    "title",
    "evidence",
    "remediation",
    "waived",
    "host__name",
)


@extend_schema_view(list=extend_schema(parameters=PARAMETERS))
class FindingViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet[Finding]):
    """Findings of the hosts' latest results (older results' findings never show)."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.all()

    def get_queryset(self) -> QuerySet[Finding]:
        params = self.request.query_params
        hosts_filter, hosts = filtered_hosts(host_params(params))
        findings = FindingFilterSet(params, queryset=latest_findings(hosts))
        check_filterset(hosts_filter, findings)
        result: QuerySet[Finding] = findings.qs.select_related("host").only(*FIELDS)
        return result
