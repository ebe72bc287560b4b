from django.urls import path

from fleet import views

urlpatterns = [
    path("hosts/<int:pk>/", views.host_detail, name="host-detail"),
]
