"""The CSV of blockers (design.md): one row per (host, finding) of the hosts' latest scans,
and one per host with no usable result (never scanned, failed), saying why.

The web export and `manage.py export_blockers` both write `blocker_rows()` through
`csv_lines()`: rows come from the database in chunks and leave as text immediately, so memory
stays flat however large the fleet.
"""

import csv
import datetime
import heapq
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.checks.restrictions import BY_ID
from assessments.choices import ErrorClass, HostScanStatus
from assessments.pages.queries import latest_findings
from fleet.models import Host

HEADER = [
    "host",
    "address",
    "os_family",
    "groups",
    "verdict",
    "restriction",
    "check",
    "severity",
    "title",
    "evidence",
    "remediation",
    "waived",
    "scanned_at",
    "beyond_document",  # the restriction class is beyond the Parallels document
]
BOM = "\ufeff"
Row = list[str]
CHUNK = 2000
# A spreadsheet evaluates a cell that starts with one of these as a formula (or DDE).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_PREFIXES)
# The words users see on the pages, not the stored values.
ERROR_LABELS: dict[str, str] = dict(ErrorClass.choices)
SCAN_STATUS_LABELS: dict[str, str] = dict(HostScanStatus.choices)


def neutralise(value: str) -> str:
    """`value` made inert for spreadsheets: a leading formula character gets a `'` in front."""
    return "'" + value if value[:1] in _FIRST else value


def groups_by_host(hosts: QuerySet[Host]) -> dict[int, str]:
    # One query and a small dict (host id -> "a;b"): cheaper than a join per finding.
    names: dict[int, list[str]] = defaultdict(list)
    rows = (
        Host.groups.through.objects.filter(host_id__in=hosts.values("pk"))
        .order_by("hostgroup__name")
        .values_list("host_id", "hostgroup__name")
    )
    for host_id, name in rows.iterator(chunk_size=CHUNK):
        names[host_id].append(name)
    return {host_id: ";".join(group) for host_id, group in names.items()}


def _stamp(when: datetime.datetime | None) -> str:
    """ISO 8601 to the second with the zone: 2026-12-03T22:10:05+00:00."""
    return when.isoformat(timespec="seconds") if when else ""


def why_no_result(status: str | None, error_class: str, detail: str) -> tuple[str, str, str]:
    """(title, evidence, remediation) of the one row of a host with no usable result."""
    if status is None:
        return "Never scanned", "never scanned", "Scan the host, or import an offline capture."
    if status == HostScanStatus.FAILED:
        evidence = f"{ERROR_LABELS.get(error_class, error_class)} ({error_class})"
        if not error_class:
            evidence = "error not recorded"
        if detail:
            evidence += f": {detail}"
        return "Latest scan failed", evidence, "Fix the cause and scan again, or collect offline."
    label = SCAN_STATUS_LABELS.get(status, status)
    return f"Latest scan {label.lower()}", f"scan {label.lower()}", "Scan the host again."


UNJUDGED_FIELDS = (
    "pk",
    "name",
    "address",
    "os_family",
    "verdict",
    "latest_scan__status",
    "latest_scan__error_class",
    "latest_scan__error_detail",
    "latest_scan__finished",
)


def unjudged_hosts(hosts: QuerySet[Host]) -> QuerySet[Host, tuple[Any, ...]]:
    """Hosts whose latest scan gave no findings to judge (never scanned, failed, cancelled),
    by name, as UNJUDGED_FIELDS tuples: the CSV and the report list each one with its reason
    (`why_no_result`), so a reader never takes a missing host for a fine one."""
    return (
        hosts.filter(Q(latest_scan__isnull=True) | ~Q(latest_scan__status=HostScanStatus.DONE))
        .order_by("name")
        .values_list(*UNJUDGED_FIELDS)
    )


def _unjudged_rows(hosts: QuerySet[Host], groups: dict[int, str]) -> Iterator[tuple[str, Row]]:
    unjudged = unjudged_hosts(hosts)
    for (
        host_id,
        name,
        address,
        os_family,
        verdict,
        status,
        error,
        detail,
        finished,
    ) in unjudged.iterator(chunk_size=CHUNK):
        title, evidence, remediation = why_no_result(status, error or "", detail or "")
        cells = [name, address, os_family, groups.get(host_id, ""), verdict]
        cells += ["", "", Severity.UNKNOWN, title, evidence, remediation]
        yield name, [neutralise(cell) for cell in cells] + ["false", _stamp(finished), "false"]


def _finding_rows(
    hosts: QuerySet[Host], groups: dict[int, str], severities: list[Severity]
) -> Iterator[tuple[str, Row]]:
    findings = (
        latest_findings(hosts)
        .filter(severity__in=severities)
        .order_by("host__name", "restriction", "check_id")
        .values_list(
            "host_id",
            "host__name",
            "host__address",
            "host__os_family",
            "host__verdict",
            "restriction",
            "check_id",
            "severity",
            "title",
            "evidence",
            "remediation",
            "waived",
            "host_scan__finished",
        )
    )
    for host_id, name, address, os_family, verdict, *judged, waived, finished in findings.iterator(
        chunk_size=CHUNK
    ):
        cells = [name, address, os_family, groups.get(host_id, ""), verdict]
        row = [neutralise(cell) for cell in cells + judged]
        # Ours, never user text: no formula can start them.
        row += ["true" if waived else "false", _stamp(finished)]
        restriction = BY_ID.get(judged[0])
        row.append("true" if restriction is not None and restriction.beyond_document else "false")
        yield name, row


def blocker_rows(hosts: QuerySet[Host], include_warnings: bool = False) -> Iterator[list[str]]:
    """Rows (without header) of `hosts` by host name: their latest scans' blockers and
    unknown findings (and warnings on request), and one row for each host with no usable
    result saying why (never scanned, the scan's error)."""
    severities = [Severity.BLOCKER, Severity.UNKNOWN]
    if include_warnings:
        severities.append(Severity.WARNING)
    groups = groups_by_host(hosts)
    # Both streams come sorted by host name (as the database sorts it): merged on that name.
    merged = heapq.merge(
        _unjudged_rows(hosts, groups), _finding_rows(hosts, groups, severities), key=itemgetter(0)
    )
    for _, row in merged:
        yield row


class _Line:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[list[str]], bom: bool = True, header: list[str] = HEADER
) -> Iterator[str]:
    """The CSV text, line by line: an optional BOM, `header`, then `rows`."""
    writer = csv.writer(_Line())
    yield (BOM if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def write_csv(rows: Iterable[Row], output: str | None, header: list[str] = HEADER) -> None:
    """The commands' CSV: to `output` with a BOM (as the web download), or to standard output
    without one."""
    if output:
        # newline="": the csv module already writes CRLF row ends.
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(csv_lines(rows, header=header))
    else:
        sys.stdout.writelines(csv_lines(rows, bom=False, header=header))


def attachment_name(name: str, extension: str) -> str:
    """The Content-Disposition of a download, the same for the pages and the API:
    `attachment; filename="p2c-<name>-<YYYYmmdd-HHMM>.<extension>"`."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return f'attachment; filename="p2c-{name}-{stamp}.{extension}"'
