"""Destination nodes managed by operators: add, edit (re-judging its hosts), delete.

Free space is entered in GiB and stored in bytes (`TargetNodeForm`). When an edit changes a
node's free space or platform, the hosts assigned to it are judged again from their stored
captures, by one re-assessment scan of those hosts.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html

from assessments.forms import TargetNodeForm
from assessments.scanning.destinations import judged_values, reassess_if_changed
from assessments.scanning.scans import QueueUnavailable
from assessments.views.scans import queue_unavailable
from fleet.lib.roles import OPERATOR, role_required
from fleet.models import TargetNode


@role_required(OPERATOR)
def destination_create(request: HttpRequest) -> HttpResponse:
    form = TargetNodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        node = form.save()
        messages.success(request, f"Destination {node} added.")
        return redirect("destination-list")
    return render(request, "assessments/destination_form.html", {"form": form, "node": None})


@role_required(OPERATOR)
def destination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_object_or_404(TargetNode, pk=pk)
    before = judged_values(node)
    form = TargetNodeForm(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        node = form.save()
        try:
            scan, count = reassess_if_changed(node, before, user=request.user)
        except QueueUnavailable as exc:
            return queue_unavailable(request, exc)
        if scan is None:
            messages.success(request, f"Destination {node} saved.")
            return redirect("destination-list")
        messages.success(
            request,
            format_html(
                'Destination {} saved; its {} assigned host{} are being re-judged: <a href="{}">'
                "{} #{}</a>.",
                node,
                count,
                "" if count == 1 else "s",
                reverse("scan-detail", args=[scan.pk]),
                scan.noun,
                scan.pk,
            ),
        )
        return redirect("destination-list")
    return render(request, "assessments/destination_form.html", {"form": form, "node": node})


@role_required(OPERATOR)
def destination_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirm page, naming how many hosts are assigned; POST: delete (their
    destination becomes none)."""
    node = get_object_or_404(TargetNode, pk=pk)
    assigned = node.hosts.count()
    if request.method == "POST":
        name = str(node)
        node.delete()
        messages.success(
            request,
            f"Destination {name} deleted; {assigned} host{'' if assigned == 1 else 's'} "
            "now have no destination.",
        )
        return redirect("destination-list")
    return render(
        request, "assessments/destination_delete.html", {"node": node, "assigned": assigned}
    )
