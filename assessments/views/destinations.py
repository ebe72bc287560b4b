"""Destinations: which hosts each TargetNode can take, and the hosts no node can take.

Read from the hosts' latest HostScan rows, where each result stored the platform its checks
judged (Windows generation, architecture, data size): no capture is opened. The figures come
from one aggregate query over the whole fleet; the lists show the first `LISTED` hosts of
each node and of the hosts no node can take (one query each), so the page costs the same
number of queries for 30 hosts or 30,000.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.choices import HostScanStatus
from assessments.pages.hostfacts import UNFILLED, ShownPlatform, not_judged, shown_platform
from assessments.pages.placement import needs
from fleet.lib.roles import VIEWER, role_required
from fleet.models import Host, TargetNode

LISTED = 50
SCANNED = Q(latest_scan__isnull=False)
# A host whose latest scan failed was scanned but not judged: no node takes it.
JUDGED = Q(latest_scan__status=HostScanStatus.DONE)


@dataclass
class Fit:
    host: Host
    platform: ShownPlatform | None
    reasons: list[str] = field(default_factory=list)


# Where each host fact of the compatibility rule (`placement.needs`) is stored.
FACT_FIELDS = {
    "os_family": "os_family",
    "windows_generation": "latest_scan__windows_generation",
    "architecture": "latest_scan__architecture",
}


def requirements(node: TargetNode) -> dict[str, Q]:
    """What a host's latest result must say for `node` to take it, by name."""
    found = {"scanned": JUDGED}
    for name, (fact, value) in needs(node).items():
        found[name] = Q(**{FACT_FIELDS[fact]: value})
    if node.free_bytes is not None:
        # An unknown size (NULL) is not held against the host; the page shows it as unknown.
        found["space"] = Q(latest_scan__data_bytes__isnull=True) | Q(
            latest_scan__data_bytes__lte=node.free_bytes
        )
    return found


def fits(node: TargetNode) -> Q:
    found = Q()
    for need in requirements(node).values():
        found &= need
    return found


def _flag(condition: Q) -> Case:
    # CASE, not a bare boolean: a comparison with NULL (a size not measured) is then False.
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def why_not(host: Host, node: TargetNode, met: dict[str, bool]) -> list[str]:
    """Why `node` cannot take `host`, from the requirement flags of its row."""
    hs = host.latest_scan
    judged = not_judged(host)
    if judged is not None or hs is None:
        return [judged or "never scanned"]
    if not met["family"]:
        return [f"{host.get_os_family_display()} host, {node.get_os_family_display()} node"]
    if not hs.platform_stored and not all(met.values()):
        return [f"platform {UNFILLED}"]
    reasons = []
    if not met.get("version", True):
        reasons.append(f"Windows {hs.windows_generation or 'version unknown'}")
    if not met.get("architecture", True):
        arch = hs.architecture
        reasons.append(f"{arch} host, {node.architecture} node" if arch else "architecture unknown")
    if not met.get("space", True):
        reasons.append("not enough free space")
    return reasons


def _figures(nodes: list[TargetNode]) -> dict[str, Any]:
    """Counts and sums for every node, in one query over the fleet."""
    aggregates: dict[str, Any] = {
        "hosts": Count("pk"),
        "scanned": Count("pk", filter=SCANNED),
        "judged": Count("pk", filter=JUDGED),
    }
    anywhere = Q(pk__in=[])
    for node in nodes:
        fit = SCANNED & fits(node)
        anywhere |= fit
        key = f"n{node.pk}"
        aggregates[f"{key}_fits"] = Count("pk", filter=fit)
        aggregates[f"{key}_used"] = Sum("latest_scan__data_bytes", filter=fit)
        aggregates[f"{key}_unsized"] = Count(
            "pk", filter=fit & Q(latest_scan__data_bytes__isnull=True)
        )
        aggregates[f"{key}_family"] = Count("pk", filter=SCANNED & Q(os_family=node.os_family))
        assigned = Q(target_id=node.pk)
        aggregates[f"{key}_assigned"] = Count("pk", filter=assigned)
        aggregates[f"{key}_assigned_bytes"] = Sum("latest_scan__data_bytes", filter=assigned)
        aggregates[f"{key}_assigned_unsized"] = Count(
            "pk", filter=assigned & Q(latest_scan__data_bytes__isnull=True)
        )
    aggregates["placeable"] = Count("pk", filter=anywhere)
    return Host.objects.aggregate(**aggregates)


def _homeless(nodes: list[TargetNode]) -> QuerySet[Host]:
    """Hosts no node takes (never scanned, not judged, or judged unfit), each row with one
    flag per (node, requirement)."""
    flags: dict[str, Case] = {}
    anywhere = Q(pk__in=[])
    for node in nodes:
        anywhere |= fits(node)
        for name, need in requirements(node).items():
            flags[f"n{node.pk}_{name}"] = _flag(need)
    return (
        Host.objects.annotate(placeable=_flag(anywhere), **flags)
        .filter(placeable=False)
        .select_related("latest_scan")
        .order_by("name")
    )


@role_required(VIEWER)
def destination_list(request: HttpRequest) -> HttpResponse:
    nodes = list(TargetNode.objects.all())
    figures = _figures(nodes)
    columns: list[dict[str, Any]] = []
    for node in nodes:
        key = f"n{node.pk}"
        listed = (
            Host.objects.filter(SCANNED & fits(node)).select_related("latest_scan").order_by("name")
        )
        count = figures[f"{key}_fits"]
        assigned_bytes = figures[f"{key}_assigned_bytes"] or 0
        free = node.free_bytes
        columns.append(
            {
                "node": node,
                "fits": [Fit(h, shown_platform(h.latest_scan)) for h in listed[:LISTED]],
                "count": count,
                "more": max(0, count - LISTED),
                "used": figures[f"{key}_used"] or 0,
                "unsized": figures[f"{key}_unsized"],
                "misfits": figures[f"{key}_family"] - count,
                "assigned": figures[f"{key}_assigned"],
                "assigned_bytes": assigned_bytes,
                "assigned_unsized": figures[f"{key}_assigned_unsized"],
                "overcommit": (
                    assigned_bytes - free if free is not None and assigned_bytes > free else 0
                ),
            }
        )
    homeless = []
    for host in _homeless(nodes)[:LISTED]:
        judged = not_judged(host)
        same = [node for node in nodes if node.os_family == host.os_family]
        reasons: set[str] = {judged} if judged else set()
        for node in same if judged is None else []:
            met = {name: bool(getattr(host, f"n{node.pk}_{name}")) for name in requirements(node)}
            reasons.update(why_not(host, node, met))
        family = host.get_os_family_display()
        listed_reasons = sorted(reasons) or [f"no {family} destination node"]
        homeless.append(Fit(host, shown_platform(host.latest_scan), listed_reasons))
    homeless_count = figures["hosts"] - figures["placeable"]
    context = {
        "columns": columns,
        "homeless": homeless,
        "homeless_count": homeless_count,
        "homeless_more": max(0, homeless_count - LISTED),
        "judged": figures["judged"],
        "not_judged": figures["scanned"] - figures["judged"],
        "never_scanned": figures["hosts"] - figures["scanned"],
        "listed": LISTED,
        "unfilled": UNFILLED,
    }
    return render(request, "assessments/destination_list.html", context)
