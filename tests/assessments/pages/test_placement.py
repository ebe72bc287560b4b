"""The placement proposal's pure core: first-fit decreasing, compatibility, headroom, reasons,
and its properties (never over a node's usable space, largest first, incompatible never
placed, deterministic)."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.pages.placement import Candidate, Node, compatible, propose, usable_bytes

GIB = 1024**3


def host(name: str, gib: float | None, **facts) -> Candidate:  # type: ignore[no-untyped-def]
    size = None if gib is None else int(gib * GIB)
    return Candidate(
        id=abs(hash(name)) % 10**6, name=name, os_family="linux", data_bytes=size, **facts
    )


def node(name: str, gib: float | None, **facts) -> Node:  # type: ignore[no-untyped-def]
    facts.setdefault("os_family", "linux")
    size = None if gib is None else int(gib * GIB)
    return Node(id=abs(hash(name)) % 10**6, name=name, free_bytes=size, **facts)


def placed(proposal) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {plan.node.name: [h.name for h in plan.proposed] for plan in proposal.nodes}


def reasons(proposal) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {u.host.name: u.reason for u in proposal.unplaced}


def test_it_places_the_largest_hosts_first_on_the_first_node_with_room():
    hosts = [host("small", 10), host("big", 60), host("mid", 40)]
    proposal = propose(hosts, [node("a", 100), node("b", 100)], headroom=0)
    assert placed(proposal) == {"a": ["big", "mid"], "b": ["small"]}


def test_the_headroom_is_kept_free_on_every_node():
    proposal = propose([host("h", 95)], [node("a", 100)], headroom=10)
    assert proposal.nodes[0].usable == int(90 * GIB)
    assert reasons(proposal) == {"h": "too big for any node: 95.0 GiB > 90.0 GiB usable"}


def test_a_host_too_big_for_any_node_names_its_size_and_the_largest_room():
    proposal = propose([host("huge", 812.3)], [node("a", 500), node("b", 200)], headroom=0)
    assert reasons(proposal) == {"huge": "too big for any node: 812.3 GiB > 500.0 GiB usable"}


def test_a_host_that_would_fit_an_empty_node_says_the_room_ran_out():
    proposal = propose([host("first", 80), host("second", 70)], [node("a", 100)], headroom=0)
    assert reasons(proposal)["second"].startswith("no room left on a compatible node: 70.0 GiB")


def test_a_host_of_another_family_or_windows_generation_finds_no_compatible_node():
    win = Candidate(1, "w3", "windows", "2003", "x86", GIB)
    nodes = [node("lin", 100), node("w8", 100, os_family="windows", windows_version="2008")]
    proposal = propose([win], nodes)
    assert reasons(proposal) == {"w3": "no compatible node (Windows 2003, x86)"}


def test_windows_bitness_must_match_the_node():
    w64 = Candidate(1, "w64", "windows", "2008", "x64", GIB)
    w86 = Candidate(2, "w86", "windows", "2008", "x86", GIB)
    nodes = [node("n", 100, os_family="windows", windows_version="2008", architecture="x64")]
    proposal = propose([w64, w86], nodes)
    assert placed(proposal) == {"n": ["w64"]}
    assert reasons(proposal) == {"w86": "no compatible node (Windows 2008, x86)"}


def test_an_unjudged_host_is_never_placed_and_keeps_its_reason():
    down = host("down", 1, unjudged="not judged: last scan failed (unreachable)")
    proposal = propose([down], [node("a", 100)])
    assert reasons(proposal) == {"down": "not judged: last scan failed (unreachable)"}


def test_a_host_of_unknown_size_is_never_placed():
    assert "data size unknown" in reasons(propose([host("h", None)], [node("a", 100)]))["h"]


def test_a_node_without_free_space_or_with_unsized_hosts_takes_nothing():
    nodes = [node("blank", None), node("murky", 100, staying_count=1, staying_unsized=1)]
    reason = reasons(propose([host("h", 1)], nodes))["h"]
    assert reason.startswith("no compatible node with known room")
    assert "blank: free space not recorded" in reason
    assert "murky: 1 assigned host of unknown size" in reason


def test_a_node_over_committed_already_takes_not_even_an_empty_host():
    proposal = propose([host("empty", 0)], [node("a", 1, staying_bytes=2 * GIB)], headroom=0)
    assert reasons(proposal) == {
        "empty": "no room on a compatible node: each is full or over-committed already"
    }


def test_hosts_staying_on_a_node_take_its_room():
    proposal = propose([host("h", 30)], [node("a", 100, staying_bytes=80 * GIB)], headroom=0)
    assert reasons(proposal)["h"] == "too big for any node: 30.0 GiB > 20.0 GiB usable"


def test_the_changes_say_which_hosts_move_and_which_lose_their_destination():
    a = node("a", 100)
    hosts = [host("stays", 1, current=a.id), host("new", 1), host("lost", None, current=a.id)]
    changes = {h.name: target for h, target in propose(hosts, [a]).changes()}
    assert changes == {"new": a.id, "lost": None}


@pytest.mark.parametrize("headroom", [-1, Decimal("90.5"), 100])
def test_a_headroom_outside_0_to_90_is_refused(headroom):
    with pytest.raises(ValueError, match="between 0 and 90"):
        propose([], [], headroom=headroom)


def test_usable_space_rounds_down():
    assert usable_bytes(1001, Decimal("12.5")) == 875


def test_the_digest_changes_with_the_proposal_and_only_with_it():
    hosts, nodes = [host("h", 10)], [node("a", 100)]
    same = propose(hosts, nodes).digest()
    assert propose(list(hosts), list(nodes)).digest() == same
    assert propose(hosts, nodes, headroom=20).digest() != same
    assert propose([host("h", 11)], nodes).digest() != same


# Properties, over random fleets.
FAMILIES = st.sampled_from(["linux", "windows"])
GENERATIONS = st.sampled_from(["", "2003", "2008"])
ARCHES = st.sampled_from(["", "x86", "x64"])


@st.composite
def fleets(draw):  # type: ignore[no-untyped-def]
    count = draw(st.integers(0, 25))
    hosts = []
    for i in range(count):
        hosts.append(
            Candidate(
                id=i,
                name=f"h{draw(st.integers(0, 9))}",  # names repeat: ties broken by id
                os_family=draw(FAMILIES),
                windows_generation=draw(GENERATIONS),
                architecture=draw(ARCHES),
                data_bytes=draw(st.one_of(st.none(), st.integers(0, 200 * GIB))),
                current=draw(st.one_of(st.none(), st.integers(100, 104))),
                unjudged=draw(st.sampled_from([None, None, None, "never scanned"])),
            )
        )
    nodes = []
    for j in range(draw(st.integers(0, 5))):
        nodes.append(
            Node(
                id=100 + j,
                name=f"n{draw(st.integers(0, 3))}",
                os_family=draw(FAMILIES),
                windows_version=draw(GENERATIONS),
                architecture=draw(st.sampled_from(["x86", "x64"])),
                free_bytes=draw(st.one_of(st.none(), st.integers(0, 500 * GIB))),
                staying_bytes=draw(st.integers(0, 100 * GIB)),
                staying_unsized=draw(st.sampled_from([0, 0, 0, 1])),
            )
        )
    headroom = draw(st.decimals(0, 90, places=1))
    return hosts, nodes, headroom


@settings(max_examples=100, deadline=None)
@given(fleets())
def test_no_node_gets_more_than_its_usable_space(fleet):
    proposal = propose(*fleet)
    for plan in proposal.nodes:
        if plan.proposed:
            assert plan.usable is not None and not plan.unusable
            assert plan.total_bytes <= plan.usable


@settings(max_examples=100, deadline=None)
@given(fleets())
def test_each_node_takes_its_hosts_largest_first(fleet):
    for plan in propose(*fleet).nodes:
        sizes = [h.data_bytes for h in plan.proposed]
        assert sizes == sorted(sizes, reverse=True)


@settings(max_examples=100, deadline=None)
@given(fleets())
def test_no_host_is_placed_where_it_is_incompatible_unjudged_or_unsized(fleet):
    for plan in propose(*fleet).nodes:
        for h in plan.proposed:
            assert compatible(h, plan.node)
            assert h.unjudged is None and h.data_bytes is not None


@settings(max_examples=100, deadline=None)
@given(fleets())
def test_every_host_is_placed_once_or_unplaced_with_a_reason(fleet):
    proposal = propose(*fleet)
    ids = [h.id for plan in proposal.nodes for h in plan.proposed]
    ids += [u.host.id for u in proposal.unplaced]
    assert sorted(ids) == sorted(h.id for h in fleet[0])
    assert all(u.reason for u in proposal.unplaced)


@settings(max_examples=100, deadline=None)
@given(fleets(), st.randoms(use_true_random=False))
def test_the_proposal_does_not_depend_on_the_order_of_its_inputs(fleet, rnd: random.Random):
    hosts, nodes, headroom = fleet
    shuffled_hosts, shuffled_nodes = list(hosts), list(nodes)
    rnd.shuffle(shuffled_hosts)
    rnd.shuffle(shuffled_nodes)
    first, second = (
        propose(hosts, nodes, headroom),
        propose(shuffled_hosts, shuffled_nodes, headroom),
    )
    assert first.digest() == second.digest()
    assert first.targets() == second.targets()


@settings(max_examples=100, deadline=None)
@given(fleets())
def test_a_host_left_unplaced_for_room_fits_no_compatible_node_that_had_room_left(fleet):
    proposal = propose(*fleet)
    for u in proposal.unplaced:
        if u.reason.startswith(("too big", "no room left")):
            for plan in proposal.nodes:
                if compatible(u.host, plan.node) and not plan.unusable:
                    assert u.host.data_bytes > plan.left
