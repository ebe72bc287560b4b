"""Inventory pages: the import of hosts from CSV and Ansible inventories."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from fleet.forms import ImportForm
from fleet.lib.import_csv import COLUMNS
from fleet.lib.imports import import_hosts
from fleet.lib.roles import OPERATOR, role_required


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
