"""API routes of this app, assembled under /api/v1/ by p2c/api/urls.py."""

from typing import Any

from django.urls import URLPattern

ROUTES: list[tuple[str, Any, str]] = []
urlpatterns: list[URLPattern] = []
