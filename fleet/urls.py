"""Inventory pages."""

from django.urls import path

from fleet import views

urlpatterns = [
    path("hosts/import/", views.host_import, name="host-import"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
