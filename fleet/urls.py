from django.urls import path  # noqa: F401  (inventory pages are added here)

urlpatterns: list = []
