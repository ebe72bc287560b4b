"""WCAG AA contrast of every badge, verdict, severity and diff tag style in app.css."""

import re
from pathlib import Path

from django.conf import settings

APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
TEXT_STYLES = re.compile(r"\.(badge|tag-|sev-)")
AA_TEXT = 4.5


def _rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        rules.append(([s.strip() for s in selectors.split(",")], decls))
    return rules


def _colour(value: str, variables: dict[str, str]) -> str:
    if match := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = variables[match.group(1)]
    value = value.lstrip("#")
    return "".join(c * 2 for c in value) if len(value) == 3 else value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_styles() -> dict[str, tuple[str, str]]:
    """Selector -> (text colour, background); declarations merged across rules, white default."""
    rules = _rules(APP_CSS.read_text())
    variables = {k: v for sel, decls in rules if ":root" in sel for k, v in decls.items()}
    merged: dict[str, dict[str, str]] = {}
    for selectors, decls in rules:
        for selector in selectors:
            if TEXT_STYLES.search(selector):
                merged.setdefault(selector, {}).update(decls)
    return {
        selector: (_colour(d["color"], variables), _colour(d.get("background", "#fff"), variables))
        for selector, d in merged.items()
        if "color" in d and d["color"] != "currentColor"
    }


def test_it_computes_the_wcag_ratio() -> None:
    assert round(contrast("b9770e", "fdf3e2"), 2) == 3.35


def test_it_finds_every_verdict_and_severity_badge() -> None:
    styles = text_styles()
    for name in ["v-ready", "v-unknown", "v-conditional", "s-warning", "s-blocker", "s-pass"]:
        assert f".badge.{name}" in styles


def test_every_badge_text_meets_wcag_aa() -> None:
    low = {
        selector: round(contrast(fg, bg), 2)
        for selector, (fg, bg) in text_styles().items()
        if contrast(fg, bg) < AA_TEXT
    }
    assert low == {}
