"""L5: files and directories with extended attributes lose them in the migration."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import probe_label
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.xattrs import FileXattrs, XattrScan, kind_of, parse_getfattr

# Paths where the OS itself sets ACLs on stock installs (systemd-journald).
OS_ACL_PATHS = ("/var/log/journal", "/run/log/journal")

KINDS = {
    "gluster": (
        "GlusterFS brick metadata (trusted.gfid, trusted.glusterfs.*, trusted.afr.*) will be "
        "lost: the brick's data becomes unusable",
        "Keep GlusterFS servers on a VM or physical host, or move the volume's data off the "
        "bricks (through a GlusterFS client mount) before migrating.",
    ),
    "swift": (
        "OpenStack Swift object metadata (user.swift.*) will be lost: the stored objects "
        "become unusable",
        "Keep Swift storage nodes on a VM or physical host; let Swift replicate the objects "
        "to other nodes instead of migrating this one.",
    ),
    "capability": (
        "File capabilities (security.capability) will be lost: these programs stop working "
        "for non-root users",
        "Record them (getcap) and re-apply with setcap after migration, or reinstall the "
        "packages (rpm --setcaps, dpkg-reconfigure).",
    ),
    "acl": (
        "POSIX ACLs will be lost: permissions silently change",
        "Dump the ACLs (getfacl -R -p /data > acl.dump) and restore them after migration "
        "(setfacl --restore=acl.dump).",
    ),
    "samba": (
        "Samba Windows ACLs (security.NTACL) will be lost",
        "Keep the share on a VM, or re-copy with rsync -aAX after the P2C run onto a "
        "container file system that supports xattrs.",
    ),
    "user": (
        "User extended attributes (user.*) will be lost",
        "Find out which application uses them (Samba DOS attributes, Swift, GlusterFS, "
        "desktop metadata); re-copy with rsync -aAX after the P2C run, or keep the data on a "
        "VM if the application depends on them.",
    ),
    "trusted": (
        "Trusted extended attributes (trusted.*) will be lost",
        "GlusterFS bricks and overlay layers keep their metadata here: keep such data on a "
        "VM or re-create it after migration.",
    ),
    "other": (
        "Other extended attributes will be lost",
        "Check which application set them and re-apply them after migration.",
    ),
}


# restrictions.md L5: GlusterFS bricks and Swift object stores are unusable without them.
BLOCKING = ("gluster", "swift")


def _line(file: FileXattrs, kind: str) -> str:
    names = [name for name in file.names if kind_of(name) == kind]
    return f"{file.path}: {', '.join(names)}"


class ExtendedAttributes(Check):
    """Extended attributes (ACLs, file capabilities, user.* data) are not migrated.

    The Parallels document: "Files and directories with extended attributes lose them"
    after migration. That covers POSIX ACLs (system.posix_acl_*), file capabilities
    (security.capability, e.g. ping's cap_net_raw), Samba, GlusterFS and Swift metadata
    and user.* attributes. SELinux labels alone are covered by the SELinux check.
    """

    id = "xattrs.scan"
    restriction = "xattrs"
    os_family = "linux"
    probes = ("getfattr",)
    title = "Files with extended attributes"

    def evaluate(self, facts: Facts) -> list[Finding]:
        scan = facts.parsed("getfattr", parse_getfattr)
        if isinstance(scan, Unavailable):
            return [
                self.unknown(
                    scan,
                    "Install the attr package (getfattr) or check by hand with "
                    "getfacl -R -s -p and getcap on the data directories.",
                )
            ]
        label = probe_label("getfattr")
        header = [f"scanned: {', '.join(scan.scanned) or '(nothing)'}", *scan.notes]
        findings = self._by_kind(scan, label, header)
        if not scan.scanned and not scan.files:
            return [
                self.finding(
                    Severity.UNKNOWN,
                    "Could not check: the scan reached no local file system",
                    evidence(label, header),
                    "Check that the local file systems are listed in /proc/mounts, or scan "
                    "the data directories by hand with getfattr -R -d -m -.",
                )
            ]
        if scan.incomplete:
            return [*findings, self._incomplete(scan, label, header, bool(findings))]
        if findings:
            return findings
        selinux_only = sum(
            1 for file in scan.files if all(kind_of(n) == "selinux" for n in file.names)
        )
        note = f" ({selinux_only} files with SELinux labels only)" if selinux_only else ""
        return [
            self.finding(
                Severity.PASS,
                "No extended attributes found besides SELinux labels" + note,
                evidence(label, header),
            )
        ]

    def _by_kind(self, scan: XattrScan, label: str, header: list[str]) -> list[Finding]:
        findings: list[Finding] = []
        for kind, (title, remedy) in KINDS.items():
            files = [f for f in scan.files if any(kind_of(n) == kind for n in f.names)]
            if not files:
                continue
            severity = Severity.BLOCKER if kind in BLOCKING else Severity.WARNING
            if kind == "acl" and all(f.path.startswith(OS_ACL_PATHS) for f in files):
                severity = Severity.INFO
                title = "Only the OS's default ACLs (systemd journal) will be lost"
                remedy = "Nothing to do: systemd re-creates them in the container."
            findings.append(
                self.finding(
                    severity,
                    f"{title} ({len(files)} files)",
                    evidence(label, [*header, *(_line(f, kind) for f in files)]),
                    remedy,
                )
            )
        return findings

    def _incomplete(self, scan: XattrScan, label: str, header: list[str], found: bool) -> Finding:
        title = f"The extended attribute scan was cut short: {scan.incomplete}"
        if found:
            return self.finding(
                Severity.WARNING,
                title + "; more files than listed may be affected",
                evidence(label, header),
                "Scan the remaining data by hand before migrating.",
            )
        return self.finding(
            Severity.UNKNOWN,
            title + "; absence of extended attributes is not proven",
            evidence(label, header),
            "Run the scan again with a longer time limit, or per directory by hand.",
        )


CHECKS: list[type[Check]] = [ExtendedAttributes]
