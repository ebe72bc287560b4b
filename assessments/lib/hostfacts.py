"""Cheap facts about a host for its page and the destinations page, read from its capture.

The checks judge; this only shows. It reads a few probe files out of the stored `.tar.gz`
(in memory, capped) and pulls the little the destinations page needs: the Windows version,
the architecture and the space in use. Anything it cannot read is simply absent.
"""

import io
import re
import tarfile
from dataclasses import dataclass

from assessments.parsers.text import decode

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
    texts: dict[str, str] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive.getmembers():
                probe = member.name.rsplit("/", 1)[-1].removesuffix(".txt")
                if not member.isfile() or not member.name.endswith(".txt") or probe not in probes:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    texts[probe] = decode(handle.read(MAX_MEMBER_BYTES))
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
