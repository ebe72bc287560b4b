"""The committed plotly.js bundle: the file its provenance names, the plotly.js version the
plotly package writes figures for, and every trace type our charts draw."""

import hashlib
import re
from pathlib import Path

from django.conf import settings
from plotly.offline import get_plotlyjs_version

from assessments.pages import charts

PLOTLY = Path(settings.BASE_DIR) / "static" / "plotly"
BUNDLE = PLOTLY / "plotly-basic.min.js"


def _registered_traces() -> set[str]:
    # Each trace module registers itself as {moduleType: "trace", name: "<type>"}.
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', BUNDLE.read_text()))


def _emitted_traces() -> set[str]:
    links = {"filesystems": "/r/", "not_ready": "/v/"}
    figures = [
        charts.restriction_bars({"filesystems": {"blocker": 2}}, ["filesystems"], links),
        charts.verdict_bars({"linux": {"not_ready": 1}}),
        charts.verdicts_over_time({"2026-12-01": {"ready": 1}}),
        charts.verdict_donut({"not_ready": 1}, links),
    ]
    return {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}


def test_it_is_the_file_its_provenance_names() -> None:
    digest = hashlib.sha256(BUNDLE.read_bytes()).hexdigest()
    assert f"sha256 {digest}  plotly-basic.min.js" in (PLOTLY / "PROVENANCE").read_text()


def test_it_ships_with_its_licence() -> None:
    assert "MIT License" in (PLOTLY / "LICENSE").read_text()


def test_it_is_the_plotly_js_version_the_plotly_package_writes_figures_for() -> None:
    header = BUNDLE.read_text()[:200]
    assert f"(basic - minified) v{get_plotlyjs_version()}\n" in header


def test_it_draws_every_trace_type_our_charts_emit() -> None:
    emitted = _emitted_traces()
    assert emitted == {"bar", "pie", "scatter"}
    assert emitted <= _registered_traces()
