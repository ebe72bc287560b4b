"""API routes of the inventory app, assembled under /api/v1/ by p2c/api/urls.py."""

from typing import Any

from django.urls import URLPattern, path

from fleet.api import imports, views

ROUTES: list[tuple[str, Any, str]] = []
urlpatterns: list[URLPattern] = [
    path("me/", views.me, name="me"),
    path("hosts/import/", imports.host_import, name="host-import"),
]
