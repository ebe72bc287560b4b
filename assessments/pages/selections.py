"""A scan's or schedule's selection in words ("all hosts", "group web (12 hosts)", "3 hosts"),
and the selection the hosts list's filters make."""

from typing import Any

from django.db.models import Count

from assessments.filtersets import filter_querystring, filtered_hosts
from assessments.pages import queries
from assessments.scanning.scans import MAX_NAMED, SelectionError
from fleet.models import HostGroup


def filtered_selection(params: Any) -> dict[str, Any]:
    """The scan selection of the hosts the hosts-list filters in `params` select: all hosts
    when there is no filter, else the enabled hosts by name. SelectionError (with the
    filterset's `errors`) for invalid filters: an unknown group must not widen a scan to the
    whole fleet; SelectionError too for none or more than MAX_NAMED hosts."""
    filterset, hosts = filtered_hosts(params)
    if not filterset.is_valid():
        raise SelectionError("the filters are not valid.", "filters", filterset.errors)
    if not filter_querystring(params):
        return {"all": True}
    names = list(hosts.filter(enabled=True).values_list("name", flat=True)[: MAX_NAMED + 1])
    if not names or len(names) > MAX_NAMED:
        raise SelectionError(f"select between 1 and {MAX_NAMED} enabled hosts.", "filters")
    return {"hosts": names}


class NothingOutdated(SelectionError):
    """Every selected host's latest result was judged by the current ruleset."""


def outdated_selection(params: Any) -> dict[str, Any]:
    """The re-assessment of the hosts whose latest result an older ruleset judged (the
    overview's banner), among those the hosts-list filters in `params` select: by name.
    SelectionError for invalid filters or more than MAX_NAMED hosts, NothingOutdated when
    there is nothing to re-assess."""
    filterset, hosts = filtered_hosts(params)
    if not filterset.is_valid():
        raise SelectionError("the filters are not valid.", "filters", filterset.errors)
    outdated = queries.judged_by_older_ruleset(hosts).order_by("name")
    names = list(outdated.values_list("name", flat=True)[: MAX_NAMED + 1])
    if not names:
        raise NothingOutdated("Every host's latest result was judged by the current ruleset.")
    if len(names) > MAX_NAMED:
        raise SelectionError(
            f"more than {MAX_NAMED} hosts. Re-assess all hosts from the Scans page, or run "
            "`manage.py reassess --all`.",
            "filters",
        )
    return {"hosts": names}


def _hosts(count: int) -> str:
    return f"{count} host" if count == 1 else f"{count} hosts"


def describe_selection(selection: dict[str, Any]) -> str:
    """What a stored selection covers, for people (one query when it names groups)."""
    if not selection:
        return "no hosts"
    if selection.get("all"):
        return "all hosts"
    parts = []
    if names := list(selection.get("groups", [])):
        sizes = dict(
            HostGroup.objects.filter(name__in=names)
            .annotate(n=Count("hosts"))
            .values_list("name", "n")
        )
        for name in names:
            size = f"{_hosts(sizes[name])}" if name in sizes else "deleted"
            parts.append(f"group {name} ({size})")
    if hosts := selection.get("hosts"):
        parts.append(_hosts(len(hosts)))
    return ", ".join(parts) or "no hosts"
