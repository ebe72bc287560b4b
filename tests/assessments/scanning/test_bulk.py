"""Bulk actions on a Host queryset: what they change, what they leave, and what they say."""

import datetime

import pytest
from django.utils import timezone

from assessments.choices import ScanTrigger
from assessments.models import Scan, Waiver, WaiverEvent
from assessments.scanning import bulk
from fleet.models import Host, HostGroup, Tag, TargetNode, Wave
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_enqueue(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    # Scans are created and committed; their batch jobs are not enqueued here.
    with django_capture_on_commit_callbacks(execute=False):
        yield


def three() -> list[Host]:
    return [make_host(name=f"h{i}") for i in range(3)]


def test_it_assigns_a_destination_and_counts_the_hosts_already_there():
    node = TargetNode.objects.create(name="node-a")
    _a, _b, c = three()
    Host.objects.filter(pk=c.pk).update(target=node)
    result = bulk.assign_destination(Host.objects.all(), node)
    assert set(Host.objects.filter(target=node).values_list("name", flat=True)) == {
        "h0",
        "h1",
        "h2",
    }
    assert result.message.startswith("Assigned 2 hosts to node-a; 1 already there.")
    assert (result.changed, result.unchanged) == (2, 1)


def test_it_rejudges_the_moved_hosts_with_a_capture_in_one_reassessment():
    node = TargetNode.objects.create(name="node-a")
    captured = [make_host(name=f"cap{i}") for i in range(2)]
    for host in captured:
        make_scan_result(host, [], capture={"uname": b"Linux x 5.10 x86_64\n"})
    make_host(name="bare")
    result = bulk.assign_destination(Host.objects.all(), node)
    assert result.scan is not None and result.scan.trigger == ScanTrigger.REASSESS
    assert result.scan.selection == {"hosts": ["cap0", "cap1"]}
    assert Scan.objects.filter(trigger=ScanTrigger.REASSESS).count() == 1
    assert "Re-judging 2 hosts from their stored captures" in result.message


def test_it_says_when_no_moved_host_can_be_rejudged_yet():
    node = TargetNode.objects.create(name="node-a")
    three()
    result = bulk.assign_destination(Host.objects.all(), node)
    assert result.scan is None
    assert "None has a stored capture to judge it against: the next scan will." in result.message


def test_it_clears_a_destination():
    node = TargetNode.objects.create(name="node-a")
    host = make_host(name="h", target=node)
    result = bulk.assign_destination(Host.objects.filter(pk=host.pk), None)
    host.refresh_from_db()
    assert host.target is None and result.message.startswith("Assigned 1 host to no destination.")


def test_it_tags_hosts_creating_the_tag_and_counts_those_that_had_it():
    a, _b, _c = three()
    a.tags.add(Tag.objects.create(name="pci"))
    result = bulk.add_tag(Host.objects.all(), " pci ")
    assert Tag.objects.get(name="pci").hosts.count() == 3
    assert result.message == "Tagged 2 hosts with pci; 1 already had it."
    assert bulk.add_tag(Host.objects.all(), "new").message == "Tagged 3 hosts with new."


def test_it_removes_a_tag_and_counts_those_without_it():
    a, _b, _c = three()
    tag = Tag.objects.create(name="pci")
    a.tags.add(tag)
    result = bulk.remove_tag(Host.objects.all(), "pci")
    assert tag.hosts.count() == 0
    assert result.message == "Removed tag pci from 1 host; 2 did not have it."


def test_removing_an_unknown_tag_is_refused_in_words():
    three()
    with pytest.raises(bulk.BulkError, match="there is no tag named 'nope'"):
        bulk.remove_tag(Host.objects.all(), "nope")


def test_an_empty_tag_name_is_refused():
    three()
    with pytest.raises(bulk.BulkError, match="give the tag a name"):
        bulk.add_tag(Host.objects.all(), "  ")


def test_it_adds_hosts_to_a_group_and_removes_them():
    _a, b, _c = three()
    group = HostGroup.objects.create(name="web")
    b.groups.add(group)
    assert bulk.add_group(Host.objects.all(), group).message == (
        "Added 2 hosts to web; 1 already had it."
    )
    assert group.hosts.count() == 3
    removed = bulk.remove_group(Host.objects.filter(name__in=["h0", "h1"]), group)
    assert removed.message == "Removed 2 hosts from web."
    assert list(group.hosts.values_list("name", flat=True)) == ["h2"]


def test_it_sets_and_clears_a_wave():
    wave = Wave.objects.create(name="W1")
    a, _b, _c = three()
    Host.objects.filter(pk=a.pk).update(wave=wave)
    assert (
        bulk.set_wave(Host.objects.all(), wave).message
        == "Put 2 hosts in wave W1; 1 already there."
    )
    assert wave.hosts.count() == 3
    cleared = bulk.set_wave(Host.objects.filter(name__in=["h0", "h1"]), None)
    assert cleared.message == "Took 2 hosts out of their wave."
    assert bulk.set_wave(Host.objects.all(), None).message == (
        "Took 1 host out of their wave; 2 were in none."
    )


def waivable() -> list[Host]:
    """Two hosts with filesystems findings (one with two checks), one with none."""
    two = make_host(name="two")
    make_scan_result(
        two,
        [
            ("filesystems", "filesystems.nfs", "blocker"),
            ("filesystems", "filesystems.capacity", "warning"),
            ("quotas", "quotas.enabled", "blocker"),
        ],
    )
    one = make_host(name="one")
    make_scan_result(one, [("filesystems", "filesystems.nfs", "blocker")])
    clean = make_host(name="clean")
    make_scan_result(clean, [("filesystems", "filesystems.nfs", "pass")])
    return [two, one, clean]


def waive_all(**overrides):  # type: ignore[no-untyped-def]
    values = {"reason": "Moving anyway", "owner": "ops", "expires": None}
    values.update(overrides)
    return bulk.waive(Host.objects.all(), "filesystems", **values)


def test_it_waives_every_finding_of_a_class_on_the_selected_hosts():
    _two, _one, _clean = waivable()
    result = waive_all()
    waived = set(Waiver.objects.values_list("host__name", "check_id"))
    assert waived == {
        ("two", "filesystems.nfs"),
        ("two", "filesystems.capacity"),
        ("one", "filesystems.nfs"),
    }
    assert WaiverEvent.objects.count() == 3
    assert result.message == (
        "Waived `filesystems` on 2 hosts (3 findings); 1 with no such finding in their latest scan."
    )


def test_waiving_changes_the_verdicts_at_once():
    two, one, _clean = waivable()
    waive_all()
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.verdict == "waived"
    assert two.verdict == "not_ready"  # its quotas blocker is not waived


def test_it_skips_findings_already_waived():
    _two, one, _clean = waivable()
    bulk.waive(Host.objects.filter(pk=one.pk), "filesystems", reason="r", owner="o")
    result = waive_all()
    assert Waiver.objects.count() == 3
    assert "on 1 host (2 findings); 1 already waived" in result.message


def test_an_expiry_in_the_past_waives_nothing():
    waivable()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(bulk.BulkError, match="expiry date is in the past"):
        waive_all(expires=yesterday)
    assert not Waiver.objects.exists()


def test_it_rescans_the_selected_enabled_hosts_in_one_scan():
    three()
    make_host(name="off", enabled=False)
    result = bulk.rescan(Host.objects.all())
    assert result.scan is not None and result.scan.trigger == ScanTrigger.MANUAL
    assert sorted(result.scan.host_scans.values_list("host__name", flat=True)) == ["h0", "h1", "h2"]
    assert result.message == f"Scan #{result.scan.pk} of 3 hosts started; 1 disabled, skipped."


def test_it_reassesses_the_selected_hosts_in_one_reassessment():
    three()
    result = bulk.reassess(Host.objects.filter(name__in=["h0", "h2"]))
    assert result.scan is not None and result.scan.trigger == ScanTrigger.REASSESS
    assert result.scan.selection == {"hosts": ["h0", "h2"]}
    assert result.message == f"Re-assessment #{result.scan.pk} of 2 hosts started."


def test_a_scan_of_too_many_hosts_is_refused(monkeypatch):
    monkeypatch.setattr(bulk, "MAX_NAMED", 2)
    three()
    with pytest.raises(bulk.BulkError, match="more than 2 hosts"):
        bulk.rescan(Host.objects.all())
    assert not Scan.objects.exists()


@pytest.mark.parametrize(
    "action",
    [
        lambda qs: bulk.rescan(qs),
        lambda qs: bulk.assign_destination(qs, None),
        lambda qs: bulk.add_tag(qs, "x"),
        lambda qs: bulk.set_wave(qs, None),
        lambda qs: bulk.waive(qs, "filesystems", reason="r", owner="o"),
    ],
)
def test_an_empty_selection_changes_nothing_and_says_so(action):
    with pytest.raises(bulk.BulkError, match="no host selected"):
        action(Host.objects.none())


def test_a_bulk_waiver_is_what_create_waiver_makes():
    from assessments.scanning.waivers import create_waiver
    from tests.conftest import make_user

    user = make_user("operator")
    by_bulk = make_host(name="bulk")
    by_one = make_host(name="one")
    specs = [("filesystems", "filesystems.nfs", "blocker"), ("quotas", "quotas.on", "warning")]
    for host in (by_bulk, by_one):
        make_scan_result(host, specs)
    expires = timezone.localdate() + datetime.timedelta(days=30)
    values = {"reason": "Accepted", "owner": "ops", "expires": expires, "user": user}
    bulk.waive(Host.objects.filter(pk=by_bulk.pk), "filesystems", **values)
    create_waiver(by_one, "filesystems.nfs", "filesystems", **values)

    def state(host: Host) -> tuple:
        host.refresh_from_db()
        waiver = Waiver.objects.get(host=host)
        event = waiver.events.get()
        fields = ("restriction", "check_id", "reason", "owner", "expires", "active", "created_by")
        marks = sorted(host.latest_scan.findings.values_list("check_id", "waived"))
        return (
            host.verdict,
            tuple(getattr(waiver, f) for f in fields),
            (event.action, event.user, event.reason, event.changes),
            marks,
        )

    assert state(by_bulk) == state(by_one)
    assert state(by_bulk)[0] == "waived"


def test_waiving_costs_the_same_queries_for_3_hosts_or_30(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def hosts_with_findings(start: int, count: int) -> None:
        for i in range(start, start + count):
            host = make_host(name=f"w{i}")
            make_scan_result(host, [("filesystems", "filesystems.nfs", "blocker")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            bulk.waive(Host.objects.filter(waivers=None), "filesystems", reason="r", owner="o")
        return len(context.captured_queries)

    hosts_with_findings(0, 3)
    few = queries()
    hosts_with_findings(100, 30)
    assert queries() == few
