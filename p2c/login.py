"""Login throttling hooks for django-axes: the client's address, and the lockout page.

Settings (p2c/settings.py, README "Users and roles"): LOGIN_FAILURE_LIMIT,
LOGIN_COOLOFF_MINUTES and LOGIN_TRUSTED_PROXIES.
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed logins for this account or address; try again in "
        f"{minutes} {unit} or ask an admin to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lockout message instead of "didn't match" (429)."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": lockout_message(settings.LOGIN_COOLOFF_MINUTES),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The address failures are counted against.

    REMOTE_ADDR, unless LOGIN_TRUSTED_PROXIES says how many proxies stand in front: each of
    them appends the address it received the request from to X-Forwarded-For, so the
    client is the N-th address from the right. Anything left of that was written by the
    client and is never believed. A header too short for the chain, or a value that is not
    an address, means the request did not come through the proxies: REMOTE_ADDR then.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies: int = settings.LOGIN_TRUSTED_PROXIES
    if not proxies:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [address.strip() for address in header.split(",") if address.strip()]
    if len(chain) < proxies:
        return remote
    candidate = chain[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate
