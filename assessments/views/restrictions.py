"""One page per restriction class: what the document says, who is affected, what to do."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.checks import REGISTRY
from assessments.checks.base import Severity
from assessments.checks.restrictions import BY_ID, RESTRICTIONS
from assessments.pages import queries
from assessments.views.common import hosts_for
from fleet.lib.roles import VIEWER, role_required

SEVERITY_ORDER = [Severity.BLOCKER, Severity.WARNING, Severity.UNKNOWN, Severity.INFO]


def _os_name(os_family: str) -> str:
    return "Linux" if os_family == "linux" else "Windows"


@role_required(VIEWER)
def restriction_list(request: HttpRequest) -> HttpResponse:
    filterset, hosts, querystring = hosts_for(request)
    counts = queries.restriction_counts(hosts)
    rows = [
        {
            "id": r.id,
            "os": _os_name(r.os_family),
            "counts": counts.get(r.id, {}),
            "checks": [c for c in REGISTRY.values() if c.restriction == r.id],
            "beyond": r.beyond_document,
            "label": r.label,
        }
        for r in RESTRICTIONS
    ]
    groups = [
        ("From the Parallels document", [row for row in rows if not row["beyond"]]),
        ("Beyond the document", [row for row in rows if row["beyond"]]),
    ]
    return render(
        request,
        "assessments/restriction_list.html",
        {"groups": groups, "querystring": querystring, "filter": filterset},
    )


@role_required(VIEWER)
def restriction_detail(request: HttpRequest, restriction: str) -> HttpResponse:
    if restriction not in BY_ID:
        raise Http404("No such restriction class.")
    filterset, hosts, querystring = hosts_for(request)
    findings = queries.latest_findings(hosts).filter(restriction=restriction)
    severity = request.GET.get("severity")
    affected = findings.exclude(severity=Severity.PASS)
    if severity in set(Severity):
        affected = affected.filter(severity=severity)
    summary = {
        row["severity"]: row["n"]
        for row in findings.order_by()
        .values("severity")
        .annotate(n=Count("host_id", distinct=True))
    }
    rank = Case(
        *(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITY_ORDER)),
        default=Value(len(SEVERITY_ORDER)),
    )
    affected = affected.select_related("host").order_by(rank, "host__name", "check_id")
    page = Paginator(affected, 50).get_page(request.GET.get("page"))
    remediations = list(dict.fromkeys(f.remediation for f in page if f.remediation))[:6]
    context = {
        "restriction": restriction,
        "os": _os_name(BY_ID[restriction].os_family),
        "checks": [c for c in REGISTRY.values() if c.restriction == restriction],
        "summary": summary,
        "page": page,
        "remediations": remediations,
        "filter": filterset,
        "querystring": querystring,
    }
    return render(request, "assessments/restriction_detail.html", context)
