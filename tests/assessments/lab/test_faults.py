"""Fault specs and how faults are spread over a fleet."""

import random

import pytest

from assessments.lab import faults


def test_it_parses_counts_and_percentages():
    assert faults.parse_spec("hang=2, refused=1.5%") == {"hang": 2, "refused": -1.5}


def test_it_rejects_unknown_faults():
    with pytest.raises(ValueError, match="bad fault"):
        faults.parse_spec("explode=1")


def test_it_rounds_percentages_up_to_whole_hosts():
    assert faults.counts("hang=1%", 150) == {"hang": 2}


def test_it_gives_protocol_specific_faults_only_to_their_hosts():
    families = ["linux"] * 5 + ["windows"] * 5
    assigned = faults.assign(families, "legacy_only=10,operation_timeout=10", random.Random(1))
    assert assigned[:5] == ["legacy_only"] * 5
    assert assigned[5:] == ["operation_timeout"] * 5


def test_it_gives_each_host_at_most_one_fault():
    assigned = faults.assign(["linux"] * 4, "hang=3,refused=3", random.Random(1))
    assert sorted(assigned) == ["hang", "hang", "hang", "refused"]


def test_the_default_spec_parses():
    assert set(faults.parse_spec(faults.DEFAULT_SPEC)) <= faults.ALL_FAULTS
