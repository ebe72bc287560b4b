"""Bulk actions on a set of hosts: the hosts list's selection, or any caller's queryset.

Each action takes a Host queryset and its parameters, changes what it says with a few bulk
queries (never one query per host, except waivers, which go through `create_waiver` so each
keeps its audit trail), and returns a `Result` whose message says what changed and what
already was so. The views only parse the request, confirm and show the message; an API can
call the same functions.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.choices import HostScanStatus, ScanTrigger
from assessments.models import Capture, Finding, Scan, Waiver
from assessments.scanning.scans import QueueUnavailable, SelectionError, start_scan
from assessments.scanning.waivers import WaiverError, create_waiver
from fleet.models import Host, HostGroup, Tag, TargetNode, Wave

# A scan's selection stores host names; beyond this, scan groups or all hosts instead.
MAX_NAMED = 5000


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


def _ids(hosts: QuerySet[Host]) -> list[int]:
    return list(hosts.order_by().values_list("pk", flat=True))


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
    ids = _ids(hosts)
    if not ids:
        raise BulkError("Nothing changed: no host selected.")
    moved = Host.objects.filter(pk__in=ids).exclude(target=target)
    moved_ids = _ids(moved)
    Host.objects.filter(pk__in=moved_ids).update(target=target, updated=timezone.now())
    where = f"to {target}" if target is not None else "to no destination"
    message = f"Assigned {hosts_noun(len(moved_ids))} {where}"
    if len(ids) > len(moved_ids):
        message += f"; {len(ids) - len(moved_ids)} already there"
    result = Result(message + ".", len(moved_ids), len(ids) - len(moved_ids))
    if moved_ids:
        _rejudge(result, Host.objects.filter(pk__in=moved_ids), user)
    return result


def _rejudge(result: Result, moved: QuerySet[Host], user: Any) -> None:
    names = list(with_capture(moved).order_by("name").values_list("name", flat=True))
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
    ids = _ids(hosts)
    if not ids:
        raise BulkError("Nothing changed: no host selected.")
    had = set(
        through.objects.filter(host_id__in=ids, **{column: value}).values_list("host_id", flat=True)
    )
    new = [pk for pk in ids if pk not in had]
    through.objects.bulk_create(
        [through(host_id=pk, **{column: value}) for pk in new], ignore_conflicts=True
    )
    message = text.format(n=hosts_noun(len(new)))
    if had:
        message += f"; {len(had)} already had it"
    return Result(message + ".", len(new), len(had))


def _unlink(hosts: QuerySet[Host], through: Any, column: str, value: int, text: str) -> Result:
    ids = _ids(hosts)
    if not ids:
        raise BulkError("Nothing changed: no host selected.")
    removed, _ = through.objects.filter(host_id__in=ids, **{column: value}).delete()
    message = text.format(n=hosts_noun(removed))
    if len(ids) > removed:
        message += f"; {len(ids) - removed} did not have it"
    return Result(message + ".", removed, len(ids) - removed)


def set_wave(hosts: QuerySet[Host], wave: Wave | None) -> Result:
    """Put the selected hosts in `wave`, or (None) take them out of their wave."""
    ids = _ids(hosts)
    if not ids:
        raise BulkError("Nothing changed: no host selected.")
    changed = Host.objects.filter(pk__in=ids).exclude(wave=wave)
    count = changed.update(wave=wave, updated=timezone.now())
    if wave is None:
        message = f"Took {hosts_noun(count)} out of their wave"
        rest = "were in none"
    else:
        message = f"Put {hosts_noun(count)} in wave {wave}"
        rest = "already there"
    if len(ids) > count:
        message += f"; {len(ids) - count} {rest}"
    return Result(message + ".", count, len(ids) - count)


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
    scans, with one reason, owner and expiry: one waiver per (host, check), each with its
    audit event, through `create_waiver` (which refuses an expiry in the past)."""
    if expires is not None and expires < timezone.localdate():
        raise BulkError("Nothing waived: the expiry date is in the past.")
    ids = _ids(hosts)
    if not ids:
        raise BulkError("Nothing waived: no host selected.")
    findings = set(_latest_findings(ids, restriction))
    waived = set(
        Waiver.objects.filter(host_id__in=ids, active=True, restriction=restriction).values_list(
            "host_id", "check_id"
        )
    )
    todo = sorted(findings - waived)
    on_hosts = {host_id for host_id, _ in todo}
    by_pk = Host.objects.select_related("latest_scan").in_bulk(on_hosts)
    try:
        with transaction.atomic():
            for host_id, check_id in todo:
                create_waiver(
                    by_pk[host_id],
                    check_id,
                    restriction,
                    reason=reason,
                    owner=owner,
                    expires=expires,
                    user=user,
                )
    except WaiverError as exc:
        raise BulkError(f"Nothing waived: {exc}") from exc
    with_findings = {host_id for host_id, _ in findings}
    already = len({h for h, _ in findings & waived} - on_hosts)
    findings_noun = f"{len(todo)} finding{'' if len(todo) == 1 else 's'}"
    message = f"Waived `{restriction}` on {hosts_noun(len(on_hosts))} ({findings_noun})"
    if already:
        message += f"; {already} already waived"
    if none := len(ids) - len(with_findings):
        message += f"; {none} with no such finding in their latest scan"
    return Result(message + ".", len(on_hosts), len(ids) - len(on_hosts))


def _latest_findings(ids: list[int], restriction: str) -> list[tuple[int, str]]:
    """(host id, check id) of the findings of `restriction`, other than pass, in the latest
    scans of these hosts."""
    latest = Host.objects.filter(pk__in=ids).values("latest_scan_id")
    return list(
        Finding.objects.filter(host_scan_id__in=latest, restriction=restriction)
        .exclude(severity=Severity.PASS)
        .values_list("host_id", "check_id")
        .distinct()
    )
