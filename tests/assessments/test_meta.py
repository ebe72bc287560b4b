"""Every registered check has tests, and every check module's tests use real samples."""

from importlib import import_module
from pathlib import Path

import pytest

from assessments.checks import MODULES, REGISTRY

TESTS = Path(__file__).parent / "checks"
SAMPLES = Path(__file__).parent.parent / "samples"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.name != "SOURCES.md")
CHECK_MODULES = [name for name in MODULES if import_module(f"assessments.checks.{name}").CHECKS]


def check_test_files(module: str) -> list[Path]:
    return sorted(TESTS.glob(f"test_{module}*.py"))


def all_test_text() -> str:
    return "\n".join(path.read_text() for path in sorted(TESTS.glob("**/*.py")))


def test_there_are_checks_and_samples_to_hold_to_account():
    assert REGISTRY and CHECK_MODULES and SAMPLE_NAMES


@pytest.mark.parametrize("check_id", sorted(REGISTRY))
def test_every_registered_check_is_named_in_a_check_test(check_id):
    assert f'"{check_id}"' in all_test_text(), (
        f"no test under {TESTS.relative_to(TESTS.parent.parent.parent)} names {check_id!r}"
    )


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_every_check_module_has_tests_over_real_samples(module):
    files = check_test_files(module)
    assert files, f"assessments/checks/{module}.py has no tests/assessments/checks/test_{module}.py"
    text = "\n".join(path.read_text() for path in files)
    used = [name for name in SAMPLE_NAMES if name in text]
    assert used, f"the tests of checks/{module}.py use no sample file from tests/samples/"


def test_every_sample_a_check_test_names_exists():
    named = set()
    for path in TESTS.glob("test_*.py"):
        text = path.read_text()
        for prefix in ("linux-", "windows-"):
            start = text.find(f'"{prefix}')
            while start != -1:
                end = text.find('"', start + 1)
                named.add(text[start + 1 : end])
                start = text.find(f'"{prefix}', end + 1)
    missing = sorted(name for name in named if name.endswith(".txt") and name not in SAMPLE_NAMES)
    assert not missing, f"check tests name samples that do not exist: {missing}"
