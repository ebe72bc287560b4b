"""The fleet overview: where the fleet stands, what blocks it, what changed over time."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from assessments.checks.restrictions import RESTRICTION_IDS, RESTRICTION_NAMES, RESTRICTIONS
from assessments.pages import charts, queries
from assessments.scanning import ruleset
from assessments.scanning.waivers import expire_waivers
from assessments.views.common import filter_items, hosts_for
from fleet.lib.roles import VIEWER, role_required
from fleet.models import HostGroup

# The document's classes and those beyond it are shown apart (issue 12).
DOCUMENT = [r.id for r in RESTRICTIONS if not r.beyond_document]
BEYOND = [r.id for r in RESTRICTIONS if r.beyond_document]


def _with(base: str, querystring: str, **extra: str) -> str:
    """`base` with the current filters, `extra` replacing any filter of the same name."""
    params = QueryDict(querystring, mutable=True)
    for key, value in extra.items():
        params[key] = value
    encoded = params.urlencode()
    return f"{base}?{encoded}" if encoded else base


@role_required(VIEWER)
def overview(request: HttpRequest) -> HttpResponse:
    expire_waivers()
    filterset, hosts, querystring = hosts_for(request)
    host_list = reverse("host-list")
    counts = queries.verdict_counts(hosts)
    by_restriction = queries.restriction_counts(hosts)
    by_os = queries.verdicts_by(hosts, "os_family")
    by_group = queries.verdicts_by_group(hosts)
    over_time = queries.verdicts_over_time(hosts)
    restriction_links = {
        r: _with(reverse("restriction-detail", args=[r]), querystring) for r in RESTRICTION_IDS
    }
    verdict_links = {v: _with(host_list, querystring, verdict=v) for v in counts}
    figures = {
        "chart-verdicts": charts.verdict_donut(counts, verdict_links),
        "chart-restrictions": charts.restriction_bars(
            by_restriction, DOCUMENT, restriction_links, RESTRICTION_NAMES
        ),
        # The heading says "beyond the document": the bars keep their short names.
        "chart-beyond": charts.restriction_bars(
            by_restriction, BEYOND, restriction_links, {r.id: r.label for r in RESTRICTIONS}
        ),
        "chart-os": charts.verdict_bars(
            by_os, {os: _with(host_list, querystring, os_family=os) for os in by_os}
        ),
        "chart-groups": charts.verdict_bars(
            by_group,
            {
                name: _with(host_list, querystring, group=str(pk))
                for name, pk in HostGroup.objects.filter(name__in=list(by_group)).values_list(
                    "name", "pk"
                )
            },
        ),
        "chart-time": charts.verdicts_over_time(over_time),
    }
    context = {
        "filter": filterset,
        "querystring": querystring,
        "counts": counts,
        "total": sum(counts.values()),
        "verdict_links": verdict_links,
        "restrictions": [(r, by_restriction.get(r, {}), restriction_links[r]) for r in DOCUMENT],
        "beyond": [(r, by_restriction.get(r, {}), restriction_links[r]) for r in BEYOND],
        "by_os": by_os,
        "by_group": by_group,
        "over_time": over_time,
        "most_blocked": queries.most_blocked(hosts),
        "stale": queries.stale_hosts(hosts),
        "stale_days": queries.STALE_DAYS,
        "outdated": queries.judged_by_older_ruleset(hosts).count(),
        "ruleset": ruleset.current(),
        "filter_items": filter_items(request.GET),
        "figures": figures,
    }
    return render(request, "assessments/overview.html", context)
