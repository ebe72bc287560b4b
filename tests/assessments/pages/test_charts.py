import json

from assessments.pages import charts


def test_restriction_bars_stack_blockers_warnings_and_waived_with_links():
    figure = charts.restriction_bars(
        {"quotas": {"blocker": 2, "warning": 1, "waived": 0}},
        ["quotas", "selinux"],
        {"quotas": "/restrictions/quotas/", "selinux": "/restrictions/selinux/"},
        {"quotas": "Disk quotas"},
    )
    assert [trace["name"] for trace in figure["data"]] == ["Blockers", "Warnings", "Waived"]
    assert figure["data"][0]["y"] == [2, 0]
    assert figure["data"][0]["x"] == ["Disk quotas", "selinux"]
    assert figure["data"][0]["customdata"] == ["/restrictions/quotas/", "/restrictions/selinux/"]
    assert figure["layout"]["barmode"] == "stack"


def test_bars_carry_their_numbers_as_text_not_only_colour():
    figure = charts.restriction_bars({"quotas": {"blocker": 3}}, ["quotas"], {"quotas": "/"})
    assert figure["data"][0]["text"] == ["3"]


def test_verdict_bars_skip_empty_verdicts():
    figure = charts.verdict_bars({"linux": {"ready": 2, "not_ready": 1}, "windows": {"ready": 1}})
    assert [t["name"] for t in figure["data"]] == ["Not ready", "Ready"]
    assert figure["data"][1]["x"] == [2, 1]
    assert figure["data"][1]["orientation"] == "h"


def test_verdicts_over_time_has_one_line_per_verdict():
    figure = charts.verdicts_over_time(
        {"2026-11-01": {"ready": 1, "not_ready": 2}, "2026-11-02": {"ready": 3}}
    )
    lines = {t["name"]: t["y"] for t in figure["data"]}
    assert lines["Ready"] == [1, 3] and lines["Not ready"] == [2, 0]
    assert all(t["mode"] == "lines+markers" for t in figure["data"])


def test_verdict_donut_labels_slices_with_words():
    figure = charts.verdict_donut({"ready": 3, "never": 0, "unknown": 1}, {"ready": "/hosts/"})
    assert figure["data"][0]["labels"] == ["Ready", "Readiness unknown"]
    assert figure["data"][0]["customdata"] == ["/hosts/", ""]


def test_figures_are_plain_json():
    figure = charts.verdict_bars({"a": {"ready": 1}})
    assert json.loads(json.dumps(figure)) == figure


def test_user_text_in_labels_is_escaped_for_plotly() -> None:
    figure = charts.verdict_bars({"<b>a</b> & b": {"ready": 1}})
    assert figure["data"][0]["y"] == ["&lt;b&gt;a&lt;/b&gt; &amp; b"]
    assert charts.label("&lt;") == "&amp;lt;"  # distinct names stay distinct
