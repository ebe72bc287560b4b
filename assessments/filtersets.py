"""The hosts-list filters: one filtered Host queryset feeds the table, the charts and the CSV."""

import datetime
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.checks.restrictions import RESTRICTIONS
from assessments.choices import SEVERITY_CHOICES
from assessments.models import Finding
from fleet.choices import OsFamily, Verdict
from fleet.models import Host, HostGroup, Tag, TargetNode, Wave

AGE_CHOICES = [
    ("never", "Never scanned"),
    ("within_1", "Scanned in the last day"),
    ("within_7", "Scanned in the last 7 days"),
    ("older_7", "Not scanned for 7 days or more"),
    ("older_30", "Not scanned for 30 days or more"),
]
RESTRICTION_CHOICES = [(r.id, r.name) for r in RESTRICTIONS]
# Every querystring key the filters understand; charts and CSV links carry exactly these.
FILTER_KEYS = (
    "q",
    "group",
    "tag",
    "os_family",
    "verdict",
    "restriction",
    "severity",
    "destination",
    "wave",
    "age",
)


class HostFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """Filters of the hosts list; `restriction` and `severity` look at the latest scan only."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    group = django_filters.ModelChoiceFilter(
        queryset=HostGroup.objects.all(), method="filter_group", label="Group", empty_label="Any"
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), method="filter_tag", label="Tag", empty_label="Any"
    )
    os_family = django_filters.ChoiceFilter(
        choices=OsFamily.choices, label="OS family", empty_label="Any"
    )
    verdict = django_filters.ChoiceFilter(
        choices=Verdict.choices, label="Verdict", empty_label="Any"
    )
    restriction = django_filters.ChoiceFilter(
        choices=RESTRICTION_CHOICES,
        method="filter_noop",
        label="Restriction class",
        empty_label="Any",
    )
    severity = django_filters.ChoiceFilter(
        choices=SEVERITY_CHOICES, method="filter_noop", label="Severity", empty_label="Any"
    )
    destination = django_filters.ModelChoiceFilter(
        queryset=TargetNode.objects.all(),
        field_name="target",
        null_label="No destination",
        empty_label="Any",
        label="Destination",
    )
    wave = django_filters.ModelChoiceFilter(
        queryset=Wave.objects.all(), label="Wave", empty_label="Any"
    )
    age = django_filters.ChoiceFilter(
        choices=AGE_CHOICES, method="filter_age", label="Last scan", empty_label="Any"
    )

    class Meta:
        model = Host
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Host], name: str, value: str) -> QuerySet[Host]:
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(address__icontains=word) | Q(notes__icontains=word)
            )
        return queryset

    def filter_group(self, queryset: QuerySet[Host], name: str, value: HostGroup) -> QuerySet[Host]:
        # A subquery rather than a join: no duplicate rows, no DISTINCT under the aggregates.
        through = Host.groups.through.objects.filter(hostgroup=value)
        return queryset.filter(pk__in=through.values("host_id"))

    def filter_tag(self, queryset: QuerySet[Host], name: str, value: Tag) -> QuerySet[Host]:
        through = Host.tags.through.objects.filter(tag=value)
        return queryset.filter(pk__in=through.values("host_id"))

    def filter_noop(self, queryset: QuerySet[Host], name: str, value: Any) -> QuerySet[Host]:
        return queryset  # applied together in filter_queryset: both describe one finding

    def filter_age(self, queryset: QuerySet[Host], name: str, value: str) -> QuerySet[Host]:
        now = timezone.now()
        if value == "never":
            return queryset.filter(last_scanned__isnull=True)
        kind, _, days = value.partition("_")
        cutoff = now - datetime.timedelta(days=int(days))
        if kind == "within":
            return queryset.filter(last_scanned__gte=cutoff)
        return queryset.filter(Q(last_scanned__lt=cutoff) | Q(last_scanned__isnull=True))

    def invalid(self) -> list[tuple[str, str, str, str]]:
        """(name, label, value given, message) of each invalid filter; empty when valid."""
        rows = []
        for name, errors in self.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            value = ", ".join(self.data.getlist(name)) if hasattr(self.data, "getlist") else ""
            rows.append((name, str(label), value, " ".join(str(e) for e in errors)))
        return rows

    def filter_queryset(self, queryset: QuerySet[Host]) -> QuerySet[Host]:
        queryset = super().filter_queryset(queryset)
        restriction = self.form.cleaned_data.get("restriction")
        severity = self.form.cleaned_data.get("severity")
        if restriction or severity:
            findings = Finding.objects.filter(host_scan_id=OuterRef("latest_scan_id"))
            if restriction:
                findings = findings.filter(restriction=restriction)
            if severity:
                findings = findings.filter(severity=severity)
            else:
                findings = findings.exclude(severity=Severity.PASS)
            queryset = queryset.filter(Exists(findings))
        return queryset


def filtered_hosts(params: Any) -> tuple[HostFilterSet, QuerySet[Host]]:
    """The FilterSet bound to `params` (a QueryDict) and its queryset.

    An invalid filter selects no host: dropping it (or every filter) would widen a page, an
    export or a scan to the whole fleet. The form's errors say which field and why.
    """
    filterset = HostFilterSet(params, queryset=Host.objects.all())
    if filterset.is_valid():
        return filterset, filterset.qs
    # Not .none(): pages compile some querysets to raw SQL, which an empty set cannot give.
    return filterset, Host.objects.filter(pk__isnull=True)


def filter_errors(filterset: HostFilterSet) -> str:
    """The invalid filters in one line, for the CSV's 400: `group=999: Select a valid ...`."""
    return "; ".join(
        f"{name}={value}: {message}" for name, _, value, message in filterset.invalid()
    )


def filter_querystring(params: Any) -> str:
    """The filter part of a querystring, to carry the same selection to charts and the CSV."""
    kept = params.copy()
    for key in list(kept.keys()):
        if key not in FILTER_KEYS or not kept.get(key):
            del kept[key]
    return str(kept.urlencode())


class FindingFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """Filters of a list of findings (the API's `/findings/`): each narrows the findings
    themselves, where the hosts list's `restriction` and `severity` select hosts."""

    restriction = django_filters.ChoiceFilter(
        choices=RESTRICTION_CHOICES, label="Restriction class"
    )
    severity = django_filters.ChoiceFilter(choices=SEVERITY_CHOICES, label="Severity")
    check = django_filters.CharFilter(field_name="check_id", label="Check id")
    waived = django_filters.BooleanFilter(label="Waived")
    host = django_filters.NumberFilter(field_name="host_id", label="Host id")

    class Meta:
        model = Finding
        fields: list[str] = []


# The hosts list's filters that also make sense on findings (restriction and severity are the
# findings' own there).
FINDING_HOST_KEYS = tuple(key for key in FILTER_KEYS if key not in ("restriction", "severity"))
