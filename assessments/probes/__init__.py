"""All probe definitions, by id: the single source of truth for collectors and scripts."""

from assessments.probes.base import Probe
from assessments.probes.linux import PROBES as LINUX_PROBES
from assessments.probes.windows import PROBES as WINDOWS_PROBES


def _index(probes: list[Probe]) -> dict[str, Probe]:
    index: dict[str, Probe] = {}
    for probe in probes:
        if probe.id in index:
            raise RuntimeError(f"duplicate probe id {probe.id!r}")
        index[probe.id] = probe
    return index


LINUX: dict[str, Probe] = _index(LINUX_PROBES)
WINDOWS: dict[str, Probe] = _index(WINDOWS_PROBES)


def probes_for(os_family: str) -> dict[str, Probe]:
    return LINUX if os_family == "linux" else WINDOWS if os_family == "windows" else {}


def label(os_family: str, probe_id: str) -> str:
    """The command users see in evidence for a probe id (the id itself if unknown)."""
    probe = probes_for(os_family).get(probe_id)
    return probe.label if probe else probe_id
