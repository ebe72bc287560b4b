"""A placement proposal: which destination node each host goes to, first-fit decreasing.

Pure: plain values in, a `Proposal` out, no Django and no database, so the same inputs
always give the same proposal (and the same `digest`, which the apply step compares with
the one the operator reviewed). `assessments.pages.placement_fleet` reads the inputs from
the fleet; the destinations page takes its compatibility rule (`needs`) from here.

The hosts are taken largest first (ties by name, then id); each goes to the first node, in
name order, that is compatible and still has room for it after the headroom. A host whose
size is unknown, or that nothing judged, is never placed; neither is anything put on a node
whose room is unknown (free space not recorded, or a host of unknown size already on it).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from assessments.pages.units import binary_size

WINDOWS = "windows"
MAX_HEADROOM = Decimal(90)


class NodeFacts(Protocol):
    """What compatibility reads of a node (a `Node` here, or a `TargetNode` row)."""

    @property
    def os_family(self) -> str: ...
    @property
    def windows_version(self) -> str: ...
    @property
    def architecture(self) -> str: ...


def needs(node: NodeFacts) -> dict[str, tuple[str, str]]:
    """What a judged host must match for `node` to take it, by requirement name: the host
    fact (`os_family`, `windows_generation`, `architecture`) and the value it must have.
    The space a host needs is not here: each caller compares it its own way."""
    found = {"family": ("os_family", node.os_family)}
    if node.os_family == WINDOWS:
        if node.windows_version:
            found["version"] = ("windows_generation", node.windows_version)
        found["architecture"] = ("architecture", node.architecture)
    return found


@dataclass(frozen=True)
class Candidate:
    """A host to place: its judged facts, its size and its destination now."""

    id: int
    name: str
    os_family: str
    windows_generation: str = ""
    architecture: str = ""
    data_bytes: int | None = None
    current: int | None = None  # the node id it is assigned to now
    unjudged: str | None = None  # why no node can take it, whatever the node

    def fact(self, name: str) -> str:
        return str(getattr(self, name) or "")


@dataclass(frozen=True)
class Node:
    """A destination node, with the hosts already on it that the proposal does not move."""

    id: int
    name: str
    os_family: str
    windows_version: str = ""
    architecture: str = ""
    free_bytes: int | None = None
    staying_count: int = 0
    staying_bytes: int = 0
    staying_unsized: int = 0  # hosts on it whose size is unknown


def compatible(host: Candidate, node: NodeFacts) -> bool:
    return all(host.fact(fact) == value for fact, value in needs(node).values())


def usable_bytes(free_bytes: int, headroom: Decimal) -> int:
    """The free space left for hosts once `headroom` percent of it is kept free."""
    return int(Decimal(free_bytes) * (100 - headroom) / 100)


@dataclass
class NodePlan:
    """One node in the proposal: its room after the headroom and what goes on it."""

    node: Node
    usable: int | None  # free space after the headroom; None when not recorded
    unusable: str | None  # why nothing can be put on it
    proposed: list[Candidate] = field(default_factory=list)
    proposed_bytes: int = 0
    # Usable space minus what is on the node, negative when over-committed already (0 when
    # the node takes nothing); kept up to date by `add`.
    left: int = field(init=False)

    def __post_init__(self) -> None:
        known = self.usable is not None and not self.unusable
        self.left = (self.usable or 0) - self.total_bytes if known else 0

    def add(self, host: Candidate) -> None:
        self.proposed.append(host)
        self.proposed_bytes += host.data_bytes or 0
        self.left -= host.data_bytes or 0

    @property
    def total_bytes(self) -> int:
        return self.node.staying_bytes + self.proposed_bytes

    @property
    def room(self) -> int:
        """Space still free for more hosts (0 when the node cannot take any)."""
        return max(0, self.left)


@dataclass(frozen=True)
class Unplaced:
    host: Candidate
    reason: str


@dataclass
class Proposal:
    headroom: Decimal
    nodes: list[NodePlan]
    unplaced: list[Unplaced]

    def targets(self) -> dict[int, int | None]:
        """The destination of every host considered, once the proposal is applied."""
        found: dict[int, int | None] = {u.host.id: None for u in self.unplaced}
        for plan in self.nodes:
            found.update({host.id: plan.node.id for host in plan.proposed})
        return found

    def changes(self) -> list[tuple[Candidate, int | None]]:
        """(host, new node id) of each host whose destination the proposal changes."""
        hosts = [host for plan in self.nodes for host in plan.proposed]
        hosts += [u.host for u in self.unplaced]
        targets = self.targets()
        changed = [(h, targets[h.id]) for h in hosts if targets[h.id] != h.current]
        return sorted(changed, key=lambda pair: (pair[0].name, pair[0].id))

    def digest(self) -> str:
        """A fingerprint of everything the review page shows: equal digests, equal proposals.
        One line per node and per host, hashed as they come (no structure of 10,000 rows
        built only to be serialised)."""
        found = hashlib.sha256(f"headroom {self.headroom}\n".encode())
        for p in self.nodes:
            node = p.node
            figures = (node.id, node.name, node.free_bytes, p.usable, p.unusable)
            staying = (node.staying_count, node.staying_bytes, node.staying_unsized)
            found.update(f"node {figures!r} {staying!r}\n".encode())
            for h in p.proposed:
                found.update(f"host {(h.id, h.name, h.data_bytes, h.current)!r}\n".encode())
        for u in self.unplaced:
            found.update(
                f"unplaced {(u.host.id, u.host.name, u.host.current, u.reason)!r}\n".encode()
            )
        return found.hexdigest()


def _unusable(node: Node) -> str | None:
    if node.free_bytes is None:
        return "free space not recorded"
    if node.staying_unsized:
        n = node.staying_unsized
        return f"{n} assigned host{'' if n == 1 else 's'} of unknown size: its room is unknown"
    return None


def _order(host: Candidate) -> tuple[int, str, int]:
    return (-(host.data_bytes or 0), host.name, host.id)


def _no_compatible(host: Candidate) -> str:
    if host.os_family != WINDOWS:
        return f"no compatible node ({host.os_family.capitalize()})"
    facts = [f"Windows {host.windows_generation or 'version unknown'}"]
    facts.append(host.architecture or "architecture unknown")
    return f"no compatible node ({', '.join(facts)})"


def propose(
    hosts: Iterable[Candidate], nodes: Iterable[Node], headroom: Decimal | int = 10
) -> Proposal:
    """First-fit decreasing of `hosts` onto `nodes`, keeping `headroom` percent (0-90) of
    each node's free space free. Every host ends up placed on one node or unplaced with
    its reason."""
    headroom = Decimal(headroom)
    if not 0 <= headroom <= MAX_HEADROOM:
        raise ValueError(f"headroom must be between 0 and {MAX_HEADROOM} %, not {headroom}")
    plans = []
    for node in sorted(nodes, key=lambda n: (n.name, n.id)):
        usable = None if node.free_bytes is None else usable_bytes(node.free_bytes, headroom)
        plans.append(NodePlan(node, usable, _unusable(node)))
    # Hosts with the same facts fit the same nodes: one pass over the nodes per kind of host.
    kinds: dict[tuple[str, str, str], _Fitting] = {}
    unplaced = []
    for host in sorted(hosts, key=_order):
        kind = (host.os_family, host.windows_generation, host.architecture)
        if kind not in kinds:
            kinds[kind] = _Fitting([plan for plan in plans if compatible(host, plan.node)])
        reason = _place(host, kinds[kind])
        if reason:
            unplaced.append(Unplaced(host, reason))
    unplaced.sort(key=lambda u: (u.host.name, u.host.id))
    return Proposal(headroom, plans, unplaced)


@dataclass
class _Fitting:
    """The nodes compatible with one kind of host, and the most room any of them had before
    the proposal put anything on it."""

    plans: list[NodePlan]
    known: list[NodePlan] = field(init=False)
    biggest: int = field(init=False)

    def __post_init__(self) -> None:
        self.known = [plan for plan in self.plans if not plan.unusable]
        self.biggest = max((plan.left for plan in self.known), default=0)


def _place(host: Candidate, fitting: _Fitting) -> str | None:
    """Put `host` on the first of the nodes compatible with it that has room for it;
    otherwise, why not."""
    if host.unjudged:
        return host.unjudged
    if not fitting.plans:
        return _no_compatible(host)
    if host.data_bytes is None:
        return "data size unknown: nothing can be promised for it"
    if not fitting.known:
        why = "; ".join(f"{p.node.name}: {p.unusable}" for p in fitting.plans)
        return f"no compatible node with known room ({why})"
    size = host.data_bytes
    for plan in fitting.known:
        if size <= plan.left:
            plan.add(host)
            return None
    if fitting.biggest <= 0:
        return "no room on a compatible node: each is full or over-committed already"
    if size > fitting.biggest:
        return f"too big for any node: {binary_size(size)} > {binary_size(fitting.biggest)} usable"
    left = max(plan.room for plan in fitting.known)
    return (
        f"no room left on a compatible node: {binary_size(size)} > "
        f"{binary_size(left)} still free once the larger hosts are placed"
    )
