"""Pure functions from aggregates to plotly figure dicts (embedded with `json_script`).

`static/js/charts.js` draws them with `Plotly.newPlot`; a point's `customdata`, when it is a
URL, makes a click on it open that page. Every chart also has a table next to it, and colour
is never the only carrier of meaning: bars carry their numbers, traces their names.
"""

import json
from typing import Any

import plotly.graph_objects as go

from fleet.choices import Verdict

VERDICT_COLOURS = {
    Verdict.NOT_READY: "#c0392b",
    Verdict.UNKNOWN: "#7d6b9e",
    Verdict.WAIVED: "#a04000",
    Verdict.CONDITIONAL: "#d68910",
    Verdict.READY: "#1e8449",
    Verdict.NEVER: "#95a5a6",
}
SEVERITY_COLOURS = {"blocker": "#c0392b", "warning": "#d68910", "waived": "#7f8c8d"}
# Plotly marker patterns: a second cue beside colour for the stacked series.
PATTERNS = {"blocker": "", "warning": "/", "waived": ".", "unknown": "x", "never": "."}


def label(text: object) -> str:
    """A label or hover text as plotly shows it literally: plotly reads a few HTML-like tags
    (`<b>`, `<a href>`, `<br>`) and entities in text, so `&`, `<` and `>` become entities.
    Every text of a figure goes through here; group, OS and host names are user data."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _labels(texts: list[Any]) -> list[str]:
    return [label(t) for t in texts]


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": "none",
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "height": 300,
        "legend": {"orientation": "h", "y": -0.2},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        # A number too small to read inside its bar is hidden (the tables have them all).
        "uniformtext": {"minsize": 10, "mode": "hide"},
    }
    layout.update(extra)
    return layout


def _plain(figure: go.Figure) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(figure.to_json())
    return result


def restriction_bars(
    counts: dict[str, dict[str, int]],
    restrictions: list[str],
    links: dict[str, str],
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Stacked bars: per restriction class, hosts with blockers, warnings and waived findings."""
    figure = go.Figure(
        layout=_layout(
            barmode="stack",
            height=340,
            xaxis={"tickangle": -30, "automargin": True},
            legend={"orientation": "h", "y": 1.08, "x": 0, "traceorder": "normal"},
            margin={"l": 40, "r": 10, "t": 30, "b": 10},
        )
    )
    for key, name in (("blocker", "Blockers"), ("warning", "Warnings"), ("waived", "Waived")):
        values = [counts.get(r, {}).get(key, 0) for r in restrictions]
        figure.add_bar(
            name=label(name),
            x=_labels([(names or {}).get(r, r) for r in restrictions]),
            y=values,
            text=[str(v) if v else "" for v in values],
            customdata=[links[r] for r in restrictions],
            marker={"color": SEVERITY_COLOURS[key], "pattern": {"shape": PATTERNS[key]}},
            hovertemplate="%{x}: %{y} hosts<extra>" + label(name) + "</extra>",
        )
    return _plain(figure)


def verdict_bars(
    rows: dict[str, dict[str, int]], links: dict[str, str] | None = None
) -> dict[str, Any]:
    """Horizontal stacked bars: per category (OS family, group), hosts per verdict."""
    categories = list(rows)
    figure = go.Figure(
        layout=_layout(
            barmode="stack",
            # Room below the bars for a legend of up to five verdicts, one per line if narrow.
            height=170 + 32 * len(categories),
            yaxis={"automargin": True, "autorange": "reversed"},
            legend={"orientation": "h", "y": -0.15, "yanchor": "top", "traceorder": "normal"},
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
        )
    )
    for verdict in VERDICT_COLOURS:
        values = [rows[c].get(verdict, 0) for c in categories]
        if not any(values):
            continue
        figure.add_bar(
            name=label(Verdict(verdict).label),
            y=_labels(categories),
            x=values,
            orientation="h",
            text=[str(v) if v else "" for v in values],
            customdata=[(links or {}).get(c, "") for c in categories],
            marker={
                "color": VERDICT_COLOURS[verdict],
                "pattern": {"shape": PATTERNS.get(verdict, "")},
            },
        )
    return _plain(figure)


def verdicts_over_time(days: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Lines: per day, hosts per verdict among the hosts scanned that day."""
    figure = go.Figure(
        layout=_layout(
            xaxis={"type": "date", "tickformat": "%b %d", "dtick": 86400000},
            yaxis={"rangemode": "tozero"},
        )
    )
    symbols = {
        "not_ready": "x",
        "unknown": "diamond",
        "waived": "triangle-down",
        "conditional": "triangle-up",
        "ready": "circle",
    }
    x = list(days)
    for verdict, symbol in symbols.items():
        figure.add_scatter(
            name=label(Verdict(verdict).label),
            x=x,
            y=[days[d].get(verdict, 0) for d in x],
            mode="lines+markers",
            marker={"symbol": symbol, "size": 8, "color": VERDICT_COLOURS[Verdict(verdict)]},
            line={"color": VERDICT_COLOURS[Verdict(verdict)]},
        )
    return _plain(figure)


def verdict_donut(counts: dict[str, int], links: dict[str, str]) -> dict[str, Any]:
    """A donut of hosts per verdict, labelled with names and numbers."""
    keys = [k for k, v in counts.items() if v]
    figure = go.Figure(
        layout=_layout(
            height=280,
            legend={"orientation": "v", "x": 1, "y": 0.5, "traceorder": "normal"},
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
        )
    )
    figure.add_pie(
        labels=_labels([Verdict(k).label for k in keys]),
        values=[counts[k] for k in keys],
        customdata=[links.get(k, "") for k in keys],
        hole=0.55,
        sort=False,
        textinfo="value",
        textposition="inside",
        marker={"colors": [VERDICT_COLOURS[Verdict(k)] for k in keys]},
    )
    return _plain(figure)
