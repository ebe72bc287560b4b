"""The hosts list, the host page and the host actions (re-scan, destination, host key)."""

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from assessments.checks.base import Severity
from assessments.choices import HostScanStatus
from assessments.forms import (
    BulkActionForm,
    BulkWaiverForm,
    DestinationForm,
    HostWaveForm,
    WaiverForm,
)
from assessments.jobs import reassess_now
from assessments.models import Capture, Finding, HostScan, Waiver
from assessments.pages import queries
from assessments.pages.hostfacts import raw_outputs, shown_platform
from assessments.scanning.scans import QueueUnavailable, start_scan
from assessments.scanning.waivers import expire_waivers
from assessments.tables import HostTable
from assessments.views.common import filter_items, host_or_404, hosts_for
from fleet.choices import HostKeyState
from fleet.lib.hostkeys import approve, replaced_keys
from fleet.lib.roles import OPERATOR, VIEWER, has_role, role_required
from fleet.models import HostKey

SEVERITY_RANK: dict[str, int] = {
    Severity.BLOCKER: 4,
    Severity.UNKNOWN: 3,
    Severity.WARNING: 2,
    Severity.INFO: 1,
    Severity.PASS: 0,
}
PER_PAGE = 50


@role_required(VIEWER)
def host_list(request: HttpRequest) -> HttpResponse:
    filterset, hosts, querystring = hosts_for(request)
    rows = hosts.select_related("target", "wave").prefetch_related("groups")
    # Counting every host's findings is only needed to sort by the counts; otherwise count
    # for the 50 hosts on the page, once they are known.
    sort_by_counts = request.GET.get("sort", "").lstrip("-") in ("blockers", "warnings")
    can_operate = has_role(request.user, OPERATOR)
    table = HostTable(
        queries.with_counts(rows) if sort_by_counts else rows,
        exclude=() if can_operate else ("select",),
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    if not sort_by_counts:
        queries.attach_counts([row.record for row in table.page.object_list])
    context = {
        "filter": filterset,
        "table": table,
        "querystring": querystring,
        "filter_items": filter_items(request.GET),
        "bulk_form": BulkActionForm(prefix="bulk") if can_operate else None,
        "bulk_waiver_form": BulkWaiverForm(prefix="bulk") if can_operate else None,
        "per_page": PER_PAGE,
    }
    return render(request, "assessments/host_list.html", context)


def worst_by_check(findings: list[Any]) -> dict[str, Any]:
    """Per check id, the finding with the worst severity."""
    worst: dict[str, Any] = {}
    for finding in findings:
        current = worst.get(finding.check_id)
        if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current.severity]:
            worst[finding.check_id] = finding
    return worst


def scan_diff(latest: list[Finding], previous: list[Finding]) -> dict[str, list[Any]]:
    """New, resolved and changed findings (by check id and severity) since the previous scan."""
    now, before = worst_by_check(latest), worst_by_check(previous)
    problem = {Severity.BLOCKER, Severity.WARNING, Severity.UNKNOWN}
    diff: dict[str, list[Any]] = {"new": [], "resolved": [], "changed": []}
    for check_id in sorted(set(now) | set(before)):
        new, old = now.get(check_id), before.get(check_id)
        new_bad = new is not None and new.severity in problem
        old_bad = old is not None and old.severity in problem
        if new_bad and not old_bad:
            diff["new"].append(new)
        elif old_bad and not new_bad:
            diff["resolved"].append(old)
        elif new_bad and old_bad and new.severity != old.severity:  # type: ignore[union-attr]
            diff["changed"].append((old, new))
    return diff


def same_capture(latest: HostScan, previous: HostScan, capture: Capture | None) -> bool:
    """Both results judged the same capture: one was re-assessed from the other, or they
    hold the same bytes (two scans never write the same: a capture carries its time)."""
    if latest.reassessed_from_id == previous.pk:
        return True
    if capture is None:
        return False
    # The database compares the bytes: neither capture is sent to us for it.
    same_bytes = Capture.objects.filter(pk=capture.pk).values("data")[:1]
    return Capture.objects.filter(
        host_scan=previous, size=capture.size, data=Subquery(same_bytes)
    ).exists()


def diff_source(latest: HostScan, previous: HostScan, same_capture: bool) -> str:
    """Where the differences between two results of a host come from."""
    rulesets = f"ruleset {previous.ruleset or '?'} → {latest.ruleset or '?'}"
    if same_capture and previous.ruleset != latest.ruleset:
        return f"Changes come from the rules ({rulesets}, same capture)."
    if same_capture:
        return f"Changes come from the destination (same capture, same ruleset {latest.ruleset})."
    if previous.ruleset != latest.ruleset:
        return f"Changes may come from the host or from the rules ({rulesets})."
    return "Changes come from the host."


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    """Findings per severity that count towards the verdict, and the waived ones apart (a
    waived blocker is not a blocker of the host's current verdict)."""
    counts = {
        s: sum(1 for f in findings if f.severity == s and not f.waived) for s in SEVERITY_RANK
    }
    counts["waived"] = sum(1 for f in findings if f.waived)
    return counts


def _grouped(findings: list[Finding]) -> "OrderedDict[str, list[Finding]]":
    groups: OrderedDict[str, list[Finding]] = OrderedDict()
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.check_id))
    for finding in sorted(ordered, key=lambda f: f.restriction):
        groups.setdefault(finding.restriction, []).append(finding)
    return groups


@role_required(VIEWER)
def host_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expire_waivers()
    host = host_or_404(pk)
    latest = host.latest_scan
    findings = list(Finding.objects.filter(host_scan=latest)) if latest else []
    previous_scan = None
    previous: list[Finding] = []
    if latest is not None and latest.finished is not None:
        previous_scan = (
            HostScan.objects.filter(
                host=host, status=HostScanStatus.DONE, finished__lt=latest.finished
            )
            .order_by("-finished")
            .first()
        )
        if previous_scan is not None:
            previous = list(Finding.objects.filter(host_scan=previous_scan))
    outputs: dict[str, str] = {}
    capture = None
    if latest is not None:
        capture = Capture.objects.filter(host_scan=latest).first()
        if capture is not None:
            outputs = raw_outputs(bytes(capture.data), latest.os_family or host.os_family)
    waivers = list(
        Waiver.objects.filter(host=host)
        .select_related("created_by")
        .prefetch_related("events__user")
    )
    context = {
        "host": host,
        "latest": latest,
        "groups": list(host.groups.all()),
        "tags": list(host.tags.all()),
        "findings": _grouped(findings),
        "counts": severity_counts(findings),
        "previous_scan": previous_scan,
        "diff": scan_diff(findings, previous) if previous_scan else None,
        "diff_source": (
            diff_source(latest, previous_scan, same_capture(latest, previous_scan, capture))
            if latest is not None and previous_scan is not None
            else ""
        ),
        "history": HostScan.objects.filter(host=host).select_related("scan")[:20],
        "capture": capture,
        "raw_outputs": outputs,
        "platform": shown_platform(latest),
        "active_waivers": {w.check_id: w for w in waivers if w.active},
        "waivers": waivers,
        "host_keys": list(
            HostKey.objects.filter(host=host)
            # Rejected keys stay out, but a replaced key is the key history: it stays.
            .exclude(state=HostKeyState.REJECTED, replaced_by__isnull=True)
            .select_related("replaced_by", "replacement_approved_by")
        ),
        "destination_form": DestinationForm(initial={"target": host.target_id}),
        "wave_form": HostWaveForm(initial={"wave": host.wave_id}),
        "waiver_form": WaiverForm(),
    }
    return render(request, "assessments/host_detail.html", context)


@require_POST
@role_required(OPERATOR)
def host_rescan(request: HttpRequest, pk: int) -> HttpResponse:
    host = host_or_404(pk)
    try:
        scan = start_scan({"hosts": [host.name]}, user=request.user, trigger="manual")
    except QueueUnavailable as exc:
        messages.warning(request, exc.notice)
        return redirect("scan-detail", pk=exc.scan.pk)
    messages.success(request, f"Scan #{scan.pk} of {host} started.")
    return redirect("scan-detail", pk=scan.pk)


@require_POST
@role_required(OPERATOR)
def host_destination(request: HttpRequest, pk: int) -> HttpResponse:
    host = host_or_404(pk)
    form = DestinationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown destination.")
        return redirect(host)
    host.target = form.cleaned_data["target"]
    host.save(update_fields=["target", "updated"])
    # The findings that compare with the destination (capacity, transfer, platform) are
    # judged again from the stored capture now, not at the next scan.
    scan = reassess_now(host, request.user)
    done = f"Destination of {host}: {host.target or 'none'}"
    if scan is None:
        messages.success(
            request, f"{done}. No stored capture to judge it against: the next scan will."
        )
    else:
        messages.success(request, f"{done}; re-judged from its stored capture (scan #{scan.pk}).")
    return redirect(host)


@require_POST
@role_required(OPERATOR)
def host_wave(request: HttpRequest, pk: int) -> HttpResponse:
    """Operators put a host in a migration wave, or take it out of its wave."""
    host = host_or_404(pk)
    form = HostWaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown wave.")
        return redirect(host)
    host.wave = form.cleaned_data["wave"]
    host.save(update_fields=["wave", "updated"])
    messages.success(request, f"Wave of {host}: {host.wave or 'none'}.")
    return redirect(host)


@require_POST
@role_required(OPERATOR)
def host_key_approve(request: HttpRequest, pk: int, key_pk: int) -> HttpResponse:
    """Operators approve a pending or changed SSH host key (fleet.lib.hostkeys.approve)."""
    host = host_or_404(pk)
    host_key = get_object_or_404(HostKey, pk=key_pk, host=host)
    if host_key.state == HostKeyState.TRUSTED:
        raise PermissionDenied("This key is already trusted.")
    replaced = list(replaced_keys(host_key))
    if replaced and request.POST.get("confirm") != "1":
        # A changed key (reinstalled server, or a man in the middle) asks first.
        context = {"host": host, "key": host_key, "replaced": replaced}
        return render(request, "assessments/host_key_confirm.html", context)
    approve(host_key, request.user if request.user.is_authenticated else None)
    messages.success(request, f"Host key {host_key.fingerprint} of {host} approved.")
    return redirect(host)
