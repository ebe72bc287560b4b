"""L1: all file systems are joined into one container file system (VZFS / ploop)."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import (
    MountTable,
    listing,
    local_usage,
    mount_table,
    probe_label,
)
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.df import DfRow, human_kib
from assessments.parsers.linux.mounts import (
    LOCAL_TYPES,
    ODD_LOCAL_TYPES,
    Kind,
    Mount,
    bind_mounts,
)

LOST_OPTIONS = ("ro", "noexec", "nosuid", "nodev", "sync")
# Read-only images: snap packages (squashfs), ISO images and optical media (restrictions.md
# L1: INFO).
IMAGE_TYPES = ("squashfs", "iso9660", "udf")

MERGE_REMEDIATION = (
    "Size the container disk for the sum of used space plus growth. Options set per file "
    "system (ro, noexec, nosuid, nodev, quotas) and the protection a separate partition gives "
    "(a full /var no longer spares /) are lost: re-create what matters inside the container "
    "(container mount scripts or its fstab)."
)


# Where the EFI system partition (FAT) is mounted: boot files, no application data.
ESP_TARGETS = ("/boot/efi", "/efi", "/boot")


def _esp(mount: Mount) -> bool:
    return mount.fstype in ("vfat", "msdos") and mount.target in ESP_TARGETS


def _size(row: DfRow | None) -> str:
    if row is None:
        return "size unknown"
    return f"{human_kib(row.used)} used of {human_kib(row.total)}"


class LocalFilesystems(Check):
    """All file systems are joined into one container file system.

    The Parallels document: "All file systems of the physical server are joined into one
    file system inside the Container" (VZFS, or one ploop image on Virtuozzo 6 and later).
    Separate partitions stop being separate: per-partition mount options and quotas vanish,
    and one full directory can now fill the whole container. Only local disk-backed file
    systems count; pseudo, network, automounter and tmpfs mounts are not copied.
    """

    id = "filesystems.local_count"
    restriction = "filesystems"
    os_family = "linux"
    probes = ("mountinfo", "proc_mounts")
    extras = ("df",)  # sizes shown next to each file system
    title = "Local file systems to be merged"

    def evaluate(self, facts: Facts) -> list[Finding]:
        table = mount_table(facts)
        if isinstance(table, Unavailable):
            return [self.unknown(table)]
        by_fs = table.filesystems()
        local = [mounts[0] for mounts in by_fs.values()]
        usage = local_usage(facts, table)
        rows = {row.target: row for row in usage.rows} if not isinstance(usage, Unavailable) else {}
        lines = []
        for mounts in by_fs.values():
            row = next((rows[m.target] for m in mounts if m.target in rows), None)
            lines.append(self._describe(mounts[0], row))
            lines += [
                f"{m.target} ({m.fstype} on {m.source}, the same file system as {mounts[0].target})"
                for m in mounts[1:]
            ]
        if isinstance(usage, Unavailable):
            lines.append(f"(sizes unknown: {usage.reason})")
        shown = evidence(f"{table.label}; {probe_label('df')}", lines)
        if not local:
            return [
                self.finding(
                    Severity.UNKNOWN,
                    "Could not check: no local disk-backed file system found in the mount table",
                    evidence(table.label, [mount.line for mount in table.mounts]),
                    "Check the mount table by hand; the root file system should be listed.",
                )
            ]
        if len(local) == 1:
            return [
                self.finding(
                    Severity.INFO,
                    f"One local file system ({local[0].target}) becomes the container file system",
                    shown,
                )
            ]
        names = listing([mount.target for mount in local])
        return [
            self.finding(
                Severity.WARNING,
                f"{len(local)} local file systems will be merged into one: {names}",
                shown,
                MERGE_REMEDIATION,
            )
        ]

    @staticmethod
    def _describe(mount: Mount, row: DfRow | None) -> str:
        lost = [opt for opt in LOST_OPTIONS if opt in mount.options]
        extra = f"; options lost: {','.join(lost)}" if lost else ""
        return f"{mount.target} ({mount.fstype} on {mount.source}, {_size(row)}{extra})"


class DestinationCapacity(Check):
    """The merged data must fit on the destination node.

    Every local file system is copied into one container; the container disk (and the
    destination's free space) must hold the sum of their used space, or the transfer
    fails part way and leaves a partial copy behind.
    """

    id = "filesystems.capacity"
    restriction = "filesystems"
    os_family = "linux"
    probes = ("mountinfo", "proc_mounts", "df")
    title = "Used space against the destination's free space"

    def evaluate(self, facts: Facts) -> list[Finding]:
        usage = local_usage(facts)
        if isinstance(usage, Unavailable):
            return [self.unknown(usage)]
        used = usage.used_kib
        lines = [row.line for row in usage.rows] + [f"total used: {human_kib(used)}"]
        lines += [usage.note] if usage.note else []
        destination = facts.destination
        free_kib = None
        if destination is not None and destination.free_bytes is not None:
            free_kib = destination.free_bytes // 1024
            lines.append(f"free on {destination.name}: {human_kib(free_kib)}")
        shown = evidence(probe_label("df"), lines)
        if destination is not None and free_kib is not None and used > free_kib:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"{human_kib(used)} of data does not fit in the {human_kib(free_kib)}"
                    f" free on {destination.name}",
                    shown,
                    "Free space on the destination, pick another node, or reduce the data "
                    "before migrating.",
                )
            ]
        if not usage.complete:
            return [
                self.finding(
                    Severity.UNKNOWN,
                    f"Could not check: about {human_kib(used)} of data by df alone, but the "
                    "mount table could not be read to tell which file systems are copied",
                    shown,
                    "Collect /proc/mounts (or /proc/self/mountinfo) with df and assess again.",
                )
            ]
        if usage.missing and free_kib is not None:
            return [
                self.finding(
                    Severity.UNKNOWN,
                    f"Could not check: df lists no size for {listing(list(usage.missing))}; "
                    f"at least {human_kib(used)} of data",
                    shown,
                    "Run df -P -k on those mount points by hand (a hung or unreadable file "
                    "system?) and assess again.",
                )
            ]
        if destination is None or free_kib is None:
            return [
                self.finding(
                    Severity.INFO,
                    f"{'At least ' if usage.missing else ''}{human_kib(used)} of data to place"
                    " in the container (no destination free space known)",
                    shown,
                    "Assign a target node with its free space to compare.",
                )
            ]
        return [
            self.finding(
                Severity.PASS,
                f"{human_kib(used)} of data fits in the {human_kib(free_kib)}"
                f" free on {destination.name}",
                shown,
            )
        ]


class SpecialMounts(Check):
    """Mounts that are not simply copied: network, cluster, loop, bind and odd file systems.

    Network file systems are not copied and must be re-mounted from inside the container
    (which needs the container's NFS feature); shared-disk cluster file systems (OCFS2, GFS2)
    cannot exist in a container; loop-mounted images are copied twice (the image file and
    its mounted content); bind mounts copy the same data twice and must be re-created; FAT,
    NTFS, ReiserFS, JFS and ZFS change semantics or lack tools on the destination kernel.
    """

    id = "filesystems.special_mounts"
    restriction = "filesystems"
    os_family = "linux"
    probes = ("mountinfo", "proc_mounts")
    title = "Network, cluster, loop and bind mounts"

    def evaluate(self, facts: Facts) -> list[Finding]:
        table = mount_table(facts)
        if isinstance(table, Unavailable):
            return [self.unknown(table)]
        findings = [
            *self._group(
                table,
                Kind.CLUSTER,
                Severity.BLOCKER,
                "Shared-disk cluster file systems cannot live in a container",
                "Move the data off the cluster file system, or migrate to a VM.",
            ),
            *self._group(
                table,
                Kind.NETWORK,
                Severity.WARNING,
                "Network file systems (and hypervisor shared folders) are "
                "not copied and must be re-mounted from inside the container",
                "Enable the container's NFS/FUSE feature and re-create these mounts "
                "inside it, or mount them on the node and bind them in.",
            ),
            *self._group(
                table,
                Kind.LOOP,
                Severity.WARNING,
                "Loop-mounted images will be copied twice (the image file and its content)",
                "Unmount the image before migrating or exclude one of the copies.",
            ),
            *self._group(
                table,
                Kind.AUTOFS,
                Severity.INFO,
                "Automounter maps give access to network data on demand",
                "Re-create the automounter maps in the container if the data is still needed.",
            ),
        ]
        binds = bind_mounts(table.mounts)
        if binds:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "Bind mounts or file systems mounted twice: data may be copied twice",
                    evidence(table.label, [mount.line for mount in binds]),
                    "Re-create the bind mounts in the container (mount script or fstab) "
                    "and exclude the duplicates from the copy.",
                )
            )
        odd = [
            m
            for m in table.disk_backed()
            if (m.fstype in ODD_LOCAL_TYPES or m.fstype not in LOCAL_TYPES) and not _esp(m)
        ]
        if odd:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "File systems whose semantics change in the container: "
                    + ", ".join(
                        f"{m.target} ({m.fstype}"
                        + (
                            ", a type this assessment does not know)"
                            if m.fstype not in LOCAL_TYPES
                            else ")"
                        )
                        for m in odd
                    ),
                    evidence(table.label, [mount.line for mount in odd]),
                    "Check case sensitivity, permissions and extended attributes of this "
                    "data after the merge into the container file system.",
                )
            )
        images = [
            m
            for m in table.mounts
            if m.fstype in IMAGE_TYPES and not m.target.startswith(("/proc/", "/sys/"))
        ]
        if images:
            findings.append(
                self.finding(
                    Severity.INFO,
                    "Read-only images mounted (snap packages, ISO or optical media), not data "
                    "to merge: " + listing([m.target for m in images]),
                    evidence(table.label, [m.line for m in images]),
                    "Snap packages need snapd, which does not run in containers on older "
                    "kernels: install the applications from packages instead. ISO images "
                    "are copied as files; mount them again inside the container if needed.",
                )
            )
        if findings:
            return findings
        return [
            self.finding(
                Severity.PASS,
                "No network, cluster, loop or bind mounts",
                evidence(table.label, [m.line for m in table.disk_backed()]),
            )
        ]

    def _group(
        self, table: MountTable, kind: Kind, severity: Severity, title: str, remedy: str
    ) -> list[Finding]:
        mounts = [
            mount
            for mount in table.mounts
            if mount.kind == kind and not mount.target.startswith(("/proc/", "/sys/"))
        ]  # systemd's binfmt_misc automount is no data
        if not mounts:
            return []
        targets = listing([mount.target for mount in mounts])
        return [
            self.finding(
                severity,
                f"{title}: {targets}",
                evidence(table.label, [mount.line for mount in mounts]),
                remedy,
            )
        ]


CHECKS: list[type[Check]] = [LocalFilesystems, DestinationCapacity, SpecialMounts]
