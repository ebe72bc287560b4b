"""URLs of the whole site; every page needs a login (LoginRequiredMiddleware)."""

from collections.abc import Sequence

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, include, path
from django_rq import urls as django_rq_urls

from fleet.lib.roles import ADMIN, role_required


def admin_role_only(patterns: Sequence[URLPattern]) -> list[URLPattern]:
    """The same URL patterns, each view refused (403) to anyone without the admin role.

    django-rq's own views ask only for `is_staff`, and operators are staff (they edit the
    inventory in the admin): they could empty the queues, delete jobs, stop workers' jobs.
    """
    return [
        URLPattern(p.pattern, role_required(ADMIN)(p.callback), p.default_args, p.name)
        for p in patterns
    ]


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "admin/django-rq/",
        include((admin_role_only(django_rq_urls.urlpatterns), django_rq_urls.app_name)),
    ),
    path("admin/", admin.site.urls),
    path("api/", include(("p2c.api.urls", "api"))),
    path("", include("fleet.urls")),
    path("", include("assessments.urls")),
]
