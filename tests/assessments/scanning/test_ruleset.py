"""RULESET_DISABLED: classes beyond the document switched off, and the version that says so."""

import pytest

from assessments.checks.base import RULESET_VERSION, ruleset_version
from assessments.engine import assess
from assessments.facts import Facts
from assessments.lab.profiles import profiles
from assessments.scanning import ruleset
from p2c.env import ConfigurationError, beyond_classes_off

NFS = profiles()["linux_nfs_server"]


def test_the_full_ruleset_has_the_plain_version():
    assert ruleset_version() == RULESET_VERSION


def test_switching_a_class_off_changes_the_version_and_drops_its_findings():
    judged = assess(Facts("linux", NFS.probes), frozenset({"kernel_services"}))
    assert judged.ruleset.startswith(RULESET_VERSION + "-") and len(judged.ruleset) <= 20
    assert not any(f.restriction == "kernel_services" for f in judged.findings)
    assert any(f.restriction == "filesystems" for f in judged.findings)


def test_beyond_switches_off_every_class_beyond_the_document():
    names = beyond_classes_off(["beyond"])
    assert "kernel" in names and "windows_limits" in names and "filesystems" not in names


def test_the_documents_own_classes_cannot_be_switched_off():
    with pytest.raises(ConfigurationError, match="RULESET_DISABLED names quotas"):
        beyond_classes_off(["quotas"])


def test_the_setting_is_the_ruleset_stamped_on_results(settings):
    settings.RULESET_DISABLED = ["clock"]
    assert ruleset.current() == ruleset_version(["clock"]) != RULESET_VERSION
    assert ruleset.disabled() == frozenset({"clock"})
