"""Inventory pages."""

from django.urls import path

from fleet import views

urlpatterns = [
    path("hosts/import/", views.host_import, name="host-import"),
]
