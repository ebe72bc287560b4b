"""API routes of the readiness app, assembled under /api/v1/ by p2c/api/urls.py."""

from typing import Any

from django.urls import URLPattern

from assessments.api.findings import FindingViewSet
from assessments.api.hosts import HostViewSet

ROUTES: list[tuple[str, Any, str]] = [
    ("hosts", HostViewSet, "host"),
    ("findings", FindingViewSet, "finding"),
]
urlpatterns: list[URLPattern] = []
