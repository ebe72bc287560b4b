from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("hosts/<int:pk>/", views.overview, name="host-detail"),  # replaced by the host page
]
