"""What the host and destinations pages show about a host's platform, and its raw outputs.

Nothing here parses: the platform (OS, Windows generation, architecture, data size) is what
the checks judged, derived by the engine (`engine.Platform`) and stored on the HostScan when
the result was saved. The raw outputs the host page shows are read with the one capture
reader (`assessments.captures`), decoded and cut, never interpreted.
"""

from dataclasses import dataclass

from assessments import captures
from assessments.checks.architecture import describe
from assessments.checks.windows_facts import DESTINATION_GENERATIONS
from assessments.choices import ErrorClass, HostScanStatus
from assessments.models import HostScan
from assessments.pages.units import UNKNOWN, binary_size
from assessments.parsers.text import decode
from fleet.models import Host

SHOWN_PROBES = {
    "linux": ["os_release", "uname", "df", "proc_mounts", "ip_addr", "ifconfig"],
    "windows": ["wmic_os", "systeminfo", "wmic_logicaldisk", "wmic_volume"],
}
MAX_SHOWN_LINES = 60
MAX_SHOWN_BYTES = 1024 * 1024  # of one output read for the page (they are a few KiB)
# A result stored before HostScan had platform fields (migration 0005): re-assessing its
# capture fills them; the pages never re-parse captures to guess.
UNFILLED = "unknown (re-assess to fill)"


@dataclass(frozen=True)
class ShownPlatform:
    """A HostScan's platform fields in words, "unknown" where the checks could not tell."""

    os: str
    generation: str
    architecture: str
    data: str
    stored: bool

    @property
    def short(self) -> str:
        """One cell of the destinations page: Windows generation and architecture, or OS."""
        if not self.stored:
            return UNFILLED
        if self.generation:
            return f"{self.generation}, {self.architecture}"
        return self.os


def shown_platform(hs: HostScan | None) -> ShownPlatform | None:
    """The platform of a finished result; None for a host never scanned or whose latest
    scan did not complete (nothing was judged)."""
    if hs is None or hs.status != HostScanStatus.DONE:
        return None
    if not hs.platform_stored:
        return ShownPlatform(UNFILLED, UNFILLED, UNFILLED, UNFILLED, stored=False)
    os_name = hs.os_name or UNKNOWN
    if hs.os_name and hs.os_version and hs.os_version not in hs.os_name:
        os_name = f"{hs.os_name} ({hs.os_version})"
    windows = hs.os_family == "windows"
    generation = ""
    if windows:
        gen = hs.windows_generation
        generation = DESTINATION_GENERATIONS.get(gen, gen) if gen else UNKNOWN
    return ShownPlatform(
        os=os_name,
        generation=generation,
        architecture=(describe(hs.architecture) if hs.architecture else UNKNOWN) if windows else "",
        data=binary_size(hs.data_bytes),
        stored=True,
    )


# Labels by value, built once: the placement proposal asks for thousands of hosts per page.
STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in HostScanStatus.choices}
ERROR_LABELS: dict[str, str] = {value: str(label) for value, label in ErrorClass.choices}


def not_judged(host: Host) -> str | None:
    """Why no node can take `host` whatever the node: nothing judged it (None when its
    latest scan completed)."""
    hs = host.latest_scan
    if hs is None:
        return scan_not_judged(None, "")
    return scan_not_judged(hs.status, hs.error_class)


def scan_not_judged(status: str | None, error_class: str) -> str | None:
    """`not_judged` from the latest HostScan's status and error class (None: no scan)."""
    if status is None:
        return "never scanned"
    if status == HostScanStatus.DONE:
        return None
    error = ERROR_LABELS.get(error_class, error_class)
    why = f" ({error.lower()})" if error_class else ""
    return f"not judged: last scan {STATUS_LABELS.get(status, status).lower()}{why}"


def raw_outputs(data: bytes, os_family: str) -> dict[str, str]:
    """The shown probes' outputs of a stored capture, decoded and cut for a page ({} when
    the capture cannot be read). Only those probes' files are kept, each cut at
    `MAX_SHOWN_BYTES`: the capture is unpacked as a stream, never held whole."""
    wanted = SHOWN_PROBES.get(os_family) or [p for ids in SHOWN_PROBES.values() for p in ids]
    try:
        outputs = captures.read_stdouts(data, wanted, MAX_SHOWN_BYTES)
    except captures.CaptureError:
        return {}
    return shown({probe: decode(outputs[probe]) for probe in wanted if probe in outputs})


def shown(texts: dict[str, str]) -> dict[str, str]:
    """The texts cut to what a page shows."""
    out = {}
    for probe, text in texts.items():
        lines = [line for line in text.split("\n") if line.strip()]
        cut = lines[:MAX_SHOWN_LINES]
        if len(lines) > MAX_SHOWN_LINES:
            cut.append(f"... ({len(lines) - MAX_SHOWN_LINES} more lines)")
        out[probe] = "\n".join(cut)
    return out
