"""Captures: the raw probe outputs of one host, as files (design.md, "Capture").

A capture is a directory, a `.tar.gz` (or plain/bz2/xz tar) or a `.zip` (the Windows offline
collector leaves a folder users zip by hand) holding an optional `manifest.json` and one
`<probe>.txt` per probe (stdout as the command printed it), with optional `<probe>.err` and
`<probe>.rc`. The files may sit at the top or inside one top-level folder.

Captures come from users and the network, so reading one is defensive: archives are read in
memory and never extracted; sizes are capped per file (the output is cut and marked truncated)
and in total (an error); links, devices, absolute paths, `..`, duplicate names and too many
members are refused with a `CaptureError` in words a user can act on.
"""

import json
import os
import re
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assessments.captures.archives import (
    LIMITS,
    MANIFEST,
    PROBE_FILE,
    CaptureError,
    Files,
    Limits,
    is_tar,
    read_directory,
    read_tar,
    read_tar_members,
    read_zip,
)
from assessments.captures.writer import FORMAT_VERSION, capture_to_targz, write_capture
from assessments.facts import Destination, Facts, ProbeOutput
from assessments.parsers.text import decode
from assessments.probes import LINUX, WINDOWS

__all__ = [
    "LIMITS",
    "CaptureError",
    "Limits",
    "LoadedCapture",
    "capture_to_targz",
    "facts_from_capture",
    "read_capture",
    "read_capture_bytes",
    "read_stdouts",
    "write_capture",
]

OS_FAMILIES = ("linux", "windows")

# Probe ids of design.md: enough to tell the family of a capture without a manifest.
LINUX_IDS = frozenset(
    "proc_mounts mountinfo df ip_addr ifconfig sestatus getenforce selinux_config quotaon raw"
    " getfattr os_release uname".split()
)
WINDOWS_IDS = frozenset("wmic_os wmic_logicaldisk wmic_volume env systeminfo sc_psched".split())


@dataclass
class LoadedCapture:
    """A capture read back: its manifest fields and the probe outputs, ready for `Facts`."""

    os_family: str
    hostname: str
    probes: dict[str, ProbeOutput]
    collected_at: datetime | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def facts(self, destination: Destination | None = None) -> Facts:
        return facts_from_capture(self, destination)


def facts_from_capture(capture: LoadedCapture, destination: Destination | None = None) -> Facts:
    return Facts(
        os_family=capture.os_family,
        probes=dict(capture.probes),
        hostname=capture.hostname,
        destination=destination,
    )


# -- reading ---------------------------------------------------------------------------------


def read_capture(path: str | os.PathLike[str], limits: Limits = LIMITS) -> LoadedCapture:
    """A capture from a directory or an archive file (tar in any compression, or zip)."""
    path = Path(path)
    try:
        st = path.stat()  # the path the user named may be a link; nothing inside may
    except OSError as exc:
        raise CaptureError(f"{path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        return _build(read_directory(path, limits), limits, name=path.name)
    if not stat.S_ISREG(st.st_mode):
        raise CaptureError(f"{path}: not a directory or a regular file")
    if st.st_size > limits.archive_bytes:
        raise CaptureError(
            f"{path}: {st.st_size} bytes is more than a capture may be "
            f"({limits.archive_bytes} bytes)"
        )
    with path.open("rb") as handle:
        data = handle.read(limits.archive_bytes + 1)
    return read_capture_bytes(data, limits, name=path.name)


def read_capture_bytes(
    data: bytes | bytearray | memoryview, limits: Limits = LIMITS, name: str = ""
) -> LoadedCapture:
    """A capture from the bytes of an archive (an upload, or `Capture.data`, which PostgreSQL
    hands back as a memoryview)."""
    if len(data) > limits.archive_bytes:
        raise CaptureError(f"the capture is larger than {limits.archive_bytes} bytes")
    if not data:
        raise CaptureError("the capture file is empty")
    data = bytes(data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        files = read_zip(data, limits)
    elif is_tar(data):
        files = read_tar(data, limits)
    else:
        raise CaptureError("not a capture: the file is not a .tar.gz/.tgz or .zip of probe outputs")
    return _build(files, limits, name=name)


def read_stdouts(
    data: bytes | bytearray | memoryview,
    probe_ids: Collection[str],
    max_bytes: int,
    limits: Limits = LIMITS,
) -> dict[str, bytes]:
    """The first `max_bytes` of the stdout of `probe_ids` in a capture's bytes, the rest of
    the capture unpacked as a stream and never kept (the host page's raw outputs)."""
    data = bytes(data)
    if not is_tar(data):
        probes = read_capture_bytes(data, limits).probes
        return {p: probes[p].stdout[:max_bytes] for p in probe_ids if p in probes}
    found = read_tar_members(data, {f"{p}.txt" for p in probe_ids}, max_bytes, limits)
    return {name.removesuffix(".txt"): content for name, content in found.items()}


# -- from files to a capture -----------------------------------------------------------------


def _strip_folder(files: Files) -> tuple[str, dict[str, bytes]]:
    """The top-level folder (or "") and the files by base name."""
    tops = {name.split("/", 1)[0] for name in files.content if "/" in name}
    flat = {name for name in files.content if "/" not in name}
    prefix = f"{next(iter(tops))}/" if len(tops) == 1 and not flat else ""
    result: dict[str, bytes] = {}
    for name, content in files.content.items():
        short = name.removeprefix(prefix)
        if "/" in short:
            files.notes.append(f"ignored {name} (in a sub-folder)")
            continue
        result[short] = content
        if name in files.truncated:
            files.truncated.add(short)
    return prefix.rstrip("/"), result


def _build(files: Files, limits: Limits, name: str = "") -> LoadedCapture:
    folder, content = _strip_folder(files)
    manifest = _manifest(content.get(MANIFEST), limits)
    outputs: dict[str, dict[str, bytes]] = {}
    for filename, data in content.items():
        match = PROBE_FILE.fullmatch(filename)
        if match:
            outputs.setdefault(match.group(1), {})[match.group(2)] = data
        elif filename != MANIFEST:
            files.notes.append(f"ignored {filename}")
    if not outputs:
        raise CaptureError("the capture holds no probe outputs (<probe>.txt files)")
    marked = manifest.get("truncated")
    truncated_ids = {str(p) for p in marked} if isinstance(marked, list) else set()
    probes: dict[str, ProbeOutput] = {}
    for probe_id, parts in sorted(outputs.items()):
        cut = any(f"{probe_id}.{ext}" in files.truncated for ext in ("txt", "err"))
        probes[probe_id] = ProbeOutput(
            stdout=parts.get("txt", b""),
            stderr=parts.get("err", b""),
            rc=_rc(parts.get("rc"), probe_id, files.notes),
            truncated=cut or probe_id in truncated_ids,
        )
    os_family = _os_family(manifest, probes)
    hostname = _hostname(manifest, probes, folder or files.folder or name)
    return LoadedCapture(
        os_family=os_family,
        hostname=hostname,
        probes=probes,
        collected_at=_when(manifest.get("collected_at")),
        manifest=manifest,
        notes=files.notes,
    )


def _manifest(raw: bytes | None, limits: Limits) -> dict[str, Any]:
    if raw is None:
        return {}
    if len(raw) > limits.manifest_bytes:
        raise CaptureError(f"manifest.json is larger than {limits.manifest_bytes} bytes")
    try:
        manifest = json.loads(decode(raw))
    except (ValueError, RecursionError) as exc:
        raise CaptureError(f"manifest.json is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise CaptureError("manifest.json must hold a JSON object")
    version = manifest.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise CaptureError(
            f"manifest.json: capture format {version!r} is not supported "
            f"(this version reads format {FORMAT_VERSION})"
        )
    family = manifest.get("os_family")
    if family is not None and family not in OS_FAMILIES:
        raise CaptureError(f"manifest.json: os_family must be linux or windows, not {family!r}")
    for key in ("hostname", "collected_at"):
        if manifest.get(key) is not None and not isinstance(manifest[key], str):
            raise CaptureError(f"manifest.json: {key} must be a string")
    return manifest


def _rc(raw: bytes | None, probe_id: str, notes: list[str]) -> int | None:
    if raw is None:
        return None
    text = decode(raw).strip()
    if re.fullmatch(r"-?\d{1,10}", text):
        return int(text)
    notes.append(f"{probe_id}.rc does not hold an exit code")
    return None


def _os_family(manifest: Mapping[str, Any], probes: Mapping[str, ProbeOutput]) -> str:
    if manifest.get("os_family"):
        return str(manifest["os_family"])
    ids = set(probes)
    linux = len(ids & (LINUX_IDS | set(LINUX)))
    windows = len(ids & (WINDOWS_IDS | set(WINDOWS)))
    if linux > windows:
        return "linux"
    if windows > linux:
        return "windows"
    raise CaptureError(
        "cannot tell whether this is a Linux or a Windows capture: add a manifest.json with "
        '"os_family"'
    )


def _hostname(manifest: Mapping[str, Any], probes: Mapping[str, ProbeOutput], name: str) -> str:
    if manifest.get("hostname"):
        return _printable(str(manifest["hostname"]))
    patterns = [
        ("uname", re.compile(r"\A\S+ (\S+)")),
        ("wmic_os", re.compile(r"^CSName=(\S+)", re.MULTILINE)),
        ("systeminfo", re.compile(r"^Host Name:\s+(\S+)", re.MULTILINE)),
    ]
    for probe_id, pattern in patterns:
        out = probes.get(probe_id)
        found = pattern.search(decode(out.stdout)) if out else None
        if found:
            return _printable(found.group(1))
    named = re.match(r"p2c-capture-(.+?)-\d{8}", name)
    return _printable(named.group(1)) if named else ""


def _printable(text: str) -> str:
    return "".join(char for char in text if char.isprintable())[:255]


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
