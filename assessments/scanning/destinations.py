"""A destination node's edit re-judges its assigned hosts when what the checks compare with
(free space, platform) changed: one re-assessment scan of those hosts, from their stored
captures. The page and the API both save through here."""

from typing import Any

from assessments.choices import ScanTrigger
from assessments.models import Scan
from assessments.scanning.scans import start_scan
from fleet.models import TargetNode

# What the destination-aware checks compare with: a change re-judges the assigned hosts.
JUDGED_FIELDS = ("free_bytes", "platform")


def judged_values(node: TargetNode) -> dict[str, Any]:
    """The node's values the checks read, to compare before and after an edit."""
    return {name: getattr(node, name) for name in JUDGED_FIELDS}


def reassess_if_changed(
    node: TargetNode, before: dict[str, Any], *, user: Any = None
) -> tuple[Scan | None, int]:
    """(the re-assessment started, how many hosts) when the edit changed a judged field and
    enabled hosts are assigned; (None, 0) otherwise. Raises QueueUnavailable as start_scan."""
    if judged_values(node) == before:
        return None, 0
    names = list(node.hosts.filter(enabled=True).order_by("name").values_list("name", flat=True))
    if not names:
        return None, 0
    return start_scan({"hosts": names}, user=user, trigger=ScanTrigger.REASSESS), len(names)
