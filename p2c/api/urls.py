"""`/api/v1/` (every app's resources on one router), `/api/schema/` and `/api/docs/`.

Each app's `api/urls.py` holds `ROUTES` (prefix, ViewSet, basename) for the router and
`urlpatterns` for anything else (both may be empty). DRF's views skip the login redirect of
LoginRequiredMiddleware (DRF marks them `login_required = False`): DRF refuses an anonymous
request itself, as JSON (401), because every view needs a role (p2c.api.permissions.HasRole).
The Swagger UI is a page: an anonymous visitor is sent to the login page like anywhere else.
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path, resolve
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from assessments.api import urls as assessments_api
from fleet.api import urls as fleet_api
from p2c.api.permissions import HasViewerRole

APPS = (fleet_api, assessments_api)


def api_router() -> DefaultRouter:
    router = DefaultRouter(trailing_slash=True)
    for app in APPS:
        for prefix, viewset, basename in app.ROUTES:
            router.register(prefix, viewset, basename=basename)
    return router


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([HasViewerRole])
def not_found(request: Request, rest: str = "") -> Response:
    """Any other path under /api/: the JSON 404 a script can read, not the HTML page (and a
    hint when only the trailing slash is missing: a POST cannot be redirected)."""
    message = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        match = resolve(request.path + "/")
        if match.func is not not_found_view:
            message += f" Paths end with a slash: {request.path}/"
    raise NotFound(message)


not_found_view = not_found


v1 = [*api_router().urls]
for app in APPS:
    v1.extend(app.urlpatterns)

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    re_path(r"^(?P<rest>.*)$", not_found),
]
