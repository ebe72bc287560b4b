"""The placement proposal: review which node each host of the filters would go to, apply it.

GET shows the proposal (`assessments.pages.placement`, first-fit decreasing) for the hosts
the hosts-list filters select, with the headroom and the mode the operator chose. The apply
POST computes it again with the nodes locked and applies it only when its digest is the one
that was reviewed; otherwise nothing changes and the new proposal is shown. Applying sets
the destinations in one transaction, then starts one re-assessment of the judged hosts whose
destination changed and that have a stored capture, so their findings are judged against
their new node.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from assessments.choices import ScanTrigger
from assessments.filtersets import filtered_hosts
from assessments.pages.placement import MAX_HEADROOM, Candidate, Proposal, propose
from assessments.pages.placement_fleet import PlacementInputs, placement_inputs
from assessments.scanning.bulk import MAX_NAMED, with_capture
from assessments.scanning.scans import QueueUnavailable, SelectionError, start_scan
from assessments.views.common import filter_items
from assessments.views.scans import queue_unavailable
from fleet.lib.roles import OPERATOR, role_required
from fleet.models import Host

LISTED = 50
KEEP, REPLACE = "keep", "replace"
DEFAULTS = {"headroom": "10", "mode": KEEP}
# Updates by id in chunks: SQLite limits the parameters of one statement.
CHUNK = 500


class PlacementForm(forms.Form):
    headroom = forms.DecimalField(
        label="Headroom (%)",
        min_value=Decimal(0),
        max_value=MAX_HEADROOM,
        max_digits=6,
        decimal_places=1,
        help_text="Share of each node's free space kept free: 0 to 90.",
        error_messages={
            "required": "Enter the headroom in percent, e.g. 10.",
            "invalid": "Enter the headroom as a number of percent, e.g. 10 or 12.5.",
            "min_value": "The headroom cannot be negative.",
            "max_value": "The headroom is at most %(limit_value)s %% (more leaves little room).",
            "max_decimal_places": "Give the headroom with at most one decimal, e.g. 12.5.",
            "max_digits": "The headroom is at most 90 %% (more leaves little room).",
        },
    )
    mode = forms.ChoiceField(
        label="Hosts that have a destination",
        choices=[
            (KEEP, "Keep their destination (place only the hosts without one)"),
            (REPLACE, "Re-place them (every host of the filters is placed again)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose keep or re-place."},
    )


@role_required(OPERATOR)
def placement(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = PlacementForm({key: data.get(key, default) for key, default in DEFAULTS.items()})
    filterset, hosts = filtered_hosts(data)
    context: dict[str, Any] = {
        "form": form,
        "filter": filterset,
        "filter_items": filter_items(data),
        "proposal": None,
    }
    if not form.is_valid() or filterset.errors:
        return render(request, "assessments/placement.html", context, status=400)
    headroom = form.cleaned_data["headroom"]
    keep = form.cleaned_data["mode"] == KEEP
    if request.method == "POST":
        return _apply(request, hosts, headroom, keep, context)
    inputs = placement_inputs(hosts, keep=keep)
    context.update(review(inputs, propose(inputs.candidates, inputs.nodes, headroom)))
    return render(request, "assessments/placement.html", context)


def _apply(
    request: HttpRequest, hosts: Any, headroom: Decimal, keep: bool, context: dict[str, Any]
) -> HttpResponse:
    with transaction.atomic():
        inputs = placement_inputs(hosts, keep=keep, lock=True)
        proposal = propose(inputs.candidates, inputs.nodes, headroom)
        stale = proposal.digest() != request.POST.get("digest", "")
        changes = [] if stale else proposal.changes()
        assign(changes)
    if stale:
        messages.warning(
            request,
            "The fleet changed since this proposal was shown (hosts, their results or the "
            "destinations): nothing was applied. Review the new proposal below.",
        )
        context.update(review(inputs, proposal))
        return render(request, "assessments/placement.html", context, status=409)
    if not changes:
        messages.info(request, "Nothing to apply: the proposal changes no destination.")
        return redirect("destination-list")
    done = describe_changes(changes, len(inputs.candidates))
    # As the bulk "assign a destination": the enabled hosts with a stored capture, by name.
    ids = [host.id for host, _ in changes if host.unjudged is None]
    names = sorted(
        name
        for start in range(0, len(ids), CHUNK)
        for name in with_capture(
            Host.objects.filter(pk__in=ids[start : start + CHUNK])
        ).values_list("name", flat=True)
    )
    if not names:
        messages.success(request, f"{done}. No judged host has a stored capture to re-judge.")
        return redirect("destination-list")
    if len(names) > MAX_NAMED:
        messages.success(
            request, f"{done}. Re-assess them from the Scans page: more than {MAX_NAMED}."
        )
        return redirect("destination-list")
    try:
        scan = start_scan({"hosts": names}, user=request.user, trigger=ScanTrigger.REASSESS)
    except QueueUnavailable as exc:
        messages.success(request, f"{done}.")
        return queue_unavailable(request, exc)
    except SelectionError as exc:  # a host renamed or deleted since it was read
        messages.warning(request, f"{done}; no re-assessment started: {exc}.")
        return redirect("destination-list")
    messages.success(
        request,
        format_html(
            '{}; {} host{} being re-judged against {} new destination: <a href="{}">{} #{}</a>.',
            done,
            len(names),
            " is" if len(names) == 1 else "s are",
            "its" if len(names) == 1 else "their",
            reverse("scan-detail", args=[scan.pk]),
            scan.noun,
            scan.pk,
        ),
    )
    return redirect("destination-list")


def assign(changes: list[tuple[Candidate, int | None]]) -> None:
    """Set each host's new destination (the caller's transaction makes it one step)."""
    by_target: dict[int | None, list[int]] = defaultdict(list)
    for host, target in changes:
        by_target[target].append(host.id)
    now = timezone.now()
    for target, ids in by_target.items():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            Host.objects.filter(pk__in=chunk).update(target_id=target, updated=now)


def describe_changes(changes: list[tuple[Candidate, int | None]], considered: int) -> str:
    """What applying changed, in words: "Placement applied (5 hosts considered): 3 hosts
    assigned, 1 host moved to another node"."""
    assigned = sum(1 for host, target in changes if host.current is None)
    cleared = sum(1 for host, target in changes if target is None)
    moved = len(changes) - assigned - cleared
    parts = [
        f"{count} host{'' if count == 1 else 's'} {what}"
        for count, what in (
            (assigned, "assigned"),
            (moved, "moved to another node"),
            (cleared, "left with no destination"),
        )
        if count
    ]
    hosts = f"{considered} host{'' if considered == 1 else 's'}"
    return f"Placement applied ({hosts} considered): " + ", ".join(parts)


def review(inputs: PlacementInputs, proposal: Proposal) -> dict[str, Any]:
    """What the review page shows of a proposal: per node, then the hosts left unplaced."""
    names = {node.id: node.name for node in inputs.nodes}
    nodes = []
    for plan in proposal.nodes:
        nodes.append(
            {
                "plan": plan,
                "listed": [(host, names.get(host.current or 0)) for host in plan.proposed[:LISTED]],
                "more": max(0, len(plan.proposed) - LISTED),
                "over": plan.usable is not None and plan.total_bytes > plan.usable,
            }
        )
    unplaced = proposal.unplaced
    changes = proposal.changes()
    return {
        "proposal": proposal,
        "digest": proposal.digest(),
        "nodes": nodes,
        "unplaced": [(u, names.get(u.host.current or 0)) for u in unplaced[:LISTED]],
        "unplaced_count": len(unplaced),
        "unplaced_more": max(0, len(unplaced) - LISTED),
        "considered": len(inputs.candidates),
        "placed": len(inputs.candidates) - len(unplaced),
        "kept": inputs.kept,
        "change_count": len(changes),
        "listed": LISTED,
    }
