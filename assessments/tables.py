"""The hosts table (django-tables2), fed by the filtered queryset of the hosts list."""

from typing import Any

import django_tables2 as tables
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from assessments.pages.queries import VERDICT_ORDER
from assessments.templatetags.readiness import verdict_badge
from fleet.models import Host


class HostTable(tables.Table):  # type: ignore[misc]
    """Hosts with their verdict and the blockers and warnings of their latest scan."""

    # Operators tick hosts for a bulk action (views.bulk); the header box selects the page
    # (static/js/bulk.js shows it: without JavaScript it could do nothing).
    select = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=mark_safe(  # a constant, no user data
            '<input type="checkbox" class="select-page" aria-label="Select this page" hidden>'
        ),
        attrs={"td": {"class": "select"}, "th": {"class": "select"}},
    )
    name = tables.Column(linkify=True, verbose_name="Host")
    address = tables.Column()
    os_family = tables.Column(verbose_name="OS")
    verdict = tables.Column()
    blockers = tables.Column(
        verbose_name="Blockers", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    warnings = tables.Column(
        verbose_name="Warnings", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    groups = tables.Column(orderable=False, empty_values=())
    target = tables.Column(verbose_name="Destination", order_by=("target__name",))
    wave = tables.Column(order_by=("wave__name",))
    last_scanned = tables.DateTimeColumn(verbose_name="Last scan", format="Y-m-d H:i")

    class Meta:
        model = Host
        fields = (
            "name",
            "address",
            "os_family",
            "verdict",
            "blockers",
            "warnings",
            "groups",
            "target",
            "wave",
            "last_scanned",
        )
        sequence = ("select", "...")
        order_by = ("name",)
        attrs = {"class": "table"}
        empty_text = "No host matches these filters."

    def order_verdict(self, queryset: QuerySet[Host], is_descending: bool) -> tuple[Any, bool]:
        """By severity, worst first (VERDICT_ORDER: Not ready, Readiness unknown, Ready with
        conditions, Ready, Never scanned), not by the codes' alphabet; then by name."""
        rank = Case(
            *(When(verdict=v, then=Value(i)) for i, v in enumerate(VERDICT_ORDER)),
            default=Value(len(VERDICT_ORDER)),
            output_field=IntegerField(),
        )
        ordered = queryset.annotate(verdict_rank=rank).order_by(
            "-verdict_rank" if is_descending else "verdict_rank", "name"
        )
        return ordered, True

    def render_select(self, record: Host) -> SafeString:
        return format_html(
            '<input type="checkbox" name="host" value="{}" form="bulk" aria-label="Select {}">',
            record.pk,
            record.name,
        )

    def render_verdict(self, record: Host) -> SafeString:
        return verdict_badge(record.verdict)

    def render_groups(self, record: Host) -> Any:
        return format_html_join(", ", "{}", ((g.name,) for g in record.groups.all())) or "—"

    def render_blockers(self, value: int) -> Any:
        return format_html('<strong class="sev-blocker">{}</strong>', value) if value else "0"
