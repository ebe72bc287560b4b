"""Helpers shared by the readiness views."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from assessments.filtersets import FILTER_KEYS, HostFilterSet, filter_querystring, filtered_hosts
from fleet.models import Host


def hosts_for(request: HttpRequest) -> tuple[HostFilterSet, QuerySet[Host], str]:
    """The hosts-list filters of this request, their queryset and their querystring."""
    filterset, hosts = filtered_hosts(request.GET)
    return filterset, hosts, filter_querystring(request.GET)


def filter_items(params: Any) -> list[tuple[str, str]]:
    """The hosts-list filters of a QueryDict as (name, value) pairs, for hidden inputs."""
    return [(key, value) for key in FILTER_KEYS for value in params.getlist(key) if value]


def host_or_404(pk: int) -> Host:
    return get_object_or_404(Host.objects.select_related("target", "wave", "latest_scan"), pk=pk)
