"""Cheap facts about a host for its page and the destinations page, read from its capture.

The checks judge; this only shows. It reads a few probe files out of the stored `.tar.gz`
(in memory, capped) and pulls the little the destinations page needs: the Windows version,
the architecture and the space in use. Anything it cannot read is simply absent.
"""

import io
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from assessments.facts import ProbeOutput
from assessments.parsers.text import decode

T = TypeVar("T")

SHOWN_PROBES = {
    "linux": ["os_release", "uname", "df", "proc_mounts", "ip_addr", "ifconfig"],
    "windows": ["wmic_os", "systeminfo", "wmic_logicaldisk", "wmic_volume"],
}
MAX_MEMBER_BYTES = 256 * 1024
MAX_SHOWN_LINES = 60
# Linux file systems that hold no data worth moving (df -l still lists some of them).
PSEUDO_FS = re.compile(r"^(tmpfs|devtmpfs|udev|none|overlay|shm|rootfs|proc|sysfs)$")


@dataclass(frozen=True)
class Platform:
    """What a destination must match: Windows version and architecture, and space needed."""

    windows_version: str = ""
    architecture: str = ""
    used_bytes: int | None = None


def probe_texts(data: bytes, probes: list[str]) -> dict[str, str]:
    """Decoded text of the wanted `<probe>.txt` members of a capture archive."""
    return {probe: decode(raw) for probe, raw in probe_bytes(data, probes).items()}


def probe_bytes(data: bytes, probes: list[str]) -> dict[str, bytes]:
    """Raw bytes of the wanted `<probe>.txt` members of a capture archive (each capped)."""
    texts: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive.getmembers():
                probe = member.name.rsplit("/", 1)[-1].removesuffix(".txt")
                if not member.isfile() or not member.name.endswith(".txt") or probe not in probes:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    texts[probe] = handle.read(MAX_MEMBER_BYTES)
    except (tarfile.TarError, OSError, EOFError):
        return {}
    return texts


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


def _wmic_values(text: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition("=")
        if sep:
            values.setdefault(key.strip(), []).append(value.strip())
    return values


VERSION_BY_NT = {"5.2": "2003", "6.0": "2008", "6.1": "2008r2"}


def _windows_version(os_values: dict[str, list[str]], systeminfo: str) -> str:
    # Numbers before words: captions are localised and carry (R)/® variants.
    nt = re.match(r"(\d+\.\d+)", " ".join(os_values.get("Version", [])))
    if nt and nt.group(1) in VERSION_BY_NT:
        return VERSION_BY_NT[nt.group(1)]
    caption = " ".join(os_values.get("Caption", [])) or systeminfo
    if "2003" in caption:
        return "2003"
    if re.search(r"2008\s*R2", caption):
        return "2008r2"
    return "2008" if "2008" in caption else ""


def _windows_architecture(os_values: dict[str, list[str]], texts: dict[str, str]) -> str:
    env = _wmic_values(texts.get("env", ""))
    machine = (env.get("PROCESSOR_ARCHITEW6432") or env.get("PROCESSOR_ARCHITECTURE") or [""])[0]
    if machine:
        return "x64" if machine.upper() == "AMD64" else ("x86" if machine == "x86" else "")
    bits = re.search(r"(32|64)", " ".join(os_values.get("OSArchitecture", [])))
    if bits:
        return "x64" if bits.group(1) == "64" else "x86"
    system_type = texts.get("systeminfo", "")
    if re.search(r"x64-based", system_type):
        return "x64"
    return "x86" if re.search(r"X86-based", system_type, re.IGNORECASE) else ""


def windows_platform(texts: dict[str, str]) -> Platform:
    os_values = _wmic_values(texts.get("wmic_os", ""))
    version = _windows_version(os_values, texts.get("systeminfo", ""))
    architecture = _windows_architecture(os_values, texts)
    disks = _wmic_values(texts.get("wmic_logicaldisk", ""))
    used = None
    sizes, frees, types = disks.get("Size", []), disks.get("FreeSpace", []), disks.get("DriveType")
    if sizes and len(sizes) == len(frees):
        used = 0
        for index, (size, free) in enumerate(zip(sizes, frees, strict=True)):
            local = types is None or index >= len(types) or types[index] == "3"
            if local and size.isdigit() and free.isdigit():
                used += int(size) - int(free)
    return Platform(version, architecture, used)


def linux_platform(texts: dict[str, str]) -> Platform:
    uname = texts.get("uname", "")
    architecture = "x64" if "x86_64" in uname else ("x86" if re.search(r"i[3-6]86", uname) else "")
    used = None
    for line in texts.get("df", "").split("\n")[1:]:
        fields = line.split()
        if len(fields) >= 6 and fields[2].isdigit() and not PSEUDO_FS.match(fields[0]):
            used = (used or 0) + int(fields[2]) * 1024
    return Platform("", architecture, used)


def platform_of(os_family: str, data: bytes | None) -> Platform:
    if not data:
        return Platform()
    texts = probe_texts(data, [*SHOWN_PROBES.get(os_family, []), "env"])
    return windows_platform(texts) if os_family == "windows" else linux_platform(texts)


@dataclass
class Summary:
    """What the host page lists about a host: OS, file systems, addresses, volumes."""

    os: str = ""
    filesystems: list[tuple[str, str, int, int]] = field(default_factory=list)  # bytes
    addresses: list[tuple[str, str]] = field(default_factory=list)


def _quietly(parse: Callable[[], T]) -> T | None:
    # Showing facts must never break the page: a parser that cannot read an output (old
    # format, error text, missing probe) leaves that part out; the raw output stays shown.
    try:
        return parse()
    except Exception:
        return None


def summary(os_family: str, raw: dict[str, bytes]) -> Summary:
    """Facts parsed from the capture's probes with the project's own parsers."""
    result = Summary()
    if os_family == "windows":
        _windows_summary(raw, result)
    else:
        _linux_summary(raw, result)
    return result


def _linux_summary(raw: dict[str, bytes], result: Summary) -> None:
    from assessments.parsers.linux.addresses import parse_ifconfig, parse_ip_addr
    from assessments.parsers.linux.df import parse_df
    from assessments.parsers.linux.os_release import parse_os_release

    if "os_release" in raw:
        release = _quietly(lambda: parse_os_release(ProbeOutput(raw["os_release"])))
        result.os = release.pretty_name if release else ""
    if "df" in raw:
        rows = _quietly(lambda: parse_df(ProbeOutput(raw["df"]))) or []
        result.filesystems = [
            (r.target, r.source, r.total * 1024, r.used * 1024)
            for r in rows
            if not PSEUDO_FS.match(r.source)
        ]
    for probe, parser in (("ip_addr", parse_ip_addr), ("ifconfig", parse_ifconfig)):
        if probe in raw and not result.addresses:
            found = _quietly(lambda p=probe, f=parser: f(ProbeOutput(raw[p])))  # type: ignore[misc]
            if found is not None:
                result.addresses = [
                    (a.label, f"{a.address}/{a.prefix}" if a.prefix is not None else a.address)
                    for a in found.addresses
                    if a.scope != "host"
                ]


def _windows_summary(raw: dict[str, bytes], result: Summary) -> None:
    from assessments.parsers.windows.disks import parse_logicaldisks

    texts = {probe: decode(data) for probe, data in raw.items()}
    caption = " ".join(_wmic_values(texts.get("wmic_os", "")).get("Caption", []))
    platform = windows_platform(texts)
    result.os = " ".join(filter(None, [caption.strip(), platform.architecture]))
    if "wmic_logicaldisk" in raw:
        volumes = _quietly(lambda: parse_logicaldisks(ProbeOutput(raw["wmic_logicaldisk"])))
        disks = _wmic_values(texts["wmic_logicaldisk"])
        free = dict(zip(disks.get("DeviceID", []), disks.get("FreeSpace", []), strict=False))
        for volume in volumes or []:
            if volume.local and volume.size is not None:
                spare = free.get(volume.name, "")
                used = volume.size - int(spare) if spare.isdigit() else 0
                result.filesystems.append((volume.name, volume.file_system, volume.size, used))
