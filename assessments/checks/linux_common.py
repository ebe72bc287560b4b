"""Facts several Linux checks share: the mount table, local usage, interfaces.

Each helper prefers the richer probe and falls back to the older one (mountinfo, then
/proc/mounts; `ip`, then `ifconfig`), and returns the evidence label of the probe it used.
"""

from dataclasses import dataclass

from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.addresses import Interfaces, parse_ifconfig, parse_ip_addr
from assessments.parsers.linux.df import DfRow, parse_df
from assessments.parsers.linux.mounts import Kind, Mount, parse_mountinfo, parse_proc_mounts
from assessments.parsers.text import decode
from assessments.probes import label

DISK_KINDS = (Kind.LOCAL, Kind.LOOP)


def probe_label(probe: str) -> str:
    return label("linux", probe)


@dataclass(frozen=True)
class MountTable:
    mounts: list[Mount]
    probe: str

    @property
    def label(self) -> str:
        return probe_label(self.probe)

    def disk_backed(self) -> list[Mount]:
        return [mount for mount in self.mounts if mount.kind in DISK_KINDS]


def mount_table(facts: Facts) -> MountTable | Unavailable:
    """mountinfo when collected and usable, else /proc/mounts."""
    info = facts.parsed("mountinfo", parse_mountinfo)
    if not isinstance(info, Unavailable):
        return MountTable(info, "mountinfo")
    mounts = facts.parsed("proc_mounts", parse_proc_mounts)
    if isinstance(mounts, Unavailable):
        return Unavailable("proc_mounts", f"{mounts.reason}; mountinfo: {info.reason}")
    return MountTable(mounts, "proc_mounts")


@dataclass(frozen=True)
class Usage:
    rows: list[DfRow]  # df rows of disk-backed file systems

    @property
    def used_kib(self) -> int:
        return sum(row.used for row in self.rows)


def local_usage(facts: Facts, table: MountTable | None = None) -> Usage | Unavailable:
    """df rows of the local disk-backed file systems (joined by mount point, not device)."""
    rows = facts.parsed("df", parse_df)
    if isinstance(rows, Unavailable):
        return rows
    if table is not None:
        targets = {mount.target for mount in table.disk_backed()}
        return Usage([row for row in rows if row.target in targets])
    # Without a mount table, trust block-device sources only.
    return Usage([row for row in rows if row.source.startswith("/dev/")])


@dataclass(frozen=True)
class InterfaceData:
    interfaces: Interfaces
    probe: str

    @property
    def label(self) -> str:
        return probe_label(self.probe)


def interfaces(facts: Facts) -> InterfaceData | Unavailable:
    """`ip addr` when usable, else `ifconfig -a`."""
    ip = facts.parsed("ip_addr", parse_ip_addr)
    if not isinstance(ip, Unavailable):
        return InterfaceData(ip, "ip_addr")
    ifconfig = facts.parsed("ifconfig", parse_ifconfig)
    if isinstance(ifconfig, Unavailable):
        return Unavailable("ip_addr", f"{ip.reason}; ifconfig: {ifconfig.reason}")
    return InterfaceData(ifconfig, "ifconfig")


def tool_missing(facts: Facts, probe: str) -> bool:
    """True when the probe ran and its tool is not installed (exit 127 / "not found")."""
    out = facts.output(probe)
    if out is None:
        return False
    if out.rc == 127:
        return True
    err = decode(out.stderr)
    return "command not found" in err or err.rstrip().endswith(": not found")


def listing(items: list[str], limit: int = 8) -> str:
    """Items for a title, comma-separated, the rest counted: titles stay one line."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown
