"""Roles: viewer (read), operator (import, scan, waive), admin (credentials, users, settings).

Roles are Django groups created by a migration. Each role includes the ones below it; a
superuser holds all of them. Views enforce them with `role_required`; templates only use
`can_operate`/`can_administer` to hide buttons, never to protect anything.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

VIEWER = "viewer"
OPERATOR = "operator"
ADMIN = "admin"
ROLES = [VIEWER, OPERATOR, ADMIN]

F = TypeVar("F", bound=Callable[..., Any])


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    if getattr(user, "is_superuser", False):
        return set(ROLES)
    cached: set[str] | None = getattr(user, "_p2c_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))  # type: ignore[union-attr,attr-defined,unused-ignore]
    highest = max((ROLES.index(name) for name in names), default=-1)
    roles = set(ROLES[: highest + 1])
    user._p2c_roles = roles  # type: ignore[union-attr,attr-defined,unused-ignore]
    return roles


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    return role in user_roles(user)


def refusal(user: AbstractBaseUser | AnonymousUser, role: str) -> str:
    """The 403 page's sentence: the role the page needs and the one the user holds."""
    held = [name for name in ROLES if name in user_roles(user)]
    you = (
        f"you are {'an' if held[-1][0] in 'aeiou' else 'a'} {held[-1]}"
        if held
        else "you have no role"
    )
    return f"This page needs the {role} role; {you}."


def role_required(role: str) -> Callable[[F], F]:
    """Refuse (403) a logged-in user without `role`; login itself is enforced by middleware."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not has_role(request.user, role):
                raise PermissionDenied(refusal(request.user, role))
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def roles_context(request: HttpRequest) -> dict[str, bool]:
    roles = user_roles(request.user)
    return {
        "can_view": VIEWER in roles,
        "can_operate": OPERATOR in roles,
        "can_administer": ADMIN in roles,
    }
