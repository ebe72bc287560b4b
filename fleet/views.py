"""Inventory pages: the import of hosts from CSV and Ansible inventories; the user's account
(API tokens)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from fleet.forms import ImportForm, TokenForm
from fleet.lib.import_csv import COLUMNS
from fleet.lib.imports import import_hosts
from fleet.lib.roles import OPERATOR, ROLES, role_required, user_roles
from fleet.lib.tokens import create_token, revoke
from fleet.models import ApiToken


@require_http_methods(["GET", "POST"])
@role_required(OPERATOR)
def host_import(request: HttpRequest) -> HttpResponse:
    """GET: the form and the accepted formats; POST: the per-host report (or every error)."""
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
    else:
        form = ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_hosts(
            upload.name or "upload",
            upload.read(),
            dry_run=form.cleaned_data["dry_run"],
            fmt=form.cleaned_data["format"] or None,
        )
    context = {"form": form, "report": report, "columns": COLUMNS}
    return render(request, "fleet/import.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The user's own page: roles and API tokens. POST makes a token and shows its key once,
    in this response only (never stored, never redirected through a URL)."""
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = create_token(
            request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"],
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)  # type: ignore[misc]
    now = timezone.now()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": [(token, token.status(now)) for token in tokens],
        "roles": [role for role in ROLES if role in user_roles(request.user)],
    }
    return render(request, "fleet/account.html", context)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's is a 404: nothing to learn)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if revoke(token):
        messages.success(request, f"Token {token.prefix}… is revoked.")
    return redirect("account")
