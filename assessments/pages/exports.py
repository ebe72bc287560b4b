"""The CSV of blockers (design.md): one row per (host, finding) of the hosts' latest scans.

The web export and `manage.py export_blockers` both write `blocker_rows()` through
`csv_lines()`: rows come from the database in chunks and leave as text immediately, so memory
stays flat however large the fleet.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from assessments.checks.base import Severity
from assessments.checks.restrictions import BY_ID
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
CHUNK = 2000
# A spreadsheet evaluates a cell that starts with one of these as a formula (or DDE).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_PREFIXES)


def neutralise(value: str) -> str:
    """`value` made inert for spreadsheets: a leading formula character gets a `'` in front."""
    return "'" + value if value[:1] in _FIRST else value


def _groups_by_host(hosts: QuerySet[Host]) -> dict[int, str]:
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


def blocker_rows(hosts: QuerySet[Host], include_warnings: bool = False) -> Iterator[list[str]]:
    """Rows (without header) for the findings of `hosts`' latest scans, blockers first."""
    severities = [Severity.BLOCKER, Severity.WARNING] if include_warnings else [Severity.BLOCKER]
    groups = _groups_by_host(hosts)
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
    for host_id, name, address, os_family, *judged, waived, finished in findings.iterator(
        chunk_size=CHUNK
    ):
        cells = [name, address, os_family, groups.get(host_id, ""), *judged]
        row = ["'" + cell if cell[:1] in _FIRST else cell for cell in cells]
        # Ours, never user text: no formula can start them.
        row += ["true" if waived else "false", finished.isoformat() if finished else ""]
        restriction = BY_ID.get(judged[1])
        row.append("true" if restriction is not None and restriction.beyond_document else "false")
        yield row


class _Line:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]], bom: bool = True) -> Iterator[str]:
    """The CSV text, line by line: an optional BOM, the header, then `rows`."""
    writer = csv.writer(_Line())
    yield (BOM if bom else "") + writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(row)
