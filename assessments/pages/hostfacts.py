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
from assessments.choices import HostScanStatus
from assessments.models import HostScan
from assessments.parsers.text import decode

SHOWN_PROBES = {
    "linux": ["os_release", "uname", "df", "proc_mounts", "ip_addr", "ifconfig"],
    "windows": ["wmic_os", "systeminfo", "wmic_logicaldisk", "wmic_volume"],
}
MAX_SHOWN_LINES = 60
MAX_SHOWN_BYTES = 1024 * 1024  # of one output read for the page (they are a few KiB)
# A result stored before HostScan had platform fields (migration 0005): re-assessing its
# capture fills them; the pages never re-parse captures to guess.
UNFILLED = "unknown (re-assess to fill)"
UNKNOWN = "unknown"
BINARY_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def binary_size(size: int | float | None) -> str:
    """Bytes for people in the one unit family of the pages, binary with one decimal:
    `190.6 GiB` (Django's filesizeformat says "GB" for binary units)."""
    if size is None:
        return UNKNOWN
    value = float(size)
    if abs(value) < 1024:
        return f"{value:.0f} B"
    for unit in BINARY_UNITS:
        value /= 1024
        if abs(value) < 1024 or unit == BINARY_UNITS[-1]:
            break
    return f"{value:.1f} {unit}"


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
