"""Placeholder until the selinux checks land (the engine issue); registers nothing."""

from assessments.checks.base import Check

CHECKS: list[type[Check]] = []
