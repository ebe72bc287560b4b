"""The hosts table exports (design.md): one row per host with its verdict, destination and the
worst severity per restriction class, as CSV (streamed) or XLSX (summary, hosts, findings).

The web exports and `manage.py export_hosts` both use `host_rows()`. Its queries are fixed in
number (groups, hosts, findings: each read in chunks, two streams merged on the host order),
so the cost does not grow in queries with the fleet.
"""

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from assessments.checks.base import Severity
from assessments.checks.restrictions import RESTRICTIONS
from assessments.choices import HostScanStatus
from assessments.pages.exports import (
    CHUNK,
    blocker_rows,
    groups_by_host,
    neutralise,
    why_no_result,
)
from assessments.pages.exports import HEADER as FINDINGS_HEADER
from assessments.pages.queries import VERDICT_ORDER, latest_findings, verdict_counts
from fleet.choices import Verdict
from fleet.models import Host

RESTRICTION_IDS = [r.id for r in RESTRICTIONS]
HEADER = [
    "host",
    "address",
    "os_family",
    "groups",
    "verdict",
    "destination",
    "wave",
    *RESTRICTION_IDS,
    "reason",
]
BOM = "\ufeff"
WAIVED = "waived"
# Worst first. A waived finding counts below any unwaived blocker, unknown or warning.
_RANK = {
    Severity.BLOCKER: 0,
    Severity.UNKNOWN: 1,
    Severity.WARNING: 2,
    WAIVED: 3,
    Severity.INFO: 4,
    Severity.PASS: 5,
}
VERDICT_LABELS: dict[str, str] = dict(Verdict.choices)


def _worse(current: str, severity: str) -> str:
    if not current:
        return severity
    return severity if _RANK.get(severity, 9) < _RANK.get(current, 9) else current


def host_rows(hosts: QuerySet[Host]) -> Iterator[list[str]]:
    """Rows (without header) of `hosts` by host name, in HEADER's columns."""
    groups = groups_by_host(hosts)
    listed = (
        hosts.order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "address",
            "os_family",
            "verdict",
            "target__name",
            "wave__name",
            "latest_scan__status",
            "latest_scan__error_class",
            "latest_scan__error_detail",
        )
        .iterator(chunk_size=CHUNK)
    )
    # The same order as the hosts: each host's findings follow one another.
    findings = iter(
        latest_findings(hosts)
        .order_by("host__name", "host_id", "restriction", "check_id")
        .values_list("host_id", "restriction", "severity", "waived", "title")
        .iterator(chunk_size=CHUNK)
    )
    pending = next(findings, None)
    for host_id, name, address, os_family, verdict, target, wave, *last in listed:
        status, error, detail = last
        worst: dict[str, str] = {}
        unknown_titles: list[str] = []
        while pending is not None and pending[0] == host_id:
            _, restriction, severity, waived, title = pending
            level = WAIVED if waived and severity != Severity.PASS else severity
            worst[restriction] = _worse(worst.get(restriction, ""), level)
            if severity == Severity.UNKNOWN and not waived:
                unknown_titles.append(title)
            pending = next(findings, None)
        reason = ""
        if status != HostScanStatus.DONE:
            title, evidence, _ = why_no_result(status, error or "", detail or "")
            reason = title if status is None else f"{title}: {evidence}"
        elif verdict == Verdict.UNKNOWN:
            reason = "; ".join(unknown_titles)
        cells = [
            name,
            address,
            os_family,
            groups.get(host_id, ""),
            verdict,
            target or "",
            wave or "",
        ]
        cells += [worst.get(r, "") for r in RESTRICTION_IDS]
        cells.append(reason)
        yield [neutralise(cell) for cell in cells]


def _cell(value: Any) -> Any:
    # An empty text is no cell at all (openpyxl skips None): a third of the cells, and a
    # spreadsheet reads both as blank. Raw probe output may hold control characters that XML
    # (and openpyxl) refuse.
    if value == "":
        return None
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _sheet(book: Any, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    # A write-only sheet streams its rows to a temporary file: the header row is frozen
    # before the first row goes out, the filter (written after the rows) spans them all.
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(cell) for cell in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"


def write_xlsx(hosts: QuerySet[Host], output: BinaryIO) -> None:
    """The workbook into `output`: Summary (hosts per verdict, as the overview counts them),
    Hosts (the CSV's rows), Findings (the blockers CSV's rows, warnings included). Written
    row by row (openpyxl's write-only mode), so memory stays flat however large the fleet."""
    book = Workbook(write_only=True)
    counts = verdict_counts(hosts)
    summary = [[v.value, VERDICT_LABELS[v], counts.get(v, 0)] for v in VERDICT_ORDER]
    summary.append(["total", "All hosts", sum(counts.values())])
    _sheet(book, "Summary", ["verdict", "label", "hosts"], summary)
    _sheet(book, "Hosts", HEADER, host_rows(hosts))
    _sheet(book, "Findings", FINDINGS_HEADER, blocker_rows(hosts, include_warnings=True))
    book.save(output)


def xlsx_file(hosts: QuerySet[Host]) -> BinaryIO:
    """The workbook in a temporary file, at its start: for a response to stream (and close)
    rather than a workbook built in memory. The file is closed if writing fails."""
    workbook = tempfile.TemporaryFile()
    try:
        write_xlsx(hosts, workbook)
    except BaseException:
        workbook.close()
        raise
    workbook.seek(0)
    return workbook
