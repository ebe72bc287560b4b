from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.overview, name="overview"),
]
