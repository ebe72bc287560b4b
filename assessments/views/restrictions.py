"""One page per restriction class: what the document says, who is affected, what to do."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, Count, Value, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from assessments.checks import REGISTRY
from assessments.checks.base import Severity
from assessments.checks.restrictions import BY_ID, RESTRICTIONS
from assessments.pages import queries
from assessments.views.common import filter_items, hosts_for
from fleet.lib.roles import VIEWER, role_required

SEVERITY_ORDER = [
    Severity.BLOCKER,
    Severity.WARNING,
    Severity.UNKNOWN,
    Severity.INFO,
    Severity.PASS,
]
SHOWN_BY_DEFAULT: list[str] = [Severity.BLOCKER, Severity.WARNING, Severity.UNKNOWN]


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


def shown_severities(params: QueryDict) -> list[str]:
    """The severities the page lists: `?show=` (several), else a single `?severity=`, else
    blockers, warnings and unknown (info and pass only when asked for)."""
    asked = set(params.getlist("show")) or {params.get("severity", "")}
    return [s for s in SEVERITY_ORDER if s in asked] or SHOWN_BY_DEFAULT


@role_required(VIEWER)
def restriction_detail(request: HttpRequest, restriction: str) -> HttpResponse:
    if restriction not in BY_ID:
        raise Http404("No such restriction class.")
    filterset, hosts, querystring = hosts_for(request)
    findings = queries.latest_findings(hosts).filter(restriction=restriction)
    shown = shown_severities(request.GET)
    affected = findings.filter(severity__in=shown)
    # Counters count the rows: findings (host x check) per severity, as the table lists them.
    counts = dict(
        findings.order_by().values("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    severities = [
        {"key": s, "count": counts.get(s, 0), "shown": s in shown} for s in SEVERITY_ORDER
    ]
    rank = Case(
        *(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITY_ORDER)),
        default=Value(len(SEVERITY_ORDER)),
    )
    affected = affected.select_related("host").order_by(rank, "host__name", "check_id")
    page = Paginator(affected, 50).get_page(request.GET.get("page"))
    remediations = list(dict.fromkeys(f.remediation for f in page if f.remediation))[:6]
    show_query = urlencode([("show", s) for s in shown])
    context = {
        "restriction": restriction,
        "os": _os_name(BY_ID[restriction].os_family),
        "checks": [c for c in REGISTRY.values() if c.restriction == restriction],
        "summary": {s: n for s, n in counts.items() if s in shown},
        "severities": severities,
        "shown_hosts": affected.order_by().values("host_id").distinct().count(),
        "page": page,
        "remediations": remediations,
        "filter": filterset,
        "filter_items": [(k, v) for k, v in filter_items(request.GET) if k != "severity"],
        "querystring": querystring,
        "page_querystring": "&".join(q for q in (querystring, show_query) if q),
    }
    return render(request, "assessments/restriction_detail.html", context)
