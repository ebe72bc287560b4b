"""The printable readiness report (design.md: `/report/?<filters>`): its data, in a fixed
number of queries however many hosts the filters select."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, QuerySet

from assessments.checks.base import Severity
from assessments.checks.restrictions import RESTRICTION_NAMES, RESTRICTIONS
from assessments.filtersets import AGE_CHOICES, HostFilterSet
from assessments.models import Waiver
from assessments.pages import queries
from assessments.pages.exports import unjudged_hosts, why_no_result
from fleet.choices import OsFamily, Verdict
from fleet.models import Host

# Severities the report lists finding by finding: an unknown may hide a blocker.
LISTED = [Severity.BLOCKER, Severity.UNKNOWN]
SEVERITY_WORDS = {"blocker": "blockers", "warning": "warnings", "info": "info", "pass": "passes"}


@dataclass
class HostSection:
    """One host of the report with its listed findings (each a dict) or why it has none."""

    pk: int
    name: str
    address: str
    os_family: str
    verdict: str
    scanned_at: datetime.datetime | None
    findings: list[dict[str, Any]] = field(default_factory=list)


def filter_words(filterset: HostFilterSet) -> str:
    """The filters in words, in the order of the form: `Group web, Linux`; `All hosts`."""
    if filterset.errors:
        return "Invalid filter"
    data = filterset.form.cleaned_data
    words = []
    if data.get("q"):
        words.append(f"Search “{data['q']}”")
    if data.get("group"):
        words.append(f"Group {data['group'].name}")
    if data.get("tag"):
        words.append(f"Tag {data['tag'].name}")
    if data.get("os_family"):
        words.append(str(OsFamily(data["os_family"]).label))
    if data.get("verdict"):
        words.append(str(Verdict(data["verdict"]).label))
    restriction, severity = data.get("restriction"), data.get("severity")
    if restriction or severity:
        what = SEVERITY_WORDS.get(severity, severity) if severity else "findings"
        where = f" in {RESTRICTION_NAMES.get(restriction, restriction)}" if restriction else ""
        words.append(f"with {what}{where}")
    destination = data.get("destination")
    if destination == "null":
        words.append("No destination")
    elif destination:
        words.append(f"Destination {destination}")
    if data.get("wave"):
        words.append(f"Wave {data['wave'].name}")
    if data.get("age"):
        words.append(dict(AGE_CHOICES)[data["age"]])
    return ", ".join(words) or "All hosts"


def scan_dates(hosts: QuerySet[Host]) -> dict[str, datetime.datetime | None]:
    """The first and last finish time of the hosts' latest scans."""
    return hosts.filter(latest_scan__isnull=False).aggregate(
        first=Min("latest_scan__finished"), last=Max("latest_scan__finished")
    )


def restriction_rows(hosts: QuerySet[Host]) -> tuple[list[Any], list[Any]]:
    """(document, beyond): (restriction, its counts) per class, as the overview's tables."""
    counts = queries.restriction_counts(hosts)
    empty = {"blocker": 0, "warning": 0, "waived": 0}
    document = [(r, counts.get(r.id, empty)) for r in RESTRICTIONS if not r.beyond_document]
    beyond = [(r, counts.get(r.id, empty)) for r in RESTRICTIONS if r.beyond_document]
    return document, beyond


def host_sections(hosts: QuerySet[Host]) -> tuple[list[HostSection], list[HostSection]]:
    """(judged, unjudged): hosts with a blocker or unknown finding in their latest scan, each
    with those findings (waived ones with the waiver's reason); hosts never scanned or whose
    latest scan did not finish, each with one pseudo-finding saying why."""
    rows = (
        queries.latest_findings(hosts)
        .filter(severity__in=LISTED)
        .order_by("host__name", "host_id", "restriction", "check_id")
        .values(
            "host_id",
            "host__name",
            "host__address",
            "host__os_family",
            "host__verdict",
            "host_scan__finished",
            "restriction",
            "check_id",
            "severity",
            "title",
            "evidence",
            "remediation",
            "waived",
        )
    )
    reasons = {
        (host_id, check_id): reason
        for host_id, check_id, reason in Waiver.objects.filter(
            active=True, host_id__in=hosts.values("pk")
        ).values_list("host_id", "check_id", "reason")
    }
    judged: dict[int, HostSection] = {}
    beyond = {r.id for r in RESTRICTIONS if r.beyond_document}
    for found in rows:
        row: dict[str, Any] = dict(found)
        section = judged.get(row["host_id"])
        if section is None:
            section = judged[row["host_id"]] = HostSection(
                row["host_id"],
                row["host__name"],
                row["host__address"],
                row["host__os_family"],
                row["host__verdict"],
                row["host_scan__finished"],
            )
        row["waiver_reason"] = reasons.get((row["host_id"], row["check_id"]), "")
        row["beyond_document"] = row["restriction"] in beyond
        section.findings.append(row)
    unjudged = []
    for values in unjudged_hosts(hosts):
        cells: tuple[Any, ...] = tuple(values)
        pk, name, address, os_family, verdict, status, error, detail, finished = cells
        title, evidence, remediation = why_no_result(status, error or "", detail or "")
        section = HostSection(pk, name, address, os_family, verdict, finished)
        section.findings.append({"title": title, "evidence": evidence, "remediation": remediation})
        unjudged.append(section)
    return list(judged.values()), unjudged
