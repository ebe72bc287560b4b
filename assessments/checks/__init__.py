"""All checks, registered explicitly: one module per restriction class.

Adding a check = one module (with a `CHECKS` list) + its tests + its samples, and one line
in `MODULES` if it is a new restriction class. Duplicate ids stop start-up.
"""

from importlib import import_module

from assessments.checks.base import RESTRICTIONS, Check

MODULES = [
    "filesystems",
    "ip_addresses",
    "quotas",
    "selinux",
    "xattrs",
    "raw_devices",
    "mac_binding",
    "transfer",
    "nesting",
    "kernel",
    "kernel_services",
    "block_devices",
    "netfilter",
    "clock",
    "os_version",
    "volumes",
    "qos",
    "architecture",
]


def _load() -> dict[str, Check]:
    registry: dict[str, Check] = {}
    for name in MODULES:
        module = import_module(f"assessments.checks.{name}")
        for check_class in module.CHECKS:
            if check_class.id in registry:
                raise RuntimeError(f"duplicate check id {check_class.id!r} in {name}")
            if check_class.restriction not in RESTRICTIONS:
                raise RuntimeError(
                    f"{check_class.id}: unknown restriction {check_class.restriction}"
                )
            registry[check_class.id] = check_class()
    return registry


REGISTRY: dict[str, Check] = _load()


def checks_for(os_family: str) -> list[Check]:
    return [check for check in REGISTRY.values() if check.os_family == os_family]
