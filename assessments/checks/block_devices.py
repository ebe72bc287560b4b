"""B3 (beyond the document): a container has no block devices: LVM, md RAID and multipath
are flattened into its one file system, and tools acting on block devices stop working."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import counted, failures, listing, probe_label
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.block import (
    DmDevice,
    LogicalVolume,
    parse_dmsetup,
    parse_lvs,
    parse_mdstat,
    parse_multipath,
)

LAYOUT_REMEDIATION = (
    "Nothing to keep: the data is copied file by file into one container file system (see "
    "filesystems). Retire the RAID, LVM and multipath configuration inside the container "
    "(mdadm, lvm2 and multipath services, their monitoring); the node's storage does that "
    "work now."
)
SNAPSHOT_REMEDIATION = (
    "Something creates LVM snapshots (backup scripts, lvcreate -s in cron, snapper, a backup "
    "agent): it will fail in the container. Move the backup to the node's snapshots "
    "(container backups, ploop snapshots) or to file-level backup, and remove the old "
    "snapshots before migrating."
)


class Layout(Check):
    """LVM, md RAID and multipath layouts do not exist inside a container.

    Beyond the document. The container gets one file system on the node's storage, not block
    devices: logical volumes, software RAID arrays and multipath LUNs of the source are
    flattened by the copy (the document's first restriction), and whatever managed them
    (mdadm, lvm2, multipathd, their monitoring) has nothing left to manage.
    """

    id = "block_devices.layout"
    restriction = "block_devices"
    os_family = "linux"
    probes = ("mdstat", "dmsetup", "lvs", "multipath")
    # Every logical volume and multipath map is a device-mapper device: dmsetup lists them all.
    alternatives = (("dmsetup", "lvs", "multipath"),)
    title = "Block device layout"

    def evaluate(self, facts: Facts) -> list[Finding]:
        arrays = facts.parsed("mdstat", parse_mdstat)
        devices = facts.parsed("dmsetup", parse_dmsetup)
        volumes = facts.parsed("lvs", parse_lvs)
        maps = facts.parsed("multipath", parse_multipath)
        label = ", ".join(probe_label(p) for p in self.probes)
        mapper = [devices, volumes, maps]
        failed = failures(arrays, *mapper)
        if failures(arrays) or len(failures(*mapper)) == len(mapper):
            return [self.unknown(failed)]
        md = [] if isinstance(arrays, Unavailable) else arrays
        lvs = [] if isinstance(volumes, Unavailable) else volumes
        paths = [] if isinstance(maps, Unavailable) else maps
        dm = [] if isinstance(devices, Unavailable) else devices
        parts = []
        if md:
            parts.append(f"md RAID {listing([a.summary for a in md])}")
        if lvs:
            groups = sorted({v.vg for v in lvs if v.vg})
            where = f" in {counted(len(groups), 'volume group')}" if groups else ""
            parts.append(f"{counted(len(lvs), 'LVM logical volume')}{where}")
        elif dm and isinstance(volumes, Unavailable):
            parts.append(
                f"{counted(len(dm), 'device-mapper device')} ({listing([d.name for d in dm], 4)})"
            )
        if paths:
            parts.append(
                f"{counted(len(paths), 'multipath map')} ({listing([m.name for m in paths], 4)})"
            )
        lines = [" ".join(filter(None, (a.line, a.slots, a.sync))) for a in md]
        lines += [v.line for v in lvs] + [m.line for m in paths]
        if not lvs:
            lines += [d.line.strip() for d in dm]
        lines += [f"({r.reason})" for r in failed]
        if not parts:
            return [
                self.finding(
                    Severity.PASS,
                    "No LVM, md RAID or multipath",
                    evidence(label, lines or ["none"]),
                )
            ]
        return [
            self.finding(
                Severity.INFO,
                f"Block layout flattened into the container's one file system: {'; '.join(parts)}",
                evidence(label, lines),
                LAYOUT_REMEDIATION,
            )
        ]


class Snapshots(Check):
    """LVM snapshots exist: something makes them, and it will fail in a container.

    Beyond the document. A container cannot create logical volumes or snapshots. Existing
    snapshots (or the hidden -cow / -real devices of one) mean backups or other tooling take
    them, which stops working after migration (the catalogue's ruling: the layout alone is
    information, a snapshot is a warning).
    """

    id = "block_devices.snapshots"
    restriction = "block_devices"
    os_family = "linux"
    probes = ("lvs", "dmsetup")
    alternatives = (("lvs", "dmsetup"),)
    title = "LVM snapshots"

    def evaluate(self, facts: Facts) -> list[Finding]:
        volumes = facts.parsed("lvs", parse_lvs)
        devices = facts.parsed("dmsetup", parse_dmsetup)
        label = f"{probe_label('lvs')}; {probe_label('dmsetup')}"
        snapshots: list[LogicalVolume] = (
            [] if isinstance(volumes, Unavailable) else [v for v in volumes if v.snapshot]
        )
        parts: list[DmDevice] = (
            [] if isinstance(devices, Unavailable) else [d for d in devices if d.snapshot_part]
        )
        origins = (
            [] if isinstance(volumes, Unavailable) else [v for v in volumes if v.has_snapshots]
        )
        lines = [v.line for v in snapshots + origins] + [d.line.strip() for d in parts]
        if snapshots or origins or parts:
            names = [
                (f"{v.vg}/{v.name}" if v.vg else v.name) + (f" (of {v.origin})" if v.origin else "")
                for v in snapshots
            ]
            names = names or [f"snapshots of {v.name}" for v in origins] or [d.name for d in parts]
            return [
                self.finding(
                    Severity.WARNING,
                    f"LVM snapshots exist: {listing(names)}",
                    evidence(label, lines),
                    SNAPSHOT_REMEDIATION,
                )
            ]
        if failures(volumes):
            # dmsetup names show classic snapshots only, never thin ones.
            return [self.unknown(failures(volumes, devices))]
        notes = [f"({r.reason})" for r in (volumes, devices) if isinstance(r, Unavailable)]
        count = 0 if isinstance(volumes, Unavailable) else len(volumes)
        return [
            self.finding(
                Severity.PASS,
                "No LVM snapshot",
                evidence(label, [f"{counted(count, 'logical volume')}, no snapshot", *notes]),
            )
        ]


CHECKS: list[type[Check]] = [Layout, Snapshots]
