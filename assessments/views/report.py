"""The printable readiness report: the filtered hosts' numbers and every blocker, for paper."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assessments.pages import queries, report
from assessments.scanning import ruleset
from assessments.scanning.waivers import expire_waivers
from assessments.views.common import hosts_for
from fleet.lib.roles import VIEWER, role_required


@role_required(VIEWER)
def readiness_report(request: HttpRequest) -> HttpResponse:
    expire_waivers()
    filterset, hosts, querystring = hosts_for(request)
    counts = queries.verdict_counts(hosts)
    document, beyond = report.restriction_rows(hosts)
    judged, unjudged = report.host_sections(hosts)
    context = {
        "filter": filterset,
        "querystring": querystring,
        "title_words": report.filter_words(filterset),
        "generated": timezone.now(),
        "ruleset": ruleset.current(),
        "scan_dates": report.scan_dates(hosts),
        "counts": counts,
        "total": sum(counts.values()),
        "by_os": queries.verdicts_by(hosts, "os_family"),
        "by_group": queries.verdicts_by_group(hosts),
        "restrictions": document,
        "beyond": beyond,
        "judged": judged,
        "unjudged": unjudged,
    }
    return render(request, "assessments/report.html", context)
