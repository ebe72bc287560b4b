"""The block layout under the file systems: md RAID (`/proc/mdstat`), device-mapper devices
(`dmsetup ls`), LVM logical volumes (`lvs`) and multipath maps (`multipath -ll`)."""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.text import decode


@dataclass(frozen=True)
class MdArray:
    name: str  # md0
    state: str  # active | inactive
    level: str  # raid1, raid5, linear... ("" for an inactive array)
    devices: list[str]  # sda1, sdb1(F)...
    line: str


# `md2 : active (auto-read-only) raid1 sda6[0] sdb6[1]`, `md127 : inactive sdb[1](S)`
_MD = re.compile(r"^(md\S*)\s*:\s*(active|inactive)\s*(.*)$")


def parse_mdstat(out: ProbeOutput) -> list[MdArray]:
    arrays = []
    for raw in decode(out.stdout).split("\n"):
        found = _MD.match(raw.strip())
        if not found:
            continue
        words = [w for w in found.group(3).split() if not w.startswith("(")]
        level = words[0] if words and "[" not in words[0] else ""
        devices = [re.sub(r"\[\d+\]", "", w) for w in words if "[" in w]
        arrays.append(MdArray(found.group(1), found.group(2), level, devices, raw.strip()))
    return arrays


@dataclass(frozen=True)
class DmDevice:
    name: str  # vg-lv, mpatha, luks-...
    device: str  # 253:0
    line: str

    @property
    def snapshot_part(self) -> bool:
        """The hidden devices of a classic LVM snapshot: `VG-LV-cow` and `VG-ORIGIN-real`."""
        return self.name.endswith(("-cow", "-real"))


# `vg-root	(253:0)`; dmsetup before 1.02.?? prints `(253, 0)`.
_DM = re.compile(r"^(\S+)\s+\((\d+)(?::|,\s*)(\d+)\)\s*$")


def parse_dmsetup(out: ProbeOutput) -> list[DmDevice]:
    devices = []
    for raw in decode(out.stdout).split("\n"):
        if found := _DM.match(raw.strip()):
            devices.append(DmDevice(found.group(1), f"{found.group(2)}:{found.group(3)}", raw))
    return devices


@dataclass(frozen=True)
class LogicalVolume:
    vg: str  # "" when the output did not name it (lvs -o lv_name,vg_uuid,...)
    name: str
    attr: str  # -wi-ao----, swi-a-s---, owi-aos---...
    size: str
    origin: str
    line: str

    @property
    def snapshot(self) -> bool:
        """A snapshot: `s`/`S` (invalid) first attribute; thin snapshots have an origin."""
        return self.attr[:1] in ("s", "S") or bool(self.origin)

    @property
    def has_snapshots(self) -> bool:
        """The origin of a classic snapshot (`o`/`O`)."""
        return self.attr[:1] in ("o", "O")


# The lv_attr field: volume type, permissions (w/r), then allocation, fixed, state, open...
_ATTR = re.compile(r"[-a-zA-Z][-rwR][-a-zA-Z]{4}[-a-zA-Z]{0,4}")


def parse_lvs(out: ProbeOutput) -> list[LogicalVolume]:
    """`lvs --separator '|' -o vg_name,lv_name,lv_attr,lv_size,origin` (this project's probe),
    or blank-separated columns of another `-o` list, where the attribute field is told by its
    form and the first column is the volume name."""
    volumes = []
    for raw in decode(out.stdout).split("\n"):
        line = raw.strip()
        if "|" in line:
            vg, name, attr, size, origin = ([f.strip() for f in line.split("|")] + [""] * 5)[:5]
            if _ATTR.fullmatch(attr):
                volumes.append(LogicalVolume(vg, name, attr, size, origin, line))
            continue
        words = line.split()
        attrs = [w for w in words[1:] if _ATTR.fullmatch(w) and "-" in w]
        if words and attrs:
            after = words[words.index(attrs[0]) + 1 :]
            volumes.append(
                LogicalVolume("", words[0], attrs[0], after[0] if after else "", "", line)
            )
    return volumes


@dataclass(frozen=True)
class MultipathMap:
    name: str  # mpatha, or the WWID without user_friendly_names
    wwid: str
    dm: str  # dm-3
    vendor: str  # "SEAGATE,DL1800MM0159"
    paths: list[str] = field(default_factory=list)  # sdai, sdbg...
    line: str = ""


# `d11 (35000c500ad9ae4b3) dm-15 SEAGATE,DL1800MM0159`, `3600a0b8... dm-0 IBM,1814` (no
# friendly name), RHEL 5's `mpath0 (3600...) dm-0 IBM,2145`.
_MAP = re.compile(r"^(\S+)\s+(?:\((\S+)\)\s+)?(dm-\d+)\s*(.*)$")
# `  |- 14:0:20:0 sdai 66:32  active undef running`, RHEL 5's ` \_ 1:0:0:0 sdb 8:16 [active]`
_PATH = re.compile(r"\b\d+:\d+:\d+:\d+\s+(\S+)\s+\d+:\d+")


def parse_multipath(out: ProbeOutput) -> list[MultipathMap]:
    maps: list[MultipathMap] = []
    for raw in decode(out.stdout).split("\n"):
        if found := _MAP.match(raw.strip()):
            name, wwid, dm, vendor = found.groups()
            maps.append(MultipathMap(name, wwid or name, dm, vendor.strip(), [], raw.strip()))
        elif maps and (path := _PATH.search(raw)):
            maps[-1].paths.append(path.group(1))
    return maps
