"""The plotly.js the pages load: copied at build time by `p2c.vendor` from an installed
package (never committed, never a CDN): npm's basic bundle when it is there and of the plotly
package's version, else the plotly package's full bundle; either draws every trace type our
charts emit."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from assessments.pages import charts
from p2c import vendor

SERVED = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly.min.js"
BANNER = (
    "/**\n* plotly.js{kind} v{version}\n* Copyright 2012-2026, Plotly, Inc.\n*/\n(function(){{}})"
)


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


def _bundle(path: Path, version: str, kind: str = "") -> Path:
    path.write_text(BANNER.format(kind=kind, version=version))
    return path


def test_it_serves_the_bundle_the_build_chose() -> None:
    assert vendor.TARGET == SERVED
    assert SERVED.read_bytes() == vendor.choose().source.read_bytes()


def test_it_draws_every_trace_type_our_charts_emit() -> None:
    emitted = _emitted_traces()
    assert emitted == {"bar", "pie", "scatter"}
    assert emitted <= _registered_traces()


@pytest.mark.skipif(not os.environ.get("P2C_REQUIRE_SERVICES"), reason="only CI requires npm")
def test_ci_serves_the_basic_bundle_of_the_plotly_packages_version() -> None:
    assert vendor.choose().source == vendor.BASIC
    assert vendor.bundle_version(SERVED) == vendor.bundle_version(vendor.FULL)
    assert SERVED.stat().st_size < vendor.FULL.stat().st_size / 3


def test_both_real_banners_give_their_version() -> None:
    version = vendor.bundle_version(vendor.FULL)
    assert version and re.fullmatch(r"\d+\.\d+\.\d+", version)
    if vendor.BASIC.exists():
        assert vendor.bundle_version(vendor.BASIC) == version


def test_the_basic_bundle_wins_when_its_version_is_the_packages(tmp_path: Path) -> None:
    full = _bundle(tmp_path / "plotly.min.js", "4.1.1")
    basic = _bundle(tmp_path / "plotly-basic.min.js", "4.1.1", " (basic - minified)")
    choice = vendor.choose(full, basic)
    assert choice.source == basic
    assert "4.1.1 basic bundle" in choice.reason


def test_the_full_bundle_is_served_when_npm_did_not_install_the_basic_one(tmp_path: Path) -> None:
    full = _bundle(tmp_path / "plotly.min.js", "4.1.1")
    choice = vendor.choose(full, tmp_path / "absent.js")
    assert choice.source == full
    assert "not installed" in choice.reason


def test_a_basic_bundle_of_another_version_is_not_served(tmp_path: Path) -> None:
    full = _bundle(tmp_path / "plotly.min.js", "4.2.0")
    basic = _bundle(tmp_path / "plotly-basic.min.js", "4.1.1", " (basic - minified)")
    choice = vendor.choose(full, basic)
    assert choice.source == full
    assert "plotly.js 4.1.1" in choice.reason and "set package.json to 4.2.0" in choice.reason


def test_a_basic_file_without_a_banner_is_not_served(tmp_path: Path) -> None:
    full = _bundle(tmp_path / "plotly.min.js", "4.1.1")
    basic = tmp_path / "plotly-basic.min.js"
    basic.write_text("<html>proxy error</html>")
    assert vendor.choose(full, basic).source == full


def test_no_plotly_package_bundle_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="installed plotly package"):
        vendor.choose(tmp_path / "absent.js", tmp_path / "absent-too.js")


def test_package_json_pins_the_plotly_packages_version() -> None:
    import json

    pinned = json.loads((vendor.ROOT / "package.json").read_text())["dependencies"]
    assert pinned == {"plotly.js-basic-dist-min": vendor.bundle_version(vendor.FULL)}
