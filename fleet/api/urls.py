"""API routes of the inventory app, assembled under /api/v1/ by p2c/api/urls.py."""

from typing import Any

from django.urls import URLPattern, path

from fleet.api import imports, views
from fleet.api.tokens import TokenViewSet

ROUTES: list[tuple[str, Any, str]] = [
    ("tokens", TokenViewSet, "token"),
]
urlpatterns: list[URLPattern] = [
    path("me/", views.me, name="me"),
    path("hosts/import/", imports.host_import, name="host-import"),
]
