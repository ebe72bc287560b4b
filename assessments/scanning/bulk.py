"""Bulk actions on a set of hosts: the hosts list's selection, or any caller's queryset.

Each action takes a Host queryset and its parameters, changes what it says with a few bulk
queries (never one query per host: 10,000 hosts cost what 3 do), and returns a `Result`
whose message says what changed and what already was so. The views only parse the request,
confirm and show the message; an API can call the same functions.
"""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.choices import HostScanStatus, ScanTrigger
from assessments.engine import verdict
from assessments.models import Capture, Finding, Scan, Waiver
from assessments.scanning.scans import MAX_NAMED, QueueUnavailable, SelectionError, start_scan
from assessments.scanning.waivers import create_waivers
from fleet.models import Host, HostGroup, Tag, TargetNode, Wave

__all__ = ["MAX_NAMED"]  # defined with the scans (scans.MAX_NAMED); views import it from here


class BulkError(ValueError):
    """An action that cannot run as asked (nothing selected, too many hosts, bad values)."""


@dataclass
class Result:
    """What an action changed, in words, and the scan it started, if any."""

    message: str
    changed: int
    unchanged: int = 0
    scan: Scan | None = None
    # Set when something was saved but not fully done (the queue did not answer).
    warning: str = ""


def hosts_noun(count: int) -> str:
    return f"{count} host{'' if count == 1 else 's'}"


def _selected(hosts: QuerySet[Host]) -> tuple[QuerySet[Host], int]:
    """The selection as a plain Host queryset (a subquery, never a list of ids: 10,000 ids
    make slow queries and pass SQLite's limit of variables) and its size; none is an error."""
    total = hosts.count()
    if not total:
        raise BulkError("Nothing changed: no host selected.")
    return Host.objects.filter(pk__in=hosts.order_by().values("pk")), total


def _names(hosts: QuerySet[Host], what: str) -> list[str]:
    names = list(hosts.order_by("name").values_list("name", flat=True)[: MAX_NAMED + 1])
    if not names:
        raise BulkError(f"No {what} started: no host selected.")
    if len(names) > MAX_NAMED:
        raise BulkError(
            f"No {what} started: more than {MAX_NAMED} hosts. Scan their groups or all hosts "
            "from the Scans page instead."
        )
    return names


def _start(names: list[str], user: Any, trigger: str) -> tuple[Scan, str]:
    """A scan (or re-assessment) of these hosts, and the queue's warning if it is down."""
    try:
        return start_scan({"hosts": names}, user=user, trigger=trigger), ""
    except QueueUnavailable as exc:
        return exc.scan, exc.notice
    except SelectionError as exc:  # a host renamed or deleted meanwhile
        raise BulkError(f"Nothing started: {exc}") from exc


def rescan(hosts: QuerySet[Host], user: Any = None) -> Result:
    """One scan of the selected hosts (disabled hosts are skipped, as by every scan)."""
    names = _names(hosts, "scan")
    scan, warning = _start(names, user, ScanTrigger.MANUAL)
    scanned = scan.host_scans.count()
    message = f"Scan #{scan.pk} of {hosts_noun(scanned)} started"
    if scanned < len(names):
        message += f"; {len(names) - scanned} disabled, skipped"
    message += "."
    return Result(message, scanned, len(names) - scanned, scan=scan, warning=warning)


def reassess(hosts: QuerySet[Host], user: Any = None) -> Result:
    """One re-assessment of the selected hosts' stored captures (no host is contacted)."""
    names = _names(hosts, "re-assessment")
    scan, warning = _start(names, user, ScanTrigger.REASSESS)
    judged = scan.host_scans.count()
    message = f"Re-assessment #{scan.pk} of {hosts_noun(judged)} started."
    return Result(message, judged, len(names) - judged, scan=scan, warning=warning)


def with_capture(hosts: QuerySet[Host]) -> QuerySet[Host]:
    """The enabled hosts among `hosts` with a stored capture to judge again."""
    stored = Capture.objects.filter(
        host_scan__host_id=OuterRef("pk"), host_scan__status=HostScanStatus.DONE
    ).exclude(host_scan__finished=None)
    return hosts.filter(Exists(stored), enabled=True)


def assign_destination(
    hosts: QuerySet[Host], target: TargetNode | None, user: Any = None
) -> Result:
    """Set the destination of the selected hosts; the hosts it changed are judged again from
    their stored captures in ONE re-assessment (a job, not one inline run per host)."""
    selected, total = _selected(hosts)
    moved = selected.exclude(target=target)
    # Read before the UPDATE, after which every host is "already there".
    judged = list(with_capture(moved).order_by("name").values_list("name", flat=True))
    count = moved.update(target=target, updated=timezone.now())
    where = f"to {target}" if target is not None else "to no destination"
    message = f"Assigned {hosts_noun(count)} {where}"
    if total > count:
        message += f"; {total - count} already there"
    result = Result(message + ".", count, total - count)
    if count:
        _rejudge(result, judged, user)
    return result


def _rejudge(result: Result, names: list[str], user: Any) -> None:
    if not names:
        result.message += " None has a stored capture to judge it against: the next scan will."
        return
    if len(names) > MAX_NAMED:
        result.message += f" Re-assess them from the Scans page: more than {MAX_NAMED}."
        return
    result.scan, result.warning = _start(names, user, ScanTrigger.REASSESS)
    result.message += (
        f" Re-judging {hosts_noun(len(names))} from their stored captures "
        f"(re-assessment #{result.scan.pk})."
    )


def add_tag(hosts: QuerySet[Host], name: str) -> Result:
    """Tag the selected hosts with `name` (a new tag is created)."""
    name = name.strip()
    if not name:
        raise BulkError("Nothing changed: give the tag a name.")
    tag = Tag.objects.get_or_create(name=name)[0]
    return _link(hosts, Host.tags.through, "tag_id", tag.pk, f"Tagged {{n}} with {tag}")


def remove_tag(hosts: QuerySet[Host], name: str) -> Result:
    tag = Tag.objects.filter(name=name.strip()).first()
    if tag is None:
        raise BulkError(f"Nothing changed: there is no tag named {name.strip()!r}.")
    return _unlink(hosts, Host.tags.through, "tag_id", tag.pk, f"Removed tag {tag} from {{n}}")


def add_group(hosts: QuerySet[Host], group: HostGroup) -> Result:
    """Add the selected hosts to an existing group (its SSH policies then apply to them)."""
    return _link(hosts, Host.groups.through, "hostgroup_id", group.pk, f"Added {{n}} to {group}")


def remove_group(hosts: QuerySet[Host], group: HostGroup) -> Result:
    text = f"Removed {{n}} from {group}"
    return _unlink(hosts, Host.groups.through, "hostgroup_id", group.pk, text)


def _link(hosts: QuerySet[Host], through: Any, column: str, value: int, text: str) -> Result:
    selected, total = _selected(hosts)
    linked = through.objects.filter(**{column: value}).values("host_id")
    new = list(selected.exclude(pk__in=linked).values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(host_id=pk, **{column: value}) for pk in new], ignore_conflicts=True
    )
    message = text.format(n=hosts_noun(len(new)))
    if total > len(new):
        message += f"; {total - len(new)} already had it"
    return Result(message + ".", len(new), total - len(new))


def _unlink(hosts: QuerySet[Host], through: Any, column: str, value: int, text: str) -> Result:
    selected, total = _selected(hosts)
    links = through.objects.filter(host_id__in=selected.values("pk"), **{column: value})
    removed, _ = links.delete()
    message = text.format(n=hosts_noun(removed))
    if total > removed:
        message += f"; {total - removed} did not have it"
    return Result(message + ".", removed, total - removed)


def set_wave(hosts: QuerySet[Host], wave: Wave | None) -> Result:
    """Put the selected hosts in `wave`, or (None) take them out of their wave."""
    selected, total = _selected(hosts)
    count = selected.exclude(wave=wave).update(wave=wave, updated=timezone.now())
    if wave is None:
        message = f"Took {hosts_noun(count)} out of their wave"
        rest = "were in none"
    else:
        message = f"Put {hosts_noun(count)} in wave {wave}"
        rest = "already there"
    if total > count:
        message += f"; {total - count} {rest}"
    return Result(message + ".", count, total - count)


def waive(
    hosts: QuerySet[Host],
    restriction: str,
    *,
    reason: str,
    owner: str,
    expires: datetime.date | None = None,
    user: Any = None,
) -> Result:
    """Waive every finding of `restriction` (other than pass) in the selected hosts' latest
    scans with one reason, owner and expiry: one waiver per (host, check) with its `created`
    event (`waivers.create_waivers`, the writer for one waiver too), and the hosts' verdicts
    recomputed as `refresh_host_verdict` does, in bulk (a few queries for 10,000 hosts, not
    ten a waiver). Findings already waived are left alone."""
    if expires is not None and expires < timezone.localdate():
        raise BulkError("Nothing waived: the expiry date is in the past.")
    selected, total = _selected(hosts)
    findings = set(_latest_findings(selected, restriction))
    waived = set(
        Waiver.objects.filter(
            host_id__in=selected.values("pk"), active=True, restriction=restriction
        ).values_list("host_id", "check_id")
    )
    todo = sorted(findings - waived)
    on_hosts = {host_id for host_id, _ in todo}
    try:
        with transaction.atomic():
            create_waivers(
                todo, restriction, reason=reason, owner=owner, expires=expires, user=user
            )
            _refresh_verdicts(on_hosts, todo)
    except IntegrityError as exc:  # one waiver in force per host and check
        raise BulkError("Nothing waived: some were waived meanwhile; try again.") from exc
    with_findings = {host_id for host_id, _ in findings}
    findings_noun = f"{len(todo)} finding{'' if len(todo) == 1 else 's'}"
    message = f"Waived `{restriction}` on {hosts_noun(len(on_hosts))} ({findings_noun})"
    if already := len(with_findings - on_hosts):
        message += f"; {already} already waived"
    if none := total - len(with_findings):
        message += f"; {none} with no such finding in their latest scan"
    return Result(message + ".", len(on_hosts), total - len(on_hosts))


def _latest_findings(selected: QuerySet[Host], restriction: str) -> list[tuple[int, str]]:
    """(host id, check id) of the findings of `restriction`, other than pass, in the latest
    scans of these hosts."""
    return list(
        Finding.objects.filter(
            host_scan_id__in=selected.values("latest_scan_id"), restriction=restriction
        )
        .exclude(severity=Severity.PASS)
        .values_list("host_id", "check_id")
        .distinct()
    )


def _refresh_verdicts(host_ids: set[int], todo: list[tuple[int, str]]) -> None:
    """`refresh_host_verdict` for hosts that just gained waivers, in bulk: mark those checks'
    findings of the latest scans waived, then recompute each host's verdict from them."""
    if not host_ids:
        return
    latest = Host.objects.filter(pk__in=host_ids).values("latest_scan_id")
    by_check: dict[str, list[int]] = {}
    for host_id, check_id in todo:
        by_check.setdefault(check_id, []).append(host_id)
    newly = reduce(operator.or_, (Q(check_id=c, host_id__in=h) for c, h in by_check.items()))
    Finding.objects.filter(newly, host_scan_id__in=latest).exclude(waived=True).update(waived=True)
    found: dict[int, list[tuple[str, bool]]] = {pk: [] for pk in host_ids}
    rows = Finding.objects.filter(host_scan_id__in=latest).values_list(
        "host_id", "severity", "waived"
    )
    for host_id, severity, is_waived in rows:
        found[host_id].append((severity, is_waived))
    statuses = dict(Host.objects.filter(pk__in=host_ids).values_list("pk", "latest_scan__status"))
    verdicts: dict[str, list[int]] = {}
    for host_id, pairs in found.items():
        judged = verdict(pairs, scanned=statuses[host_id] == HostScanStatus.DONE)
        verdicts.setdefault(judged, []).append(host_id)
    for judged, ids in verdicts.items():  # one UPDATE per verdict, at most six
        Host.objects.filter(pk__in=ids).update(verdict=judged)
