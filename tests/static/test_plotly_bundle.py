"""The plotly.js the pages load: the installed plotly package's own bundle, copied at build
time by `p2c.vendor` (never committed, never a CDN), and it draws every trace type our
charts emit."""

import re
from pathlib import Path

import plotly
from django.conf import settings

from assessments.pages import charts
from p2c import vendor

SERVED = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly.min.js"


def _registered_traces() -> set[str]:
    # Each trace module registers itself as {moduleType: "trace", name: "<type>"}.
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', SERVED.read_text()))


def _emitted_traces() -> set[str]:
    links = {"filesystems": "/r/", "not_ready": "/v/"}
    figures = [
        charts.restriction_bars({"filesystems": {"blocker": 2}}, ["filesystems"], links),
        charts.verdict_bars({"linux": {"not_ready": 1}}),
        charts.verdicts_over_time({"2026-12-01": {"ready": 1}}),
        charts.verdict_donut({"not_ready": 1}, links),
    ]
    return {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}


def test_it_is_the_installed_plotly_packages_bundle() -> None:
    package = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert vendor.TARGET == SERVED
    assert SERVED.read_bytes() == package.read_bytes()


def test_it_draws_every_trace_type_our_charts_emit() -> None:
    emitted = _emitted_traces()
    assert emitted == {"bar", "pie", "scatter"}
    assert emitted <= _registered_traces()
