"""The placement proposal's inputs, read from the fleet in three queries whatever its size.

The scope is a filtered hosts queryset (`filtered_hosts`). Keeping the existing assignments,
the scope's hosts that have a destination stay on it and only those without one are
placed; re-placing, every host of the scope is placed again. Either way the hosts outside
the scope stay where they are, and every host that stays on a node takes its room.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from assessments.pages.hostfacts import UNFILLED, scan_not_judged
from assessments.pages.placement import Candidate, Node
from fleet.models import Host, TargetNode

HOST_FIELDS = (
    "pk",
    "name",
    "os_family",
    "target_id",
    "latest_scan_id",
    "latest_scan__status",
    "latest_scan__error_class",
    "latest_scan__platform_stored",
    "latest_scan__windows_generation",
    "latest_scan__architecture",
    "latest_scan__data_bytes",
)


@dataclass(frozen=True)
class PlacementInputs:
    candidates: list[Candidate]
    nodes: list[Node]
    kept: int  # hosts of the scope that keep their destination


def unjudged_reason(row: dict[str, Any]) -> str | None:
    """Why nothing can place the host of this row whatever the node, or None: what the
    destinations page says (`scan_not_judged`), or its platform facts are not stored."""
    status = None if row["latest_scan_id"] is None else row["latest_scan__status"]
    reason = scan_not_judged(status, row["latest_scan__error_class"] or "")
    if reason is None and not row["latest_scan__platform_stored"]:
        return f"platform {UNFILLED}"
    return reason


def candidate(row: dict[str, Any]) -> Candidate:
    return Candidate(
        id=row["pk"],
        name=row["name"],
        os_family=row["os_family"],
        windows_generation=row["latest_scan__windows_generation"] or "",
        architecture=row["latest_scan__architecture"] or "",
        data_bytes=row["latest_scan__data_bytes"],
        current=row["target_id"],
        unjudged=unjudged_reason(row),
    )


def placement_inputs(scope: QuerySet[Host], *, keep: bool, lock: bool = False) -> PlacementInputs:
    """The hosts to place and the nodes with what stays on them. With `lock` (inside a
    transaction) the nodes are locked, so two applies of a proposal run one after the other."""
    rows = list(scope.order_by().values(*HOST_FIELDS))
    kept = sum(1 for row in rows if keep and row["target_id"] is not None)
    candidates = [candidate(row) for row in rows if not (keep and row["target_id"] is not None)]
    staying = Host.objects.filter(target__isnull=False)
    if not keep:
        staying = staying.exclude(pk__in=scope.values("pk"))
    figures: dict[int, dict[str, Any]] = {
        row["target_id"]: dict(row)
        for row in staying.order_by()
        .values("target_id")
        .annotate(
            count=Count("pk"),
            bytes=Sum("latest_scan__data_bytes"),
            unsized=Count("pk", filter=Q(latest_scan__data_bytes__isnull=True)),
        )
    }
    nodes_query = TargetNode.objects.order_by("name", "pk")
    if lock:
        nodes_query = nodes_query.select_for_update()
    nodes = []
    for node in nodes_query:
        held = figures.get(node.pk, {})
        nodes.append(
            Node(
                id=node.pk,
                name=node.name,
                os_family=node.os_family,
                windows_version=node.windows_version,
                architecture=node.architecture,
                free_bytes=node.free_bytes,
                staying_count=held.get("count", 0),
                staying_bytes=held.get("bytes") or 0,
                staying_unsized=held.get("unsized", 0),
            )
        )
    return PlacementInputs(candidates, nodes, kept)
