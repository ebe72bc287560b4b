import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fleet.models import HostKey, TargetNode
from tests.builders import make_host, make_scan_result

pytestmark = pytest.mark.django_db


def names(response):
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_it_lists_hosts_with_their_blocker_counts(viewer_client, fleet):
    response = viewer_client.get(reverse("host-list"))
    assert response.status_code == 200
    assert names(response) == ["fleet-000", "fleet-001", "fleet-002"]
    assert response.context["table"].paginated_rows[0].record.blockers == 1


def test_it_refuses_a_user_without_a_role(roleless_client, fleet):
    assert roleless_client.get(reverse("host-list")).status_code == 403


def test_it_sends_anonymous_users_to_log_in(client, fleet):
    assert client.get(reverse("host-list")).status_code == 302


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "fleet-002"}, ["fleet-002"]),
        ({"os_family": "windows"}, ["win"]),
        ({"verdict": "ready"}, ["clean"]),
        ({"restriction": "selinux"}, ["win"]),
        (
            {"restriction": "quotas", "severity": "warning"},
            ["fleet-000", "fleet-001", "fleet-002", "old"],
        ),
        ({"severity": "info"}, []),
        ({"age": "never"}, ["never"]),
        ({"age": "older_30"}, ["never", "old"]),
        ({"tag": "pci"}, ["fleet-000", "fleet-001", "fleet-002"]),
    ],
)
def test_it_filters(viewer_client, fleet, params, expected):
    make_scan_result(make_host(name="clean"), [("selinux", "selinux.enforcing", "pass")])
    make_scan_result(
        make_host(name="win", os_family="windows"), [("selinux", "selinux.x", "blocker")]
    )
    make_host(name="never")
    old = make_host(name="old")
    make_scan_result(
        old, [("quotas", "q", "warning")], finished=timezone.now() - datetime.timedelta(days=40)
    )
    if "tag" in params:
        from fleet.models import Tag

        params = {"tag": Tag.objects.get(name="pci").pk}
    response = viewer_client.get(reverse("host-list"), params)
    assert sorted(names(response)) == sorted(expected)


def test_it_filters_by_group_and_destination(viewer_client, fleet):
    from fleet.models import HostGroup

    node = TargetNode.objects.create(name="vz1")
    fleet[0].target = node
    fleet[0].save()
    group = HostGroup.objects.get(name="web")
    assert names(viewer_client.get(reverse("host-list"), {"group": group.pk})) == ["fleet-001"]
    assert names(viewer_client.get(reverse("host-list"), {"destination": node.pk})) == ["fleet-000"]
    assert names(viewer_client.get(reverse("host-list"), {"destination": "null"})) == [
        "fleet-001",
        "fleet-002",
    ]


def test_it_sorts_by_blockers(viewer_client, fleet):
    make_scan_result(make_host(name="aaa"), [])
    response = viewer_client.get(reverse("host-list"), {"sort": "-blockers"})
    assert names(response)[-1] == "aaa"
    response = viewer_client.get(reverse("host-list"), {"sort": "blockers"})
    assert names(response)[0] == "aaa"


def test_it_sorts_by_verdict_worst_first_not_alphabetically(viewer_client, db):
    for name, verdict in [("a", "ready"), ("b", "not_ready"), ("c", "conditional")]:
        make_host(name=name, verdict=verdict)
    make_host(name="d", verdict="unknown")
    make_host(name="e", verdict="never")
    response = viewer_client.get(reverse("host-list"), {"sort": "verdict"})
    assert names(response) == ["b", "d", "c", "a", "e"]
    response = viewer_client.get(reverse("host-list"), {"sort": "-verdict"})
    assert names(response) == ["e", "a", "c", "d", "b"]


def test_its_query_count_does_not_grow_with_the_fleet(
    viewer_client, same_queries_with_more_hosts, django_assert_max_num_queries
):
    same_queries_with_more_hosts(viewer_client, reverse("host-list"))
    with django_assert_max_num_queries(12):
        viewer_client.get(reverse("host-list"), {"verdict": "not_ready", "q": "fleet"})


def test_the_host_page_groups_findings_with_evidence(viewer_client, fleet):
    response = viewer_client.get(reverse("host-detail", args=[fleet[0].pk]))
    assert response.status_code == 200
    assert list(response.context["findings"]) == [
        "filesystems",
        "ip_addresses",
        "quotas",
        "selinux",
    ]
    content = response.content.decode()
    assert '<pre class="evidence">$ probe' in content
    assert "Fix it before the migration." in content


def test_the_host_page_hides_actions_from_viewers(viewer_client, fleet):
    content = viewer_client.get(reverse("host-detail", args=[fleet[0].pk])).content.decode()
    assert "Re-scan" not in content and "Waive this finding" not in content


def test_the_host_page_offers_actions_to_operators(operator_client, fleet):
    content = operator_client.get(reverse("host-detail", args=[fleet[0].pk])).content.decode()
    assert "Re-scan" in content and "Waive this finding" in content


def test_the_host_page_shows_the_difference_from_the_previous_scan(viewer_client, db):
    host = make_host(name="diffy")
    earlier = timezone.now() - datetime.timedelta(days=1)
    make_scan_result(
        host,
        [("quotas", "quotas.on", "warning"), ("selinux", "selinux.on", "blocker")],
        finished=earlier,
    )
    make_scan_result(
        host, [("quotas", "quotas.on", "blocker"), ("xattrs", "xattrs.sec", "warning")]
    )
    diff = viewer_client.get(reverse("host-detail", args=[host.pk])).context["diff"]
    assert [f.check_id for f in diff["new"]] == ["xattrs.sec"]
    assert [f.check_id for f in diff["resolved"]] == ["selinux.on"]
    assert [(old.severity, new.severity) for old, new in diff["changed"]] == [
        ("warning", "blocker")
    ]


def test_the_host_page_shows_raw_outputs_from_the_capture(viewer_client, db):
    host = make_host(name="facty")
    make_scan_result(host, [], capture={"uname": b"Linux facty 2.6.18 x86_64\n"})
    response = viewer_client.get(reverse("host-detail", args=[host.pk]))
    assert "Linux facty 2.6.18" in response.context["raw_outputs"]["uname"]


def test_the_host_page_of_a_never_scanned_host_renders(viewer_client, db):
    host = make_host(name="fresh")
    response = viewer_client.get(reverse("host-detail", args=[host.pk]))
    assert "never been scanned" in response.content.decode()


def test_the_host_page_query_count_does_not_grow_with_findings(viewer_client, db):
    from tests.assessments.views.conftest import queries_for

    few, many = make_host(name="few"), make_host(name="many")
    specs = [("quotas", f"quotas.c{i}", "blocker") for i in range(40)]
    make_scan_result(few, specs[:2], capture={"uname": b"Linux"})
    make_scan_result(few, specs[:3], capture={"uname": b"Linux"})
    make_scan_result(many, specs[:20], capture={"uname": b"Linux"})
    make_scan_result(many, specs, capture={"uname": b"Linux"})
    first = queries_for(viewer_client, reverse("host-detail", args=[few.pk]))
    second = queries_for(viewer_client, reverse("host-detail", args=[many.pk]))
    assert first == second <= 16


def test_viewers_cannot_rescan(viewer_client, fleet):
    response = viewer_client.post(reverse("host-rescan", args=[fleet[0].pk]))
    assert response.status_code == 403


def test_an_operator_rescans_a_host(operator_client, fleet, django_capture_on_commit_callbacks):
    from assessments.models import Scan

    with django_capture_on_commit_callbacks(execute=False):
        response = operator_client.post(reverse("host-rescan", args=[fleet[0].pk]))
    scan = Scan.objects.latest("pk")
    assert response.url == reverse("scan-detail", args=[scan.pk])
    assert scan.selection == {"hosts": ["fleet-000"]}


def test_an_operator_assigns_a_destination(operator_client, fleet):
    node = TargetNode.objects.create(name="vz-1")
    url = reverse("host-destination", args=[fleet[0].pk])
    operator_client.post(url, {"target": node.pk})
    fleet[0].refresh_from_db()
    assert fleet[0].target == node


def test_a_viewer_cannot_assign_a_destination(viewer_client, fleet):
    node = TargetNode.objects.create(name="vz-1")
    url = reverse("host-destination", args=[fleet[0].pk])
    assert viewer_client.post(url, {"target": node.pk}).status_code == 403


def test_an_operator_approves_a_pending_host_key(operator_client, fleet):
    key = HostKey.objects.create(
        host=fleet[0], key_type="ssh-ed25519", fingerprint="SHA256:abc", public_key="AAAA"
    )
    response = operator_client.post(reverse("host-key-approve", args=[fleet[0].pk, key.pk]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.state == "trusted"


def test_a_viewer_cannot_approve_a_host_key(viewer_client, fleet):
    key = HostKey.objects.create(
        host=fleet[0], key_type="ssh-ed25519", fingerprint="SHA256:abc", public_key="AAAA"
    )
    url = reverse("host-key-approve", args=[fleet[0].pk, key.pk])
    assert viewer_client.post(url).status_code == 403


WINDOWS_2008R2 = {
    "platform_stored": True,
    "os_name": "Microsoft Windows Server 2008 R2 Standard",
    "os_version": "6.1.7601",
    "windows_generation": "2008r2",
    "architecture": "x64",
    "data_bytes": 8589934592,
}


def test_the_host_page_shows_the_platform_stored_with_the_result(viewer_client, db):
    host = make_host(name="win", os_family="windows")
    # The capture says 2003: the page shows what the checks judged, never re-parses it.
    old_os = b"Caption=Microsoft Windows Server 2003\r\nVersion=5.2.3790\r\n"
    make_scan_result(host, [], capture={"wmic_os": old_os}, **WINDOWS_2008R2)
    page = viewer_client.get(reverse("host-detail", args=[host.pk])).content.decode()
    assert "Microsoft Windows Server 2008 R2 Standard (6.1.7601)" in page
    assert "Windows Server 2008 R2</dd>" in page and "64-bit (x64)" in page
    assert "8.0 GiB" in page and "re-assess to fill" not in page


def test_a_result_stored_before_the_platform_fields_says_to_re_assess(viewer_client, db):
    host = make_host(name="old")
    make_scan_result(host, [], capture={"os_release": b'PRETTY_NAME="Debian 6"\n'})
    page = viewer_client.get(reverse("host-detail", args=[host.pk])).content.decode()
    assert "unknown (re-assess to fill)" in page and "Debian 6</dd>" not in page


def test_a_platform_the_checks_could_not_tell_is_unknown_without_the_hint(viewer_client, db):
    host = make_host(name="bare")
    make_scan_result(host, [], platform_stored=True)
    page = viewer_client.get(reverse("host-detail", args=[host.pk])).content.decode()
    assert "<dt>Data to move</dt><dd>unknown</dd>" in page
    assert "re-assess to fill" not in page


def test_the_host_page_survives_unreadable_captures(viewer_client, db):
    from assessments.models import Capture

    host = make_host(name="garbled")
    make_scan_result(host, [], capture={"df": b"\x00\xff garbage", "ip_addr": b"nonsense"})
    assert viewer_client.get(reverse("host-detail", args=[host.pk])).status_code == 200
    Capture.objects.filter(host_scan=host.latest_scan_id).update(data=b"not a tarball")
    response = viewer_client.get(reverse("host-detail", args=[host.pk]))
    assert response.status_code == 200 and response.context["raw_outputs"] == {}


def test_assigning_a_destination_re_judges_the_host_from_its_capture_at_once(
    operator_client,
):
    from tests.assessments.scan_helpers import captured_host

    host = captured_host("deb6")
    capacity = host.latest_scan.findings.get(check_id="filesystems.capacity")
    assert "no destination free space known" in capacity.title
    node = TargetNode.objects.create(name="vz-tiny", os_family="linux", free_bytes=1024**2)
    url = reverse("host-destination", args=[host.pk])
    response = operator_client.post(url, {"target": node.pk}, follow=True)
    host.refresh_from_db()
    assert host.latest_scan.scan.trigger == "reassess"
    capacity = host.latest_scan.findings.get(check_id="filesystems.capacity")
    assert (capacity.severity, "free on vz-tiny: 1.0 MiB" in capacity.evidence) == ("blocker", True)
    assert "free on vz-tiny" in host.latest_scan.findings.get(check_id="transfer.volume").evidence
    page = response.content.decode()
    assert "re-judged from its stored capture" in page and "free on vz-tiny" in page


def test_assigning_a_destination_to_a_host_without_a_capture_says_so(operator_client, fleet):
    from assessments.models import Scan

    node = TargetNode.objects.create(name="vz-1")
    url = reverse("host-destination", args=[fleet[0].pk])
    response = operator_client.post(url, {"target": node.pk}, follow=True)
    fleet[0].refresh_from_db()
    assert fleet[0].target == node
    assert "No stored capture to judge it against" in response.content.decode()
    assert not Scan.objects.filter(trigger="reassess").exists()


def changed_key(host):  # type: ignore[no-untyped-def]
    """A trusted ed25519 key and a pending, different one of the same type (reinstalled)."""
    old = HostKey.objects.create(
        host=host,
        key_type="ssh-ed25519",
        fingerprint="SHA256:old",
        public_key="OLD",
        state="trusted",
    )
    new = HostKey.objects.create(
        host=host, key_type="ssh-ed25519", fingerprint="SHA256:new", public_key="NEW"
    )
    return old, new


def test_approving_a_changed_host_key_asks_first_with_both_fingerprints(operator_client, fleet):
    old, new = changed_key(fleet[0])
    response = operator_client.post(reverse("host-key-approve", args=[fleet[0].pk, new.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Approve a changed host key" in page
    assert "SHA256:old" in page and "SHA256:new" in page
    assert 'name="confirm" value="1"' in page
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == ("trusted", "pending")


def test_a_confirmed_changed_key_keeps_the_old_one_in_the_history(operator_client, fleet):
    old, new = changed_key(fleet[0])
    url = reverse("host-key-approve", args=[fleet[0].pk, new.pk])
    response = operator_client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == ("rejected", "trusted")
    assert old.replaced_by == new
    assert old.replacement_approved_by.username == "user-operator"
    assert old.replaced_at is not None
    page = operator_client.get(reverse("host-detail", args=[fleet[0].pk])).content.decode()
    assert "SHA256:old" in page
    assert "replaced by <code>SHA256:new</code>" in page
    assert "approved by user-operator" in page


def test_a_first_host_key_needs_no_confirm(operator_client, fleet):
    key = HostKey.objects.create(
        host=fleet[0], key_type="ssh-ed25519", fingerprint="SHA256:abc", public_key="AAAA"
    )
    response = operator_client.post(reverse("host-key-approve", args=[fleet[0].pk, key.pk]))
    assert response.status_code == 302


def test_a_viewer_cannot_approve_a_changed_host_key_even_confirmed(viewer_client, fleet):
    _old, new = changed_key(fleet[0])
    url = reverse("host-key-approve", args=[fleet[0].pk, new.pk])
    assert viewer_client.post(url).status_code == 403
    assert viewer_client.post(url, {"confirm": "1"}).status_code == 403
    new.refresh_from_db()
    assert new.state == "pending"


def test_a_plainly_rejected_key_stays_off_the_host_page(viewer_client, fleet):
    HostKey.objects.create(
        host=fleet[0],
        key_type="ssh-rsa",
        fingerprint="SHA256:refused",
        public_key="R",
        state="rejected",
    )
    page = viewer_client.get(reverse("host-detail", args=[fleet[0].pk])).content.decode()
    assert "SHA256:refused" not in page
