"""The block layout under the file systems: md RAID (`/proc/mdstat`), device-mapper devices
(`dmsetup ls`), LVM logical volumes (`lvs`) and multipath maps (`multipath -ll`)."""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode


@dataclass
class MdArray:
    name: str  # md0
    state: str  # active | inactive
    level: str  # raid1, raid5, linear... ("" for an inactive array)
    devices: list[str]  # sda1, sdb1(F)...
    line: str
    slots: str = ""  # "[2/1] [U_]": members wanted / working, and which are up
    sync: str = ""  # "recovery 8.5%", "resync 25.7%", "check 94.3%", "resync DELAYED"...

    @property
    def degraded(self) -> bool:
        """A member is missing or failed: `[2/1] [U_]` (`_` marks a missing slot)."""
        return "_" in self.slots

    @property
    def summary(self) -> str:
        """`md6 (raid1, degraded [2/1] [U_], recovery 8.5%)` for titles and evidence."""
        details = [self.level] if self.level else []
        details += ["inactive"] if self.state == "inactive" else []
        if self.degraded:
            details.append(f"degraded {self.slots}")
        if self.sync:
            details.append(self.sync)
        return f"{self.name} ({', '.join(details or [self.state])})"


# `md2 : active (auto-read-only) raid1 sda6[0] sdb6[1]`, `md127 : inactive sdb[1](S)`
_MD = re.compile(r"^(md\S*)\s*:\s*(active|inactive)\s*(.*)$")
# The status line under it: `195310144 blocks [2/1] [U_]` (also `super 1.2 level 6, 64k chunk,
# algorithm 2 [8/8] [UUUUUUUU]`); raid0 and linear arrays have none.
_SLOTS = re.compile(r"(\[\d+/\d+\])\s*(\[[U_]+\])")
# A progress line (`[=>....]  recovery =  8.5% (16775552/195310144) finish=...`) or a
# waiting one (`resync=DELAYED`, `resync=PENDING`): kernels print both with blanks or tabs.
_SYNC = re.compile(r"\b(resync|recovery|reshape|check|repair)\s*=\s*([\d.]+%|[A-Z]+)")


def parse_mdstat(out: ProbeOutput) -> list[MdArray]:
    """The arrays of /proc/mdstat with their members and, from the lines below each array,
    its slots and any resync / recovery in progress (`Personalities`, `read_ahead` (2.4
    kernels), `bitmap:` and `unused devices` lines carry nothing to report)."""
    arrays: list[MdArray] = []
    reading = Reading("/proc/mdstat", "md array")
    for raw in decode(out.stdout).split("\n"):
        found = _MD.match(raw.strip())
        if found:
            reading.known()
            words = [w for w in found.group(3).split() if not w.startswith("(")]
            level = words[0] if words and "[" not in words[0] else ""
            devices = [re.sub(r"\[\d+\]", "", w) for w in words if "[" in w]
            arrays.append(MdArray(found.group(1), found.group(2), level, devices, raw.strip()))
            continue
        if _MD_STOCK.match(raw.strip()):
            reading.known()
            continue
        if not arrays or not raw[:1].isspace():
            reading.skip(raw)
            continue
        if (slots := _SLOTS.search(raw)) and not arrays[-1].slots:
            arrays[-1].slots = f"{slots.group(1)} {slots.group(2)}"
        if (sync := _SYNC.search(raw)) and not arrays[-1].sync:
            arrays[-1].sync = f"{sync.group(1)} {sync.group(2)}"
    reading.refuse(len(arrays))
    return arrays


# The lines of /proc/mdstat that are no array: what every kernel prints with none.
_MD_STOCK = re.compile(r"^(?:Personalities\s*:|read_ahead\b|unused devices\s*:)")


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
    """`NAME (MAJOR:MINOR)` lines; `No devices found` when there are none."""
    devices = []
    reading = Reading("dmsetup ls", "device-mapper device")
    for raw in decode(out.stdout).split("\n"):
        if found := _DM.match(raw.strip()):
            reading.known()
            devices.append(DmDevice(found.group(1), f"{found.group(2)}:{found.group(3)}", raw))
        elif raw.strip() == "No devices found":
            reading.known()
        else:
            reading.skip(raw)
    reading.refuse(len(devices))
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


# A VG or LV UUID (`-o lv_name,vg_uuid,...` puts one where the default layout has the VG).
_LVM_UUID = re.compile(r"[0-9A-Za-z]{6}(?:-[0-9A-Za-z]{4}){5}-[0-9A-Za-z]{6}")


# lvs's default columns, printed by `lvs --separator '|'` without `-o`: LV VG Attr LSize
# [Pool] Origin Data% ...; lvm2 before 2.02.89 (RHEL 5, early RHEL 6) has no Pool column and
# prints ten columns or fewer. Under a header line the columns are named.
_HEADINGS = {"LV": "name", "VG": "vg", "Attr": "attr", "LSize": "size", "Origin": "origin"}
# What lvs prints besides volumes: warnings (stderr mixed in), "No volume groups found".
_LVS_NOISE = re.compile(
    r"(WARNING|File descriptor|No volume groups found|Reloading|Wiping|Couldn't find"
    r"|/dev/\S+: read failed|Volume group \S+ not found|/run/lvm/|Found duplicate|Skipping"
    r"|Ignoring|Reading |Falling back)",
    re.IGNORECASE,
)


def _separated(fields: list[str], columns: dict[str, int], line: str) -> LogicalVolume | None:
    """One `|`-separated lvs line: by the header's columns, else the probe's five columns
    (`vg|lv|attr|size|origin`), else lvs's default columns (the attribute third)."""
    if not columns:
        if len(fields) == 5:
            columns = {"vg": 0, "name": 1, "attr": 2, "size": 3, "origin": 4}
        elif len(fields) > 5 and _ATTR.fullmatch(fields[2]):
            origin = 5 if len(fields) >= 11 else 4
            columns = {"name": 0, "vg": 1, "attr": 2, "size": 3, "origin": origin}
        else:
            return None
    value = {key: fields[at] if at < len(fields) else "" for key, at in columns.items()}
    if not _ATTR.fullmatch(value.get("attr", "")) or not value.get("name"):
        return None
    return LogicalVolume(
        value.get("vg", ""),
        value["name"],
        value["attr"],
        value.get("size", ""),
        value.get("origin", ""),
        line,
    )


def parse_lvs(out: ProbeOutput) -> list[LogicalVolume]:
    """`lvs --separator '|' -o vg_name,lv_name,lv_attr,lv_size,origin` (this project's probe),
    `|`-separated lvs in its default columns (with or without the header line), or
    blank-separated columns of another `-o` list, where the attribute field is told by its
    form and the first column is the volume name. In lvs's default layout (`LV VG Attr LSize
    Pool Origin ...`) the second column is the volume group (unless it is a UUID), and under
    a header line the origin is the word that starts where `Origin` does (lvs left-aligns
    text columns; Pool and Origin are blank for most volumes, so only the position tells).
    Lines of another layout (another separator) make the output unavailable, never "no
    volumes"."""
    volumes = []
    origin_at = -1
    columns: dict[str, int] = {}
    unread = []
    for raw in decode(out.stdout).split("\n"):
        line = raw.strip()
        if not line or _LVS_NOISE.match(line):
            continue
        if "|" in line:
            fields = [f.strip() for f in line.split("|")]
            if "LV" in fields and "Attr" in fields:
                columns = {_HEADINGS[f]: at for at, f in enumerate(fields) if f in _HEADINGS}
            elif volume := _separated(fields, columns, line):
                volumes.append(volume)
            else:
                unread.append(line)
            continue
        words = line.split()
        if words[:1] == ["LV"] and "Attr" in words:
            origin_at = raw.find(" Origin") + 1 if " Origin" in raw else -1
            continue
        attrs = [w for w in words[1:] if _ATTR.fullmatch(w) and "-" in w]
        if not attrs:
            unread.append(line)
            continue
        at = words.index(attrs[0])
        after = words[at + 1 :]
        origin = next((m.group() for m in re.finditer(r"\S+", raw) if m.start() == origin_at), "")
        vg = words[1] if at == 2 and not _LVM_UUID.fullmatch(words[1]) else ""
        volumes.append(
            LogicalVolume(vg, words[0], attrs[0], after[0] if after else "", origin, line)
        )
    if unread and not volumes:
        raise ProbeUnavailable(f"no logical volume read from lvs output: {unread[0][:80]!r}")
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
# friendly name), RHEL 5's `mpath0 (3600...) dm-0 IBM,2145`. A WWID may hold blanks (`mpatha
# (1IET     00080001) dm-0 IET,VIRTUAL-DISK`, or bare `1IET     00080001 dm-0 ...`), and
# RHEL 5 glues a bare WWID to the dm name (`...000000c600dm-2 HP,OPEN-E`). Map lines start in
# the first column; path and group lines are indented or drawn (`|-+-`, `` `- ``, `\_`).
_MAP_ALIAS = re.compile(r"^(\S.*?)\s+\(([^()]*)\)\s*(dm-\d+)(?:\s+(.*))?$")
_MAP_BARE = re.compile(r"^(\S.*?)\s*(dm-\d+)(?:\s+(.*))?$")
# `  |- 14:0:20:0 sdai 66:32  active undef running`, RHEL 5's ` \_ 1:0:0:0 sdb 8:16 [active]`
_PATH = re.compile(r"\b\d+:\d+:\d+:\d+\s+(\S+)\s+\d+:\d+")
_NOT_A_MAP = ("|", "`", "\\", "size=", "[size=")


def _map_header(line: str) -> MultipathMap | None:
    if not line[:1].strip() or line.startswith(_NOT_A_MAP):
        return None
    if found := _MAP_ALIAS.match(line):
        name, wwid, dm, vendor = found.groups()
    elif found := _MAP_BARE.match(line):
        name, dm, vendor = found.groups()
        wwid = name
    else:
        return None
    return MultipathMap(
        name.strip(), wwid.strip() or name.strip(), dm, (vendor or "").strip(), [], line.strip()
    )


def parse_multipath(out: ProbeOutput) -> list[MultipathMap]:
    """The maps of `multipath -ll` and their path devices; the path list and debugging lines
    that verbose runs print before the maps are not maps."""
    maps: list[MultipathMap] = []
    reading = Reading("multipath -ll", "multipath map")
    for raw in decode(out.stdout).split("\n"):
        if header := _map_header(raw.rstrip()):
            reading.known()
            maps.append(header)
        elif maps and (path := _PATH.search(raw)):
            maps[-1].paths.append(path.group(1))
        elif _MULTIPATH_LOG.match(raw.strip()):
            reading.known()  # multipath's own messages, e.g. no multipath.conf: no map
        elif not maps:
            reading.skip(raw)
    reading.refuse(len(maps))
    return maps


# multipath-tools' log lines (`Apr 14 09:38:09 | /etc/multipath.conf does not exist,
# blacklisting all devices.`; newer versions stamp the uptime: `92116.652114 | ...`).
_MULTIPATH_LOG = re.compile(r"^(?:(?:[A-Z][a-z]{2} +\d+ )?\d\d:\d\d:\d\d|\d+\.\d+) \| ")
