"""Scans: the list, starting one (or a re-assessment of stored captures), a scan's live
progress (htmx polling) and cancelling it."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.choices import HostScanStatus, ScanTrigger
from assessments.filtersets import filter_querystring
from assessments.forms import SelectionForm
from assessments.models import HostScan, Scan
from assessments.pages.selections import NothingOutdated, filtered_selection, outdated_selection
from assessments.scanning import ruleset
from assessments.scanning.scans import (
    LIVE,
    QueueUnavailable,
    SelectionError,
    eta_minutes,
    retry_selection,
    scan_progress,
    select_hosts,
    start_scan,
)
from fleet.lib.roles import OPERATOR, VIEWER, role_required


@role_required(VIEWER)
def scan_list(request: HttpRequest) -> HttpResponse:
    scans = (
        Scan.objects.select_related("requested_by", "schedule")
        .annotate(hosts=Count("host_scans"))
        .order_by("-created")
    )
    page = Paginator(scans, 30).get_page(request.GET.get("page"))
    context = {"page": page, "form": SelectionForm(), "ruleset": ruleset.current()}
    return render(request, "assessments/scan_list.html", context)


@require_POST
@role_required(OPERATOR)
def scan_start(request: HttpRequest) -> HttpResponse:
    form = SelectionForm(request.POST)
    if (
        form.is_valid()
        and form.cleaned_data.get("all_hosts")
        and request.POST.get("confirm") != "1"
    ):
        return _confirm_all(request)
    return _start_selected(request, ScanTrigger.MANUAL)


def _confirm_all(request: HttpRequest) -> HttpResponse:
    """Scanning the whole fleet asks first, on a page of its own (no JavaScript confirm)."""
    count = select_hosts({"all": True}).count()
    return render(request, "assessments/scan_confirm.html", {"count": count})


@require_POST
@role_required(OPERATOR)
def scan_reassess(request: HttpRequest) -> HttpResponse:
    """Judge the stored captures of the hosts the scan form selects again (no host is
    contacted)."""
    return _start_selected(request, ScanTrigger.REASSESS)


def _start_selected(request: HttpRequest, trigger: str) -> HttpResponse:
    """Start a scan (or re-assessment) of the SelectionForm's hosts; to its page."""
    form = SelectionForm(request.POST)
    what = "re-assessment" if trigger == ScanTrigger.REASSESS else "scan"
    if not form.is_valid():
        messages.error(request, f"No {what} started: {form.error_text()}")
        return redirect("scan-list")
    try:
        scan = start_scan(form.selection(), user=request.user, trigger=trigger)
    except SelectionError as exc:  # a group or host vanished meanwhile
        messages.error(request, f"No {what} started: {exc}")
        return redirect("scan-list")
    except QueueUnavailable as exc:
        return queue_unavailable(request, exc)
    messages.success(request, f"{scan.noun} #{scan.pk} started.")
    return redirect("scan-detail", pk=scan.pk)


@require_POST
@role_required(OPERATOR)
def scan_reassess_outdated(request: HttpRequest) -> HttpResponse:
    """Re-assess the hosts whose latest result an older ruleset judged (the overview's
    banner), among those the overview's filters select."""
    back = f"{reverse('overview')}?{filter_querystring(request.POST)}".rstrip("?")
    try:
        selection = outdated_selection(request.POST)
    except NothingOutdated as exc:
        messages.info(request, str(exc))
        return redirect(back)
    except SelectionError as exc:
        messages.error(request, f"No re-assessment started: {exc}")
        return redirect(back)
    names = selection["hosts"]
    try:
        scan = start_scan(selection, user=request.user, trigger=ScanTrigger.REASSESS)
    except QueueUnavailable as exc:
        return queue_unavailable(request, exc)
    messages.success(request, f"{scan.noun} #{scan.pk} of {len(names)} hosts started.")
    return redirect("scan-detail", pk=scan.pk)


@require_POST
@role_required(OPERATOR)
def scan_filtered(request: HttpRequest) -> HttpResponse:
    """Scan the hosts the hosts-list filters select (with no filter, all hosts, after the
    same confirm page as "Scan all hosts")."""
    try:
        selection = filtered_selection(request.POST)
    except SelectionError as exc:
        messages.error(request, f"No scan started: {exc}")
        if exc.errors:  # invalid filters: back to the unfiltered list
            return redirect("host-list")
        return redirect(f"{reverse('host-list')}?{filter_querystring(request.POST)}")
    if selection.get("all"):
        # No filter is the whole fleet: the same confirm page as "Scan all hosts", whose
        # Confirm button starts the scan from scan_start.
        return _confirm_all(request)
    try:
        scan = start_scan(selection, user=request.user, trigger="manual")
    except QueueUnavailable as exc:
        return queue_unavailable(request, exc)
    messages.success(request, f"Scan #{scan.pk} started.")
    return redirect("scan-detail", pk=scan.pk)


def queue_unavailable(request: HttpRequest, exc: QueueUnavailable) -> HttpResponse:
    """The scan is saved, its jobs not enqueued: say so on the scan's page."""
    messages.warning(request, exc.notice)
    return redirect("scan-detail", pk=exc.scan.pk)


# Failures first, then what is still to do, then the rest.
STATUS_ORDER = Case(
    When(status=HostScanStatus.FAILED, then=Value(0)),
    When(status=HostScanStatus.RUNNING, then=Value(1)),
    When(status=HostScanStatus.QUEUED, then=Value(2)),
    When(status=HostScanStatus.CANCELLED, then=Value(3)),
    default=Value(4),
)


def _context(scan: Scan, status: str = "") -> dict[str, Any]:
    progress = scan_progress(scan)
    finished = progress.get("done", 0) + progress.get("failed", 0) + progress.get("cancelled", 0)
    host_scans = HostScan.objects.filter(scan=scan)
    status_error = ""
    if status:
        if status in HostScanStatus.values:
            host_scans = host_scans.filter(status=status)
        else:
            # An unknown status must select nothing, not silently everything.
            host_scans = host_scans.none()
            status_error = (
                f"Unknown status {status!r}: choose one of {', '.join(HostScanStatus.values)}."
            )
    return {
        "scan": scan,
        "progress": progress,
        "percent": round(100 * finished / progress["total"]) if progress.get("total") else 0,
        "live": scan.status in LIVE,
        "eta_minutes": eta_minutes(scan, progress),
        "status": status,
        "status_error": status_error,
        "statuses": HostScanStatus.choices,
        "host_scans": host_scans.select_related("host", "reassessed_from")
        .annotate(failures_first=STATUS_ORDER)
        .order_by("failures_first", "host__name")[:500],
    }


@role_required(VIEWER)
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(Scan.objects.select_related("requested_by", "schedule"), pk=pk)
    status = request.GET.get("status", "")
    return render(request, "assessments/scan_detail.html", _context(scan, status))


@role_required(VIEWER)
def scan_progress_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the scan page htmx re-fetches every 2 s while the scan runs."""
    scan = get_object_or_404(Scan.objects.select_related("requested_by", "schedule"), pk=pk)
    status = request.GET.get("status", "")
    response = render(request, "assessments/_scan_progress.html", _context(scan, status))
    if scan.status not in LIVE:
        # htmx stops polling on 286: the scan is over.
        response.status_code = 286
    return response


@require_POST
@role_required(OPERATOR)
def scan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(Scan, pk=pk)
    scan.cancel(user=request.user)
    messages.success(request, f"Cancelling scan #{scan.pk}.")
    return redirect("scan-detail", pk=scan.pk)


@require_POST
@role_required(OPERATOR)
def scan_retry_failed(request: HttpRequest, pk: int) -> HttpResponse:
    """A new scan of exactly this scan's failed hosts."""
    scan = get_object_or_404(Scan, pk=pk)
    try:
        selection = retry_selection(scan)
    except SelectionError as exc:
        if str(exc).startswith("No failed host"):
            messages.info(request, str(exc))
        else:
            messages.error(request, f"No scan started: {exc}")
        return redirect("scan-detail", pk=scan.pk)
    names = selection["hosts"]
    try:
        retry = start_scan(selection, user=request.user, trigger=ScanTrigger.MANUAL)
    except SelectionError as exc:
        messages.error(request, f"No scan started: {exc}")
        return redirect("scan-detail", pk=scan.pk)
    except QueueUnavailable as exc:
        return queue_unavailable(request, exc)
    messages.success(
        request, f"Scan #{retry.pk} of the {len(names)} failed hosts of scan #{scan.pk} started."
    )
    return redirect("scan-detail", pk=retry.pk)
