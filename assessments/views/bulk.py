"""Bulk actions on the hosts list's selection: ticked hosts (`host` ids) or every host the
list's filters select (`all_matching=1` with the filters, re-evaluated by `filtered_hosts`).

One POST does one action (assessments.scanning.bulk does the work). An action on more hosts
than one page of the list, or on all matching hosts, first shows a confirm page that posts
the same fields again with `confirm=1`.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.filtersets import FILTER_KEYS, filter_querystring, filtered_hosts
from assessments.forms import BulkActionForm, BulkWaiverForm, error_text
from assessments.scanning import bulk
from assessments.views.hosts import PER_PAGE
from fleet.lib.roles import OPERATOR, role_required
from fleet.models import Host

Action = Callable[[QuerySet[Host], dict[str, Any], Any], bulk.Result]
ACTIONS: dict[str, Action] = {
    "rescan": lambda hosts, data, user: bulk.rescan(hosts, user),
    "reassess": lambda hosts, data, user: bulk.reassess(hosts, user),
    "destination": lambda hosts, data, user: bulk.assign_destination(hosts, data["target"], user),
    "tag_add": lambda hosts, data, user: bulk.add_tag(hosts, data["tag"]),
    "tag_remove": lambda hosts, data, user: bulk.remove_tag(hosts, data["tag"]),
    "group_add": lambda hosts, data, user: bulk.add_group(hosts, data["group"]),
    "group_remove": lambda hosts, data, user: bulk.remove_group(hosts, data["group"]),
    "wave_set": lambda hosts, data, user: bulk.set_wave(hosts, data["wave"]),
    "wave_clear": lambda hosts, data, user: bulk.set_wave(hosts, None),
    "waive": lambda hosts, data, user: bulk.waive(
        hosts,
        data["restriction"],
        reason=data["reason"],
        owner=data["owner"],
        expires=data["expires"],
        user=user,
    ),
}


def selected_hosts(params: QueryDict) -> tuple[QuerySet[Host], bool]:
    """The hosts a bulk POST selects, and whether it is "all matching the filters".

    An invalid filter selects no host (`filtered_hosts`); a host id that is not a number is
    refused, never dropped.
    """
    if params.get("all_matching") == "1":
        filterset, hosts = filtered_hosts(params)
        if not filterset.is_valid():
            raise bulk.BulkError("No host selected: the filters are not valid.")
        return hosts, True
    given = params.getlist("host")
    if bad := [value for value in given if not value.isdigit()]:
        raise bulk.BulkError(f"No host selected: {bad[0]!r} is not a host id.")
    return Host.objects.filter(pk__in=[int(value) for value in given]), False


def filter_words(params: QueryDict) -> list[tuple[str, str]]:
    """The filters of `params` in words: ("Group", "web"), ("Verdict", "Not ready")."""
    filterset, _ = filtered_hosts(params)
    words = []
    for key in FILTER_KEYS:
        value = filterset.form.cleaned_data.get(key)
        if value in (None, ""):
            continue
        field = filterset.form.fields[key]
        shown = dict(getattr(field, "choices", ())).get(value, value)
        words.append((str(field.label), str(shown)))
    return words


def _back(params: QueryDict) -> str:
    query = filter_querystring(params)
    return f"{reverse('host-list')}?{query}" if query else reverse("host-list")


def _resent(params: QueryDict) -> list[tuple[str, str]]:
    """The POST's fields for the confirm page to send again (not the token, not confirm)."""
    skip = {"csrfmiddlewaretoken", "confirm"}
    return [(key, value) for key in params if key not in skip for value in params.getlist(key)]


@require_POST
@role_required(OPERATOR)
def host_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one bulk action to the selection; confirm first beyond one page (PER_PAGE)."""
    params = request.POST
    form = BulkActionForm(params, prefix="bulk")
    if not form.is_valid():
        messages.error(request, f"Nothing changed: {error_text(form)}")
        return redirect(_back(params))
    action = form.cleaned_data["action"]
    data = dict(form.cleaned_data)
    if action == "waive":
        waiver_form = BulkWaiverForm(params, prefix="bulk")
        if not waiver_form.is_valid():
            messages.error(request, f"Nothing waived: {error_text(waiver_form)}")
            return redirect(_back(params))
        data.update(waiver_form.cleaned_data)
    try:
        hosts, all_matching = selected_hosts(params)
        count = hosts.count()
        if not count:
            raise bulk.BulkError("No host selected: tick some hosts, or all matching hosts.")
        if (all_matching or count > PER_PAGE) and params.get("confirm") != "1":
            return _confirm(request, form, data, count, all_matching)
        result = ACTIONS[action](hosts, data, request.user)
    except bulk.BulkError as exc:
        messages.error(request, str(exc))
        return redirect(_back(params))
    messages.success(request, result.message)
    if result.warning:
        messages.warning(request, result.warning)
    if action in ("rescan", "reassess") and result.scan is not None:
        return redirect("scan-detail", pk=result.scan.pk)
    return redirect(_back(params))


def _confirm(
    request: HttpRequest, form: BulkActionForm, data: dict[str, Any], count: int, all_matching: bool
) -> HttpResponse:
    label = form.label()
    if data["action"] == "waive":
        label = f"Waive {data['restriction']}"
    context = {
        "label": label,
        "count": count,
        "all_matching": all_matching,
        "filters": filter_words(request.POST) if all_matching else [],
        "resent": _resent(request.POST),
        "back": _back(request.POST),
        "waiver": data if data["action"] == "waive" else None,
    }
    return render(request, "assessments/bulk_confirm.html", context)
