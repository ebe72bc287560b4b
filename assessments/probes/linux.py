"""Placeholder: the linux probe definitions land with the engine issue."""

from assessments.probes.base import Probe

PROBES: list[Probe] = []
