"""Inventory pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fleet.lib.roles import VIEWER, role_required
from fleet.models import Host


@role_required(VIEWER)
def host_detail(request: HttpRequest, pk: int) -> HttpResponse:
    host = get_object_or_404(Host, pk=pk)
    return render(request, "fleet/host_detail.html", {"host": host})
