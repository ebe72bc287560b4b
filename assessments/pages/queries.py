"""Aggregates for the fleet pages, each over a (filtered) Host queryset, each one query.

"Latest" always means the host's denormalised `latest_scan`: findings of older scans never
count, so a fixed blocker disappears from the dashboards as soon as the re-scan lands.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.choices import HostScanStatus
from assessments.models import Finding, HostScan
from assessments.scanning import ruleset
from fleet.choices import Verdict
from fleet.models import Host, Wave

VERDICT_ORDER = [
    Verdict.NOT_READY,
    Verdict.UNKNOWN,
    Verdict.WAIVED,
    Verdict.CONDITIONAL,
    Verdict.READY,
    Verdict.NEVER,
]
# The verdicts a scan can end with (every one but never scanned).
SCANNED_VERDICTS = [v for v in VERDICT_ORDER if v != Verdict.NEVER]
STALE_DAYS = 30


def latest_findings(hosts: QuerySet[Host]) -> QuerySet[Finding]:
    """Findings of the latest scan of each host in `hosts`."""
    # A semi-join on the scan ids: PostgreSQL hashes the hosts' latest scans once, instead
    # of joining every finding to its host and comparing two columns (badly estimated).
    latest = hosts.filter(latest_scan__isnull=False).order_by().values("latest_scan_id")
    return Finding.objects.filter(host_scan_id__in=latest)


def verdict_counts(hosts: QuerySet[Host]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(VERDICT_ORDER, 0)
    for row in hosts.order_by().values("verdict").annotate(n=Count("pk")):
        counts[row["verdict"]] = row["n"]
    return counts


def restriction_counts(hosts: QuerySet[Host]) -> dict[str, dict[str, int]]:
    """Per restriction class: hosts with an unwaived blocker, a warning, a waived finding."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"blocker": 0, "warning": 0, "waived": 0})
    pairs = (
        latest_findings(hosts)
        .filter(severity__in=[Severity.BLOCKER, Severity.WARNING])
        .order_by()
        .values("restriction", "severity", "waived", "host_id")
        .distinct()
    )
    # DISTINCT then GROUP BY hashes twice; COUNT(DISTINCT) would sort 100,000 rows on disk.
    sql, params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.restriction, t.severity, t.waived, COUNT(*) "  # noqa: S608 (our own SQL)
            f"FROM ({sql}) t GROUP BY t.restriction, t.severity, t.waived",
            params,
        )
        for restriction, severity, waived, count in cursor.fetchall():
            out[restriction]["waived" if waived else severity] += count
    return dict(out)


def verdicts_by(hosts: QuerySet[Host], field: str) -> dict[str, dict[str, int]]:
    """Per value of `field` (e.g. `os_family`): hosts per verdict."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(VERDICT_ORDER, 0))
    for row in hosts.order_by().values(field, "verdict").annotate(n=Count("pk")):
        out[row[field] or "—"][row["verdict"]] = row["n"]
    return dict(sorted(out.items()))


def verdicts_by_group(hosts: QuerySet[Host]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(VERDICT_ORDER, 0))
    rows = (
        Host.groups.through.objects.filter(host_id__in=hosts.values("pk"))
        .order_by()
        .values("hostgroup__name", "host__verdict")
        .annotate(n=Count("host_id"))
    )
    for row in rows:
        out[row["hostgroup__name"]][row["host__verdict"]] = row["n"]
    return dict(sorted(out.items()))


def verdicts_over_time(hosts: QuerySet[Host], days: int = 90) -> dict[str, dict[str, int]]:
    """Per day (ISO date): hosts per verdict among the host scans finished that day."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        HostScan.objects.filter(
            host_id__in=hosts.values("pk"),
            finished__gte=since,
            status__in=[HostScanStatus.DONE, HostScanStatus.FAILED],
        )
        .annotate(day=TruncDate("finished"))
        .order_by()
        .values("day", "verdict")
        .annotate(n=Count("host_id", distinct=True))
    )
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SCANNED_VERDICTS, 0))
    for row in rows:
        out[row["day"].isoformat()][row["verdict"] or Verdict.UNKNOWN] += row["n"]
    return dict(sorted(out.items()))


def most_blocked(hosts: QuerySet[Host], limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        latest_findings(hosts)
        .filter(severity=Severity.BLOCKER, waived=False)
        .order_by()
        .values("host_id", "host__name", "host__verdict")
        .annotate(n=Count("pk"))
        .order_by("-n", "host__name")[:limit]
    )
    return [dict(row) for row in rows]


def judged_by_older_ruleset(hosts: QuerySet[Host]) -> QuerySet[Host]:
    """Enabled hosts whose latest result is a finished judgement by another ruleset than the
    current one: what a re-assessment of their stored captures would bring up to date."""
    return hosts.filter(enabled=True, latest_scan__status=HostScanStatus.DONE).exclude(
        latest_scan__ruleset=ruleset.current()
    )


def stale_hosts(hosts: QuerySet[Host], days: int = STALE_DAYS, limit: int = 20) -> QuerySet[Host]:
    """Hosts never scanned or last scanned more than `days` ago, the oldest first."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return hosts.filter(Q(last_scanned__isnull=True) | Q(last_scanned__lt=cutoff)).order_by(
        F("last_scanned").asc(nulls_first=True), "name"
    )[:limit]


def _count_of(severity: str) -> Subquery:
    # COUNT(*), not COUNT(id): the covering index then answers alone (an index-only scan per
    # host); counting ids read each row from the table: 10,000 hosts sorted by blockers took
    # 700 ms instead of 80 (bench/api_10k.py).
    return Subquery(
        Finding.objects.filter(
            host_scan_id=OuterRef("latest_scan_id"), severity=severity, waived=False
        )
        .order_by()
        .values("host_scan_id")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )


def attach_counts(hosts: list[Host]) -> None:
    """Set `blockers` and `warnings` (unwaived, latest scan) on each of a page of hosts."""
    by_scan: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Finding.objects.filter(
            host_scan_id__in=[h.latest_scan_id for h in hosts if h.latest_scan_id],
            severity__in=[Severity.BLOCKER, Severity.WARNING],
            waived=False,
        )
        .order_by()
        .values_list("host_scan_id", "severity")
        .annotate(n=Count("pk"))
    )
    for scan_id, severity, count in rows:
        by_scan[scan_id][severity] = count
    for host in hosts:
        counts = by_scan.get(host.latest_scan_id or 0, {})
        host.blockers = counts.get(Severity.BLOCKER, 0)  # type: ignore[attr-defined]
        host.warnings = counts.get(Severity.WARNING, 0)  # type: ignore[attr-defined]


def with_counts(hosts: QuerySet[Host]) -> QuerySet[Host]:
    """Hosts annotated with unwaived blockers and warnings of their latest scan."""
    return hosts.annotate(
        blockers=Coalesce(_count_of(Severity.BLOCKER), Value(0)),
        warnings=Coalesce(_count_of(Severity.WARNING), Value(0)),
    )


def waves_with_counts() -> QuerySet[Wave]:
    """Every wave with `host_count` and `v_<verdict>` (its hosts per verdict), one query."""
    counts = {f"v_{v}": Count("hosts", filter=Q(hosts__verdict=v)) for v in VERDICT_ORDER}
    return Wave.objects.annotate(host_count=Count("hosts"), **counts)
