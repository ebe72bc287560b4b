"""Mounted file systems from /proc/mounts or /proc/self/mountinfo, and /etc/fstab.

/proc/mounts escapes space, TAB, newline and backslash in paths as octal (`\\040`...);
mountinfo has a variable number of optional fields before the literal ` - ` separator and
a `root` field that is not `/` for bind mounts and btrfs subvolumes.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode


class Kind(StrEnum):
    LOCAL = "local"  # disk-backed: merged into the container file system
    LOOP = "loop"  # disk-backed through a loop device or image file (copied twice)
    NETWORK = "network"  # remote data, re-mounted from inside the container
    CLUSTER = "cluster"  # shared-disk cluster file system: cannot live in a container
    TMPFS = "tmpfs"  # memory-backed, contents are not migrated
    AUTOFS = "autofs"  # automounter placeholder, never to be touched
    OVERLAY = "overlay"  # container engine layers
    PSEUDO = "pseudo"  # kernel interfaces: proc, sysfs, cgroup...


PSEUDO_TYPES = frozenset(
    """proc sysfs devtmpfs devpts ramfs cgroup cgroup2 securityfs selinuxfs debugfs tracefs
    configfs fusectl pstore bpf mqueue hugetlbfs binfmt_misc rpc_pipefs nfsd usbfs efivarfs
    rootfs nsfs vmblock fuse.gvfsd-fuse fuse.gvfs-fuse-daemon fuse.lxcfs fuse.portal
    fuse.snapfuse devfs usbdevfs sockfs pipefs anon_inodefs spufs xenfs autofs4 none
    squashfs iso9660 udf fuse.vmware-vmblock tracefs ipathfs oprofilefs""".split()
)
NETWORK_TYPES = frozenset(
    """nfs nfs4 cifs smbfs smb3 fuse.sshfs glusterfs fuse.glusterfs ceph fuse.ceph lustre
    davfs fuse.s3fs 9p afs fuse.rclone fuse.davfs2 coda ncpfs
    vboxsf vmhgfs fuse.vmhgfs-fuse prl_fs virtiofs fuse.osxfs""".split()
)  # the last line: hypervisor shared folders, whose data lives on the hypervisor host
# Shared-disk cluster file systems: GPFS (IBM Spectrum Scale) and Oracle ACFS need their
# vendor's kernel modules and cluster membership, like OCFS2 and GFS2.
CLUSTER_TYPES = frozenset({"ocfs", "ocfs2", "gfs", "gfs2", "gpfs", "acfs"})
# simfs (OpenVZ) and vzfs (Parallels Virtuozzo Containers 4.x) are the root file systems of
# containers: their data is what a migration copies. ploop images show as ext4 on /dev/ploopN.
LOCAL_TYPES = frozenset(
    """ext2 ext3 ext4 ext4dev xfs btrfs reiserfs reiser4 jfs vfat msdos exfat ntfs ntfs3
    fuseblk zfs f2fs nilfs2 hfsplus bcachefs vxfs simfs vzfs""".split()
)
# Types whose semantics differ enough to need a look (case, permissions, missing tools).
ODD_LOCAL_TYPES = frozenset(
    {"vfat", "msdos", "exfat", "ntfs", "ntfs3", "fuseblk", "reiserfs", "jfs", "zfs", "vxfs"}
)

_OCTAL = re.compile(r"\\([0-7]{3})")


def unescape(path: str) -> str:
    """Decode the kernel's octal escapes (`\\040` space, `\\011` TAB, `\\012`, `\\134`)."""
    return _OCTAL.sub(lambda match: chr(int(match.group(1), 8)), path)


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    fstype: str
    options: tuple[str, ...]
    root: str = "/"  # the mounted subtree (mountinfo only): not "/" for bind mounts
    device: str = ""  # major:minor (mountinfo only)
    line: str = ""  # the raw line, for evidence

    @property
    def kind(self) -> Kind:
        return classify(self)

    def option(self, name: str) -> bool:
        return name in self.options or any(opt.startswith(name + "=") for opt in self.options)


def classify(mount: Mount) -> Kind:
    fstype = mount.fstype
    if fstype == "tmpfs":
        return Kind.TMPFS
    if fstype in ("autofs", "autofs4"):
        return Kind.AUTOFS
    if fstype in ("overlay", "overlayfs", "aufs"):
        return Kind.OVERLAY
    if fstype in CLUSTER_TYPES:
        return Kind.CLUSTER
    if fstype in NETWORK_TYPES or fstype.startswith(("nfs", "fuse.sshfs")):
        return Kind.NETWORK
    if fstype in ("simfs", "vzfs"):
        return Kind.LOCAL  # a container's root, whatever its source shows (/vz/private/101)
    # A type no list names but mounted from a block device is data, not a kernel interface
    # (fail closed: it is counted, and SpecialMounts names its type).
    unknown_on_device = (
        fstype not in PSEUDO_TYPES
        and mount.source.startswith("/dev/")
        and not mount.source.startswith("/dev/fuse")
    )
    if fstype in LOCAL_TYPES or unknown_on_device:
        if mount.source.startswith("/dev/loop") or (
            mount.source.startswith("/") and not mount.source.startswith("/dev/")
        ):
            return Kind.LOOP
        return Kind.LOCAL
    return Kind.PSEUDO


def parse_proc_mounts(out: ProbeOutput) -> list[Mount]:
    """`cat /proc/mounts`; later lines for the same target shadow earlier ones."""
    text = decode(out.stdout)
    mounts: list[Mount] = []
    for line in text.split("\n"):
        fields = line.split()
        if len(fields) < 4:
            continue
        source, target, fstype, options = fields[:4]
        # `rootfs /` (the initramfs, a pseudo file system) is kept: the real root mounted over
        # it shadows it (Debian 6, RHEL 6), and a root in RAM (unRAID, live systems) is all
        # the table has at /.
        mounts.append(
            Mount(
                unescape(source),
                unescape(target),
                fstype,
                tuple(options.split(",")),
                line=line.rstrip(),
            )
        )
    if not mounts:
        raise ProbeUnavailable("cat /proc/mounts printed no mounts")
    return _visible(mounts)


def parse_mountinfo(out: ProbeOutput) -> list[Mount]:
    """`cat /proc/self/mountinfo` (absent on 2.6.18 kernels: RHEL 5)."""
    text = decode(out.stdout)
    mounts: list[Mount] = []
    for line in text.split("\n"):
        if " - " not in line:
            continue
        before, after = line.split(" - ", 1)
        head, tail = before.split(), after.split()
        if len(head) < 6 or not tail:
            continue
        fstype = tail[0]
        source = tail[1] if len(tail) > 1 else ""
        super_options = tail[2].split(",") if len(tail) > 2 else []
        options = tuple(dict.fromkeys([*head[5].split(","), *super_options]))
        mounts.append(
            Mount(
                unescape(source),
                unescape(head[4]),
                fstype,
                options,
                root=unescape(head[3]),
                device=head[2],
                line=line.rstrip(),
            )
        )
    if not mounts:
        raise ProbeUnavailable("cat /proc/self/mountinfo printed no mounts")
    return _visible(mounts)


def _visible(mounts: list[Mount]) -> list[Mount]:
    # A later mount on the same target hides the earlier one (duplicate devtmpfs on RHEL 6,
    # autofs + binfmt_misc on /proc/sys/fs/binfmt_misc).
    latest: dict[str, Mount] = {}
    for mount in mounts:
        latest.pop(mount.target, None)
        latest[mount.target] = mount
    return list(latest.values())


def filesystem_key(mount: Mount) -> str:
    """What tells one file system from another: the device (mountinfo's major:minor, else
    the source). Btrfs subvolumes get a device number each but share one pool (and df
    shows the pool's usage on each of them): they are keyed by their source."""
    if mount.fstype == "btrfs":
        return mount.source
    return mount.device or mount.source


def bind_mounts(mounts: list[Mount]) -> list[Mount]:
    """Disk-backed mounts showing a subtree (mountinfo root != "/") of a non-btrfs device,
    or the same device mounted more than once: data that could be copied twice."""
    found: list[Mount] = []
    seen: dict[str, Mount] = {}
    for mount in mounts:
        if mount.kind not in (Kind.LOCAL, Kind.LOOP):
            continue
        if mount.fstype == "btrfs":
            continue  # subvolumes are separate trees, not duplicates
        key = mount.device or mount.source
        if mount.root != "/" or key in seen:
            found.append(mount)
        seen.setdefault(key, mount)
    return found


@dataclass(frozen=True)
class FstabEntry:
    source: str
    target: str
    fstype: str
    options: tuple[str, ...]
    line: str


def parse_fstab(out: ProbeOutput) -> list[FstabEntry]:
    """`cat /etc/fstab`: configured mounts, including `noauto` ones."""
    text = decode(out.stdout)
    entries: list[FstabEntry] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        if len(fields) < 3:
            continue
        options = tuple(fields[3].split(",")) if len(fields) > 3 else ("defaults",)
        entries.append(
            FstabEntry(unescape(fields[0]), unescape(fields[1]), fields[2], options, stripped)
        )
    return entries
