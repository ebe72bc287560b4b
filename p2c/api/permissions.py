"""The pages' roles (fleet.lib.roles) per endpoint and method.

By default a safe method (GET, HEAD, OPTIONS) needs the viewer role and anything else the
operator role. A view changes that with `action_roles` (DRF action -> role, e.g.
`{"credentials": ADMIN}`) or `method_roles` (HTTP method -> role); an action wins over a
method. The refusal reads like the pages' 403: the role needed and the role held.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from fleet.lib.roles import OPERATOR, VIEWER, has_role, refusal


def required_role(request: Request, view: Any) -> str:
    action = getattr(view, "action", None)
    action_roles: dict[str, str] = getattr(view, "action_roles", {})
    if action and action in action_roles:
        return action_roles[action]
    method_roles: dict[str, str] = getattr(view, "method_roles", {})
    if request.method in method_roles:
        return method_roles[request.method]
    return VIEWER if request.method in SAFE_METHODS else OPERATOR


class HasRole(BasePermission):
    """Authenticated, and holding the role this endpoint needs for this method."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        role = self.role_for(request, view)
        if not has_role(request.user, role):
            self.message = refusal(request.user, role).replace("This page", "This endpoint")
            return False
        return True

    def role_for(self, request: Request, view: Any) -> str:
        return required_role(request, view)


class HasViewerRole(HasRole):
    """The viewer role for every method: for answers that act on nothing (the JSON 404)."""

    def role_for(self, request: Request, view: Any) -> str:
        return VIEWER
