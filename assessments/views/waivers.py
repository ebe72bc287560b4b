"""Waiving a finding, editing and revoking waivers, and the list of waivers with their trail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessments.forms import WaiverForm
from assessments.models import Waiver
from assessments.scanning.waivers import (
    WaiverError,
    create_waiver,
    edit_waiver,
    expire_waivers,
    finding_to_waive,
)
from assessments.scanning.waivers import revoke_waiver as revoke
from assessments.views.common import host_or_404
from fleet.lib.roles import OPERATOR, VIEWER, role_required


@require_POST
@role_required(OPERATOR)
def waiver_create(request: HttpRequest, pk: int) -> HttpResponse:
    host = host_or_404(pk)
    form = WaiverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Waiver not saved: reason and owner are required.")
        return redirect(host)
    check_id = form.cleaned_data["check_id"]
    finding = finding_to_waive(host, check_id)
    if finding is None:
        messages.error(request, f"{check_id} has no finding to waive in the latest scan.")
        return redirect(host)
    try:
        create_waiver(
            host,
            check_id,
            finding.restriction,
            reason=form.cleaned_data["reason"],
            owner=form.cleaned_data["owner"],
            expires=form.cleaned_data["expires"],
            user=request.user,
        )
    except WaiverError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{check_id} waived on {host}.")
    return redirect(host)


@role_required(OPERATOR)
def waiver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = get_object_or_404(Waiver.objects.select_related("host"), pk=pk, active=True)
    form = WaiverForm(request.POST or None, instance=waiver, initial={"check_id": waiver.check_id})
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in ("reason", "owner", "expires")}
        try:
            # form.instance already holds the new values; edit from a fresh copy.
            edit_waiver(
                Waiver.objects.get(pk=waiver.pk),
                user=request.user,
                why=form.cleaned_data["why"],
                **values,
            )
        except WaiverError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Waiver updated.")
            return redirect(waiver.host)
    return render(request, "assessments/waiver_form.html", {"form": form, "waiver": waiver})


@require_POST
@role_required(OPERATOR)
def waiver_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = get_object_or_404(Waiver.objects.select_related("host"), pk=pk)
    revoke(waiver, user=request.user, why=request.POST.get("why", ""))
    messages.success(request, f"Waiver of {waiver.check_id} on {waiver.host} revoked.")
    return redirect(waiver.host)


@role_required(VIEWER)
def waiver_list(request: HttpRequest) -> HttpResponse:
    expire_waivers()
    waivers = Waiver.objects.select_related("host", "created_by").prefetch_related("events__user")
    if request.GET.get("state") != "all":
        waivers = waivers.filter(active=True)
    page = Paginator(waivers, 50).get_page(request.GET.get("page"))
    context = {"page": page, "show_all": request.GET.get("state") == "all"}
    return render(request, "assessments/waiver_list.html", context)
