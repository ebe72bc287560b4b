"""Destinations: which hosts each TargetNode can take, and the hosts no node can take."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.lib.hostfacts import Platform, platform_of
from assessments.models import Capture
from fleet.lib.roles import VIEWER, role_required
from fleet.models import Host, TargetNode

# The page reads each host's capture; past this many hosts it says so instead of stalling.
MAX_HOSTS = 2000


@dataclass
class Fit:
    host: Host
    platform: Platform
    reasons: list[str] = field(default_factory=list)


def fit(host: Host, platform: Platform, node: TargetNode) -> list[str]:
    """Why `host` cannot go to `node` (empty: it can)."""
    reasons = []
    if host.os_family != node.os_family:
        return [f"{host.get_os_family_display()} host, {node.get_os_family_display()} node"]
    if node.os_family == "windows":
        if node.windows_version and platform.windows_version != node.windows_version:
            reasons.append(f"Windows {platform.windows_version or 'version unknown'}")
        if platform.architecture and platform.architecture != node.architecture:
            reasons.append(f"{platform.architecture} host, {node.architecture} node")
    if node.free_bytes is not None and platform.used_bytes is not None:
        if platform.used_bytes > node.free_bytes:
            reasons.append("not enough free space")
    return reasons


def _platforms(hosts: list[Host]) -> dict[int, Platform]:
    scans = {h.latest_scan_id: h for h in hosts if h.latest_scan_id}
    out: dict[int, Platform] = {}
    rows = Capture.objects.filter(host_scan_id__in=list(scans)).values_list("host_scan_id", "data")
    for scan_id, data in rows.iterator(chunk_size=50):
        host = scans[scan_id]
        out[host.pk] = platform_of(host.os_family, bytes(data))
    return out


@role_required(VIEWER)
def destination_list(request: HttpRequest) -> HttpResponse:
    nodes = list(TargetNode.objects.all())
    hosts = list(
        Host.objects.filter(latest_scan__isnull=False).select_related("target")[:MAX_HOSTS]
    )
    platforms = _platforms(hosts)
    columns: list[dict[str, Any]] = []
    placeable: set[int] = set()
    for node in nodes:
        fits, misfits = [], 0
        for host in hosts:
            platform = platforms.get(host.pk, Platform())
            if not fit(host, platform, node):
                fits.append(Fit(host, platform))
                placeable.add(host.pk)
            elif host.os_family == node.os_family:
                misfits += 1
        used = sum(f.platform.used_bytes or 0 for f in fits)
        assigned = sum(1 for h in hosts if h.target_id == node.pk)
        columns.append(
            {"node": node, "fits": fits, "misfits": misfits, "used": used, "assigned": assigned}
        )
    homeless = []
    for host in hosts:
        if host.pk not in placeable:
            platform = platforms.get(host.pk, Platform())
            same = [node for node in nodes if node.os_family == host.os_family]
            reasons = sorted({r for node in same for r in fit(host, platform, node)})
            if host.pk not in platforms:
                reasons.insert(0, "no capture to read (scan failed?)")
            family = host.get_os_family_display()
            homeless.append(Fit(host, platform, reasons or [f"no {family} destination node"]))
    context = {
        "columns": columns,
        "homeless": homeless,
        "truncated": len(hosts) == MAX_HOSTS,
        "max_hosts": MAX_HOSTS,
    }
    return render(request, "assessments/destination_list.html", context)
