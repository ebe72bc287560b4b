"""Readiness pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fleet.lib.roles import VIEWER, role_required
from fleet.models import Host


@role_required(VIEWER)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/overview.html", {"host_count": Host.objects.count()})
