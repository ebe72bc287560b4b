"""The ruleset in force: the checks' version and the restriction classes switched off.

`RULESET_DISABLED` (settings) switches off classes beyond the Parallels document, one by one
or all of them (`beyond`); the version stamped on results changes with it
(`checks.base.ruleset_version`), so the overview counts results of another setting as
judged by an older ruleset and offers to re-assess them.
"""

from django.conf import settings

from assessments.checks.base import ruleset_version


def disabled() -> frozenset[str]:
    return frozenset(settings.RULESET_DISABLED)


def current() -> str:
    """The version stamped on results judged now."""
    return ruleset_version(disabled())
