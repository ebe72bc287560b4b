"""All checks, registered explicitly: one module per restriction class.

Adding a check = a class in its restriction class's module (in its `CHECKS` list) + its
tests + its samples; a new restriction class is one row of `restrictions.RESTRICTIONS`
naming its module. Duplicate ids and unknown restriction classes stop start-up.
"""

from importlib import import_module

from assessments.checks.base import Check
from assessments.checks.restrictions import BY_ID, RESTRICTIONS

# The modules of the restriction classes, in the table's order.
MODULES = list(dict.fromkeys(r.module for r in RESTRICTIONS))


def _load() -> dict[str, Check]:
    registry: dict[str, Check] = {}
    for name in MODULES:
        module = import_module(f"assessments.checks.{name}")
        for check_class in module.CHECKS:
            if check_class.id in registry:
                raise RuntimeError(f"duplicate check id {check_class.id!r} in {name}")
            if check_class.restriction not in BY_ID:
                raise RuntimeError(
                    f"{check_class.id}: unknown restriction {check_class.restriction}"
                )
            registry[check_class.id] = check_class()
    return registry


REGISTRY: dict[str, Check] = _load()


def checks_for(os_family: str) -> list[Check]:
    return [check for check in REGISTRY.values() if check.os_family == os_family]
