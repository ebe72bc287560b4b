"""Raw device bindings (`raw -qa`, /etc/sysconfig/rawdevices) and Oracle ASMLib disks.

`raw -qa` separates with a TAB on some builds and two spaces on others: split on `\\s+`.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput
from assessments.parsers.text import decode


@dataclass(frozen=True)
class RawBinding:
    device: str  # /dev/raw/raw1
    major: int
    minor: int
    line: str


_BOUND = re.compile(r"(/dev/raw/raw\d+):\s+bound to major (\d+),\s+minor (\d+)")


def parse_raw_qa(out: ProbeOutput) -> list[RawBinding]:
    text = decode(out.stdout)
    return [
        RawBinding(m[1], int(m[2]), int(m[3]), line.strip())
        for line in text.split("\n")
        if (m := _BOUND.search(line))
    ]


@dataclass(frozen=True)
class RawConfig:
    raw: str
    block: str
    line: str


# udev rules that bind (`RUN+="/bin/raw /dev/raw/raw1 %N"`, any path to raw, `%M %m`) or that
# give raw device nodes to an application (`KERNEL=="raw1", OWNER="grid"`, `KERNEL=="raw[1-4]*",
# GROUP="asmadmin"`, `MODE="0660"`). udev's own rules only name the nodes (`NAME="raw/%k",
# GROUP="disk"`; RHEL 5 keeps them in /etc/udev/rules.d/50-udev.rules, next to firewire's
# `raw1394`): no binding.
_UDEV_BINDING = re.compile(r"RUN\+?=.*\braw\s+/dev/raw/raw")
_UDEV_RAW_NODE = re.compile(r"KERNEL\s*==\s*\"raw(?!ctl\"|1394\")[^\"]*\"")
_UDEV_OWNER = re.compile(r"\b(OWNER|GROUP)\s*:?=\s*\"([^\"]*)\"")
_SYSTEM_OWNERS = {"root", "disk", ""}
# SLES's /etc/raw (read by /etc/init.d/raw): `raw1:sdb1`.
_SLES_RAW = re.compile(r"^(raw\d+):(\S+)$")


def _owned(rule: str) -> bool:
    """A udev rule that gives its nodes to someone other than root and the disk group, or
    sets their mode (udev's own raw rules set neither)."""
    if re.search(r"\bMODE\s*:?=", rule):
        return True
    return any(value not in _SYSTEM_OWNERS for _, value in _UDEV_OWNER.findall(rule))


def parse_rawdevices_config(out: ProbeOutput) -> list[RawConfig]:
    """`/etc/sysconfig/rawdevices` (RHEL 4/5), SLES's `/etc/raw`, and udev rules binding raw
    devices or owning their nodes (Oracle guides give raw nodes to the grid user): bindings
    set at boot."""
    text = decode(out.stdout)
    entries: list[RawConfig] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("==>"):
            continue
        fields = stripped.split()
        sles = _SLES_RAW.match(stripped)
        if len(fields) >= 2 and fields[0].startswith("/dev/raw/"):
            entries.append(RawConfig(fields[0], " ".join(fields[1:]), stripped))
        elif sles:
            block = sles[2] if sles[2].startswith("/") else f"/dev/{sles[2]}"
            entries.append(RawConfig(f"/dev/raw/{sles[1]}", block, stripped))
        elif _UDEV_BINDING.search(stripped) or (
            _UDEV_RAW_NODE.search(stripped) and _owned(stripped)
        ):
            raw = re.search(r"(/dev/raw/raw\w+)|KERNEL\s*==\s*\"(raw[^\"]*)\"", stripped)
            name = (raw.group(1) or f"/dev/raw/{raw.group(2)}") if raw else ""
            entries.append(RawConfig(name, "", stripped))
    return entries


def parse_oracleasm(out: ProbeOutput) -> list[str]:
    """`oracleasm listdisks` (or the listing of /dev/oracleasm/disks): one ASM label per line."""
    text = decode(out.stdout)
    labels = (line.strip() for line in text.split("\n"))
    return [label for label in labels if re.fullmatch(r"[A-Za-z0-9_.-]+", label)]
