"""The placement proposal page: operators review a first-fit-decreasing proposal for the
filtered hosts and apply it in one step; a stale proposal is never applied."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.choices import ScanTrigger
from assessments.models import Scan
from fleet.models import Host, TargetNode
from tests.assessments.views.conftest import queries_for
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db

GIB = 1024**3
URL = "/destinations/placement/"


def sized(name: str, gib: float | None, **host_fields) -> Host:  # type: ignore[no-untyped-def]
    """A judged host whose latest result measured `gib` GiB of data."""
    host = make_host(name=name, **host_fields)
    size = None if gib is None else int(gib * GIB)
    make_scan_result(host, [], platform_stored=True, data_bytes=size, capture={"df": b"x"})
    return host


def plans(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {
        row["plan"].node.name: [h.name for h in row["plan"].proposed]
        for row in response.context["nodes"]
    }


def reasons(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {u.host.name: u.reason for u in response.context["proposal"].unplaced}


def apply(client, response, **extra):  # type: ignore[no-untyped-def]
    """POST the review page's apply form as the browser would."""
    data = {key: value for key, value in response.context["filter_items"]}
    data.update(
        headroom=str(response.context["proposal"].headroom),
        mode=response.context["form"].cleaned_data["mode"],
        digest=response.context["digest"],
    )
    data.update(extra)
    return client.post(URL, data)


@pytest.fixture
def nodes(db: None) -> dict[str, TargetNode]:
    return {
        "a": TargetNode.objects.create(name="a-node", os_family="linux", free_bytes=100 * GIB),
        "b": TargetNode.objects.create(name="b-node", os_family="linux", free_bytes=500 * GIB),
    }


def test_viewers_and_users_without_a_role_get_403(viewer_client, roleless_client, nodes):
    for client in (viewer_client, roleless_client):
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"headroom": "10", "mode": "keep"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, nodes):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_proposes_largest_first_on_the_first_node_with_room(operator_client, nodes):
    for name, gib in [("small", 10), ("big", 80), ("mid", 40)]:
        sized(name, gib)
    response = operator_client.get(URL, {"headroom": "0"})
    assert response.status_code == 200
    assert plans(response) == {"a-node": ["big", "small"], "b-node": ["mid"]}
    html = response.content.decode()
    assert "90.0 GiB of 100.0 GiB usable" in html
    assert "40.0 GiB of 500.0 GiB usable" in html


def test_the_default_headroom_is_10_percent(operator_client, nodes):
    sized("h", 95)
    response = operator_client.get(URL)
    assert response.context["proposal"].headroom == 10
    assert plans(response)["b-node"] == ["h"]  # 95 GiB > 90 GiB usable on a-node


def test_unplaced_hosts_are_listed_with_their_reason(operator_client, nodes):
    sized("huge", 812.3)
    win = make_host(name="win", os_family="windows")
    make_scan_result(
        win, [], **{"platform_stored": True, "windows_generation": "2003"}, data_bytes=GIB
    )
    down = make_host(name="down")
    make_scan_result(down, [], status="failed", error_class="unreachable")
    make_host(name="new")
    response = operator_client.get(URL, {"headroom": "0"})
    assert reasons(response) == {
        "down": "not judged: last scan failed (unreachable)",
        "huge": "too big for any node: 812.3 GiB > 500.0 GiB usable",
        "new": "never scanned",
        "win": "no compatible node (Windows 2003, architecture unknown)",
    }
    assert "too big for any node: 812.3 GiB &gt; 500.0 GiB usable" in response.content.decode()


@pytest.mark.parametrize(
    ("headroom", "error"),
    [
        ("abc", "Enter the headroom as a number of percent"),
        ("-5", "The headroom cannot be negative."),
        ("95", "The headroom is at most 90 % (more leaves little room)."),
        ("100", "The headroom is at most 90 %"),
        ("12.55", "at most one decimal"),
        ("", "Enter the headroom in percent"),
    ],
)
def test_a_bad_headroom_is_a_form_error_and_proposes_nothing(
    operator_client, nodes, headroom, error
):
    response = operator_client.get(URL, {"headroom": headroom})
    assert response.status_code == 400
    assert response.context["proposal"] is None
    assert error in response.content.decode()


def test_an_invalid_filter_proposes_nothing_and_says_why(operator_client, nodes):
    sized("h", 1)
    response = operator_client.get(URL, {"group": "999"})
    assert response.status_code == 400 and response.context["proposal"] is None
    assert "No host is selected" in response.content.decode()


def test_the_scope_is_the_hosts_list_filters(operator_client, nodes):
    sized("web-1", 1, groups=["web"])
    sized("db-1", 1, groups=["db"])
    group = Host.objects.get(name="web-1").groups.get()
    response = operator_client.get(URL, {"group": group.pk})
    assert [h.name for h in response.context["proposal"].targets() and _placed(response)] == [
        "web-1"
    ]


def _placed(response) -> list:  # type: ignore[no-untyped-def]
    return [h for row in response.context["nodes"] for h in row["plan"].proposed]


def test_keeping_assignments_places_only_hosts_without_one_and_counts_what_stays(
    operator_client, nodes
):
    sized("assigned", 70, target=nodes["a"])
    sized("free", 35)
    response = operator_client.get(URL, {"headroom": "0", "mode": "keep"})
    assert response.context["kept"] == 1
    assert plans(response) == {"a-node": [], "b-node": ["free"]}  # a-node has 30 GiB left


def test_re_placing_moves_assigned_hosts_too(operator_client, nodes):
    sized("assigned", 70, target=nodes["b"])
    response = operator_client.get(URL, {"headroom": "0", "mode": "replace"})
    assert plans(response) == {"a-node": ["assigned"], "b-node": []}


def test_hosts_outside_the_filters_keep_their_room_when_re_placing(operator_client, nodes):
    sized("outside", 90, target=nodes["a"], groups=["other"])
    sized("inside", 20, groups=["web"])
    group = Host.objects.get(name="inside").groups.get()
    response = operator_client.get(URL, {"headroom": "0", "mode": "replace", "group": group.pk})
    assert plans(response) == {"a-node": [], "b-node": ["inside"]}


def test_applying_assigns_the_hosts_and_starts_one_reassessment(
    operator_client, nodes, django_capture_on_commit_callbacks
):
    sized("big", 80)
    sized("small", 10)
    review = operator_client.get(URL, {"headroom": "0"})
    with django_capture_on_commit_callbacks(execute=False):
        response = apply(operator_client, review)
    assert response.status_code == 302 and response["Location"] == reverse("destination-list")
    targets = dict(Host.objects.values_list("name", "target__name"))
    assert targets == {"big": "a-node", "small": "a-node"}
    scan = Scan.objects.get(trigger=ScanTrigger.REASSESS)
    assert scan.selection == {"hosts": ["big", "small"]}
    message = str(next(iter(response.wsgi_request._messages)))
    assert "Placement applied (2 hosts considered): 2 hosts assigned" in message
    assert f"Re-assessment #{scan.pk}" in message


def test_re_placing_says_which_hosts_moved_and_which_lost_their_destination(
    operator_client, nodes, django_capture_on_commit_callbacks
):
    sized("mover", 70, target=nodes["b"])
    down = make_host(name="down", target=nodes["a"])
    make_scan_result(down, [], capture={"df": b"x"}, finished=timezone.now() - timedelta(days=1))
    make_scan_result(down, [], status="failed", error_class="unreachable")
    review = operator_client.get(URL, {"headroom": "0", "mode": "replace"})
    with django_capture_on_commit_callbacks(execute=False):
        response = apply(operator_client, review)
    assert dict(Host.objects.values_list("name", "target__name")) == {
        "mover": "a-node",
        "down": None,
    }
    message = str(next(iter(response.wsgi_request._messages)))
    assert "1 host moved to another node, 1 host left with no destination" in message
    # Only the judged host is re-judged: the other one's last scan failed.
    assert Scan.objects.get(trigger=ScanTrigger.REASSESS).selection == {"hosts": ["mover"]}


def test_a_proposal_that_changed_since_the_review_is_not_applied(operator_client, nodes):
    sized("h", 10)
    review = operator_client.get(URL, {"headroom": "0"})
    nodes["a"].free_bytes = 5 * GIB
    nodes["a"].save()
    response = apply(operator_client, review)
    assert response.status_code == 409
    assert Host.objects.get(name="h").target is None
    assert not Scan.objects.filter(trigger=ScanTrigger.REASSESS).exists()
    assert "The fleet changed since this proposal was shown" in response.content.decode()
    assert plans(response) == {"a-node": [], "b-node": ["h"]}  # the new proposal, to review


def test_a_forged_digest_applies_nothing(operator_client, nodes):
    sized("h", 10)
    review = operator_client.get(URL)
    assert apply(operator_client, review, digest="0" * 64).status_code == 409
    assert Host.objects.get(name="h").target is None


def test_applying_the_same_review_twice_changes_nothing_the_second_time(
    operator_client, nodes, django_capture_on_commit_callbacks
):
    sized("h", 10)
    review = operator_client.get(URL)
    with django_capture_on_commit_callbacks(execute=False):
        apply(operator_client, review)
        assert apply(operator_client, review).status_code == 409
    assert Scan.objects.filter(trigger=ScanTrigger.REASSESS).count() == 1


def test_a_proposal_with_no_change_offers_no_apply_button(operator_client, nodes):
    sized("h", 10, target=nodes["a"])
    response = operator_client.get(URL)
    assert response.context["change_count"] == 0
    assert "Apply this proposal" not in response.content.decode()


def test_the_apply_needs_the_csrf_token(operator, nodes):
    sized("h", 10)
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    review = client.get(URL)
    assert apply(client, review).status_code == 403
    assert Host.objects.get(name="h").target is None


def test_the_page_costs_the_same_queries_for_3_and_30_hosts(operator_client, nodes):
    TargetNode.objects.create(name="w", os_family="windows", windows_version="2008", free_bytes=GIB)

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            sized(f"h{i:03d}", i % 7, target=nodes["a"] if i % 5 == 0 else None, groups=["web"])

    add(3, 0)
    few = queries_for(operator_client, URL + "?mode=replace")
    add(27, 100)
    many = queries_for(operator_client, URL + "?mode=replace")
    # session, user, roles; the scope's hosts, what stays on the nodes, the nodes; the
    # filter form's four selects (groups, tags, destinations, waves).
    assert few == many == 10, f"{few} queries with 3 hosts, {many} with 30"
    assert len(_placed(operator_client.get(URL + "?mode=replace"))) > 3


@pytest.mark.django_db(transaction=True)
def test_with_the_queue_down_the_destinations_are_set_and_the_reassessment_waits(
    client, redis_down
):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("op", password="pw-123456!")
    # transaction=True flushes the role groups the migrations made.
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    client.force_login(user)
    node = TargetNode.objects.create(name="a-node", os_family="linux", free_bytes=100 * GIB)
    sized("h", 10)
    response = apply(client, client.get(URL))
    scan = Scan.objects.get(trigger=ScanTrigger.REASSESS)
    assert response["Location"] == reverse("scan-detail", args=[scan.pk])
    assert Host.objects.get(name="h").target == node
    texts = [str(m) for m in response.wsgi_request._messages]
    assert any("1 host assigned" in t for t in texts)
    assert any("saved but not started: queue unavailable" in t for t in texts)


def test_a_disabled_host_is_placed_but_only_enabled_hosts_are_re_judged(
    operator_client, nodes, django_capture_on_commit_callbacks
):
    sized("on", 10)
    sized("off", 20, enabled=False)
    with django_capture_on_commit_callbacks(execute=False):
        apply(operator_client, operator_client.get(URL))
    assert Host.objects.get(name="off").target == nodes["a"]
    assert Scan.objects.get(trigger=ScanTrigger.REASSESS).selection == {"hosts": ["on"]}


def test_a_host_without_a_stored_capture_is_assigned_but_not_re_judged(operator_client, nodes):
    host = make_host(name="bare")
    make_scan_result(host, [], platform_stored=True, data_bytes=GIB)
    response = apply(operator_client, operator_client.get(URL))
    assert Host.objects.get(name="bare").target == nodes["a"]
    assert not Scan.objects.filter(trigger=ScanTrigger.REASSESS).exists()
    assert "No judged host has a stored capture to re-judge." in str(
        next(iter(response.wsgi_request._messages))
    )
