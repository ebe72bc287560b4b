"""Scans: the list, starting one, a scan's live progress (htmx polling) and cancelling it."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.choices import HostScanStatus, ScanStatus
from assessments.filtersets import filter_querystring, filtered_hosts
from assessments.forms import SelectionForm
from assessments.models import HostScan, Scan
from assessments.views.common import optional
from fleet.lib.roles import OPERATOR, VIEWER, role_required

LIVE = {ScanStatus.QUEUED, ScanStatus.RUNNING}
# A filtered selection is stored as host names on the scan; beyond this, scan groups or all.
MAX_NAMED = 5000


def progress_of(scan: Scan) -> dict[str, int]:
    """Host scans of `scan` per status (the scans module's own count when it has one)."""
    scan_progress = optional("assessments.lib.scans", "scan_progress")
    if scan_progress is not None:
        return dict(scan_progress(scan))
    counts = dict.fromkeys(["total", *HostScanStatus.values], 0)
    for row in scan.host_scans.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
        counts["total"] += row["n"]
    return counts


@role_required(VIEWER)
def scan_list(request: HttpRequest) -> HttpResponse:
    scans = (
        Scan.objects.select_related("requested_by", "schedule")
        .annotate(hosts=Count("host_scans"))
        .order_by("-created")
    )
    page = Paginator(scans, 30).get_page(request.GET.get("page"))
    return render(request, "assessments/scan_list.html", {"page": page, "form": SelectionForm()})


@require_POST
@role_required(OPERATOR)
def scan_start(request: HttpRequest) -> HttpResponse:
    form = SelectionForm(request.POST)
    start_scan = optional("assessments.lib.scans", "start_scan")
    if not form.is_valid() or start_scan is None:
        message = "Scanning is not available yet." if start_scan is None else form.errors
        messages.error(request, f"No scan started: {message}")
        return redirect("scan-list")
    try:
        scan = start_scan(form.selection(), user=request.user, trigger="manual")
    except ValueError as exc:  # SelectionError: a group or host vanished meanwhile
        messages.error(request, f"No scan started: {exc}")
        return redirect("scan-list")
    messages.success(request, f"Scan #{scan.pk} started.")
    return redirect("scan-detail", pk=scan.pk)


@require_POST
@role_required(OPERATOR)
def scan_filtered(request: HttpRequest) -> HttpResponse:
    """Scan the hosts the hosts-list filters select (all hosts when there is no filter)."""
    filterset, hosts = filtered_hosts(request.POST)
    if not filterset.is_valid():
        # An unknown group or tag must not widen the scan to the whole fleet.
        messages.error(request, "No scan started: the filters are not valid.")
        return redirect("host-list")
    start_scan = optional("assessments.lib.scans", "start_scan")
    if start_scan is None:
        messages.error(request, "Scanning is not available yet.")
        return redirect("host-list")
    if not filter_querystring(request.POST):
        selection: dict[str, Any] = {"all": True}
    else:
        names = list(hosts.filter(enabled=True).values_list("name", flat=True)[: MAX_NAMED + 1])
        if not names or len(names) > MAX_NAMED:
            messages.error(
                request, f"No scan started: select between 1 and {MAX_NAMED} enabled hosts."
            )
            return redirect(f"{reverse('host-list')}?{filter_querystring(request.POST)}")
        selection = {"hosts": names}
    scan = start_scan(selection, user=request.user, trigger="manual")
    messages.success(request, f"Scan #{scan.pk} started.")
    return redirect("scan-detail", pk=scan.pk)


def _context(scan: Scan) -> dict[str, Any]:
    progress = progress_of(scan)
    finished = progress.get("done", 0) + progress.get("failed", 0) + progress.get("cancelled", 0)
    return {
        "scan": scan,
        "progress": progress,
        "percent": round(100 * finished / progress["total"]) if progress.get("total") else 0,
        "live": scan.status in LIVE,
        "host_scans": HostScan.objects.filter(scan=scan)
        .select_related("host")
        .order_by("status", "host__name")[:500],
    }


@role_required(VIEWER)
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(Scan.objects.select_related("requested_by", "schedule"), pk=pk)
    return render(request, "assessments/scan_detail.html", _context(scan))


@role_required(VIEWER)
def scan_progress_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the scan page htmx re-fetches every 2 s while the scan runs."""
    scan = get_object_or_404(Scan.objects.select_related("requested_by", "schedule"), pk=pk)
    response = render(request, "assessments/_scan_progress.html", _context(scan))
    if scan.status not in LIVE:
        # htmx stops polling on 286: the scan is over.
        response.status_code = 286
    return response


@require_POST
@role_required(OPERATOR)
def scan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(Scan, pk=pk)
    cancel_scan = optional("assessments.lib.scans", "cancel_scan")
    if cancel_scan is not None:
        cancel_scan(scan, user=request.user)
    else:
        Scan.objects.filter(pk=scan.pk, status__in=LIVE).update(cancel_requested=True)
    messages.success(request, f"Cancelling scan #{scan.pk}.")
    return redirect("scan-detail", pk=scan.pk)
