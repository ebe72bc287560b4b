"""The rules on the inventory models' managers, each held to the plain ORM rule it stands for."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from assessments.models import HostScan, Scan
from fleet.models import Host, HostGroup, SshPolicy, Wave
from tests.builders import make_host

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def result_of(host: Host, finished) -> HostScan:
    scan = Scan.objects.create(status="finished")
    return HostScan.objects.create(scan=scan, host=host, status="done", finished=finished)


def with_latest(finished) -> Host:
    """A host whose latest result finished at `finished` (no latest result for "none")."""
    host = make_host()
    if finished != "none":
        latest = result_of(host, finished)
        Host.objects.filter(pk=host.pk).update(latest_scan=latest, verdict="ready")
    return host


@pytest.mark.parametrize(
    "latest_finished",
    ["none", None, NOW - timedelta(minutes=1), NOW, NOW + timedelta(minutes=1)],
    ids=["no-latest", "latest-unfinished", "latest-older", "latest-same-time", "latest-newer"],
)
def test_make_latest_agrees_with_the_orm_rule(latest_finished, django_assert_num_queries):
    host = with_latest(latest_finished)
    candidate = result_of(host, NOW)
    takes = Host.objects.filter(pk=host.pk).exclude(latest_scan__finished__gt=NOW).exists()
    before = Host.objects.values_list("latest_scan_id", "verdict").get(pk=host.pk)
    with django_assert_num_queries(1):
        taken = Host.objects.make_latest(host.pk, candidate.pk, "not_ready", NOW)
    host.refresh_from_db()
    assert taken is takes
    if takes:
        assert (host.latest_scan_id, host.verdict, host.last_scanned) == (
            candidate.pk,
            "not_ready",
            NOW,
        )
    else:
        assert (host.latest_scan_id, host.verdict) == before
    assert takes is (latest_finished in ("none", None) or latest_finished <= NOW)


def test_make_latest_replacing_a_result_takes_only_while_that_result_is_the_latest():
    host = with_latest(NOW - timedelta(hours=1))
    judged_again = Host.objects.get(pk=host.pk).latest_scan_id
    newer = result_of(host, NOW - timedelta(minutes=1))
    reassessed = result_of(host, NOW)
    make_latest = Host.objects.make_latest
    assert not make_latest(host.pk, reassessed.pk, "ready", NOW, replacing=newer.pk)
    assert make_latest(host.pk, reassessed.pk, "ready", NOW, replacing=judged_again)
    host.refresh_from_db()
    assert host.latest_scan_id == reassessed.pk


def ssh_policy_by_the_orm(host: Host) -> SshPolicy:
    return SshPolicy(
        trust_first_host_key=host.groups.filter(trust_first_host_key=True).exists(),
        allow_legacy_ssh=host.allow_legacy_ssh
        or host.groups.filter(allow_legacy_ssh=True).exists(),
    )


GROUP_FLAGS = [
    (False, []),
    (True, []),
    (False, [(True, False)]),
    (False, [(False, True)]),
    (False, [(False, False)]),
    (True, [(False, False), (True, True)]),
    (False, [(True, False), (False, True), (False, False)]),
]


def test_ssh_policies_agree_with_the_orm_rule_for_many_hosts_in_one_query(
    django_assert_num_queries,
):
    hosts = []
    for number, (host_legacy, groups) in enumerate(GROUP_FLAGS):
        host = make_host(allow_legacy_ssh=host_legacy)
        for flags in groups:
            trust, legacy = flags
            group = HostGroup.objects.get_or_create(
                name=f"trust={trust} legacy={legacy}",
                defaults={"trust_first_host_key": trust, "allow_legacy_ssh": legacy},
            )[0]
            host.groups.add(group)
        hosts.append(host)
    with django_assert_num_queries(1):
        policies = Host.objects.ssh_policies(h.pk for h in hosts)
    assert policies == {h.pk: ssh_policy_by_the_orm(h) for h in hosts}
    assert {p.trust_first_host_key for p in policies.values()} == {True, False}
    assert {p.allow_legacy_ssh for p in policies.values()} == {True, False}


def test_ssh_policies_ignore_groups_the_host_is_not_in():
    host, other = make_host(), make_host()
    other.groups.add(HostGroup.objects.create(name="g", trust_first_host_key=True))
    assert Host.objects.ssh_policies([host.pk]) == {host.pk: SshPolicy()}
    assert Host.objects.ssh_policies([]) == {}


def test_a_host_reads_its_own_policy():
    host = make_host(groups=["web"])
    HostGroup.objects.filter(name="web").update(trust_first_host_key=True)
    assert host.trusts_first_host_key() and not host.legacy_ssh_allowed()


def test_a_wave_name_is_unique() -> None:
    Wave.objects.create(name="wave-1")
    with pytest.raises(IntegrityError):
        Wave.objects.create(name="wave-1")


def test_deleting_a_wave_leaves_its_hosts_in_no_wave() -> None:
    wave = Wave.objects.create(name="wave-1")
    host = make_host(wave=wave)
    assert list(wave.hosts.all()) == [host]
    wave.delete()
    host.refresh_from_db()
    assert host.wave is None
