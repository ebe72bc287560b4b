"""Collectors are pure I/O: no Django, no model, no ORM helper, whatever they import."""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import assessments.collectors
from assessments import choices
from assessments.collectors import base, hostkeys, target
from fleet import choices as fleet_choices

ROOT = Path(__file__).resolve().parents[3]
# Top-level packages and modules a collector must never pull in, even indirectly.
FORBIDDEN = ("django", "fleet", "assessments.models", "assessments.scanning", "assessments.choices")
MODULES = sorted(
    ["assessments.collectors"]
    + [
        f"assessments.collectors.{info.name}"
        for info in pkgutil.iter_modules(assessments.collectors.__path__)
    ]
)
# Imports every module in a fresh interpreter, then lists what got loaded that is forbidden.
PROBE = """
import importlib, json, sys
forbidden = tuple(sys.argv[2:])
importlib.import_module(sys.argv[1])
inside = tuple(f + "." for f in forbidden)
loaded = [m for m in sys.modules if m in forbidden or m.startswith(inside)]
print(json.dumps(sorted(loaded)))
"""


def test_it_knows_every_collector_module():
    assert {"assessments.collectors.ssh", "assessments.collectors.winrm"} <= set(MODULES)


def loaded_by(module: str, *forbidden: str) -> list[str]:
    """The modules of `forbidden` (or inside them) that importing `module` loads, in a fresh
    interpreter without Django settings."""
    found = subprocess.run(
        [sys.executable, "-c", PROBE, module, *forbidden],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},  # no DJANGO_SETTINGS_MODULE
        check=True,
        timeout=60,
    )
    return list(json.loads(found.stdout))


@pytest.mark.parametrize("module", MODULES)
def test_a_collector_module_imports_no_django_and_no_model(module):
    assert loaded_by(module, *FORBIDDEN) == []


def test_the_legacy_ssh_path_does_not_import_the_modern_one():
    # Nor paramiko: what both paths share (ssh_common) needs neither library.
    assert (
        loaded_by("assessments.collectors.ssh_legacy", "assessments.collectors.ssh", "paramiko")
        == []
    )


def test_the_collectors_error_classes_are_error_classes():
    assert set(base.Failure) <= set(choices.ErrorClass.values)


def test_the_collectors_transports_and_families_are_the_models():
    assert {base.SSH, base.SSH_LEGACY, base.WINRM} <= set(choices.Transport.values)
    assert {base.LINUX, base.WINDOWS, base.UNKNOWN} == set(fleet_choices.OsFamily.values)


def test_the_collectors_key_states_and_credential_kinds_are_the_models():
    states = {hostkeys.PENDING, hostkeys.TRUSTED, hostkeys.REJECTED}
    assert states == set(fleet_choices.HostKeyState.values)
    assert set(target.LoginKind) == set(fleet_choices.CredentialKind.values)
