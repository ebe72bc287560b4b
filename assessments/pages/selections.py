"""A scan's or schedule's selection in words: "all hosts", "group web (12 hosts)", "3 hosts"."""

from typing import Any

from django.db.models import Count

from fleet.models import HostGroup


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
