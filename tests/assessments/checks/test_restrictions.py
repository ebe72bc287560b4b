"""The table of restriction classes: everything that lists them derives from it."""

from importlib import import_module

from assessments.checks import MODULES, REGISTRY
from assessments.checks.restrictions import BY_ID, RESTRICTION_NAMES, RESTRICTIONS
from assessments.filtersets import RESTRICTION_CHOICES


def test_restriction_ids_are_unique():
    assert len(BY_ID) == len(RESTRICTIONS)


def test_every_check_belongs_to_a_restriction_of_its_os_in_that_restrictions_module():
    for check in REGISTRY.values():
        restriction = BY_ID[check.restriction]
        assert check.os_family == restriction.os_family, check.id
        module = import_module(f"assessments.checks.{restriction.module}")
        assert type(check) in module.CHECKS, check.id


def test_every_restriction_class_has_checks_and_its_module_is_registered():
    judged = {check.restriction for check in REGISTRY.values()}
    assert judged == set(BY_ID)
    assert MODULES == [r.module for r in RESTRICTIONS]


def test_a_class_beyond_the_document_is_named_as_such():
    assert (
        RESTRICTION_NAMES["nesting"]
        == "Nesting: containers, hypervisors, VMs (beyond the document)"
    )
    assert RESTRICTION_NAMES["filesystems"] == "File systems"


def test_the_filters_offer_every_restriction_class_by_its_name():
    assert RESTRICTION_CHOICES == list(RESTRICTION_NAMES.items())
