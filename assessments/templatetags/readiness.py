"""Badges for verdicts and severities: an icon, the words and a colour, never colour alone."""

import inspect
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from assessments.checks.base import Severity
from assessments.checks.restrictions import RESTRICTION_NAMES
from assessments.choices import SEVERITY_CHOICES
from assessments.pages.selections import describe_selection
from assessments.pages.units import binary_size
from fleet.choices import Verdict

register = template.Library()
SEVERITY_LABELS = dict(SEVERITY_CHOICES)


VERDICT_ICONS: dict[str, str] = {
    Verdict.NOT_READY: "✖",
    Verdict.UNKNOWN: "?",
    Verdict.CONDITIONAL: "◐",
    Verdict.WAIVED: "◑",
    Verdict.READY: "✔",
    Verdict.NEVER: "\u2013",
}
SEVERITY_ICONS: dict[str, str] = {
    Severity.BLOCKER: "✖",
    Severity.WARNING: "▲",
    Severity.INFO: "\u2139",
    Severity.PASS: "✔",
    Severity.UNKNOWN: "?",
}


@register.simple_tag
def verdict_badge(verdict: str) -> SafeString:
    value = verdict or Verdict.UNKNOWN
    label = Verdict(value).label if value in Verdict.values else value
    icon = VERDICT_ICONS.get(value, "?")
    return format_html(
        '<span class="badge v-{}"><span aria-hidden="true">{}</span> {}</span>', value, icon, label
    )


@register.simple_tag
def severity_badge(severity: str, waived: bool = False) -> SafeString:
    label = SEVERITY_LABELS.get(severity, severity)
    icon = SEVERITY_ICONS.get(severity, "?")
    extra = mark_safe(' <span class="badge waived">waived</span>') if waived else ""
    return format_html(
        '<span class="badge s-{}"><span aria-hidden="true">{}</span> {}</span>{}',
        severity,
        icon,
        label,
        extra,
    )


@register.filter
def label(value: str) -> str:
    """`ip_addresses` -> `IP addresses`: restriction ids as words."""
    return RESTRICTION_NAMES.get(str(value), str(value).replace("_", " ").capitalize())


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def paragraphs(text: str) -> SafeString:
    """A docstring as HTML paragraphs: its hard-wrapped lines joined, blank lines kept."""
    blocks = [" ".join(block.split()) for block in inspect.cleandoc(text or "").split("\n\n")]
    return format_html_join("", "<p>{}</p>", ((block,) for block in blocks if block))


@register.filter(name="binary_size")
def binary_size_filter(size: int | float | None) -> str:
    """A size in bytes as the pages write every size: `18.6 GiB` (binary, one decimal)."""
    return binary_size(size)


@register.filter
def selection_words(selection: dict[str, Any]) -> str:
    """A scan's or schedule's selection in words (see pages.selections)."""
    return describe_selection(selection or {})
