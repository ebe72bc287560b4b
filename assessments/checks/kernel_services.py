"""B2 (beyond the document): services that live in the kernel (the NFS server, IPVS, DRBD,
iSCSI targets) run on the node's kernel, not in a container."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import (
    counted,
    failures,
    listing,
    mount_table,
    probe_label,
)
from assessments.checks.platforms import LEGACY, destination_platform
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.kernel_services import (
    parse_drbd,
    parse_exportfs,
    parse_exports,
    parse_ip_vs,
)
from assessments.parsers.linux.modules import parse_proc_modules
from assessments.parsers.linux.processes import matching, parse_ps

NFS_REMEDIATION = (
    "On Virtuozzo 7 enable the container's nfsd feature (prlctl set CT --features nfsd:on) "
    "and re-create the exports inside it; legacy OpenVZ / PVC 4.x nodes cannot run a kernel "
    "NFS server in a container: serve the data from the node or another server, or migrate "
    "this server to a VM."
)
KERNEL_SERVICE_REMEDIATION = (
    "This service runs in the kernel, which a container does not have: run it on the node "
    "(or on dedicated servers), or migrate this server to a VM."
)
NFSD_THREADS = {r"nfsd": "kernel NFS server thread", r"rpc\.mountd": "NFS mount daemon"}


class NfsServer(Check):
    """The kernel NFS server needs a container feature the legacy platforms lack.

    Beyond the document. The NFS server (nfsd) runs in the kernel. Virtuozzo 7 can give a
    container its own through the nfsd container feature; legacy OpenVZ / Parallels
    Virtuozzo Containers 4.x nodes cannot, and the exports stop being served.
    """

    id = "kernel_services.nfs_server"
    restriction = "kernel_services"
    os_family = "linux"
    probes = ("exports", "exportfs", "mountinfo", "proc_mounts")
    extras = ("ps",)  # nfsd kernel threads and rpc.mountd, shown next to the exports
    title = "Kernel NFS server"

    def evaluate(self, facts: Facts) -> list[Finding]:
        configured = facts.parsed("exports", parse_exports)
        active = facts.parsed("exportfs", parse_exportfs)
        table = mount_table(facts)
        failed = failures(configured, active, table)
        exports = [] if isinstance(configured, Unavailable) else configured
        listed = [] if isinstance(active, Unavailable) else active.exports
        nfsd = (
            []
            if isinstance(table, Unavailable)
            else [m for m in table.mounts if m.fstype == "nfsd"]
        )
        lines = [f"/etc/exports: {e.line}" for e in exports]
        lines += [f"exported: {e.line}" for e in listed]
        lines += [f"mounted: {m.line}" for m in nfsd] + [f"({r.reason})" for r in failed]
        processes = facts.parsed("ps", parse_ps)
        if not isinstance(processes, Unavailable):
            running = matching(processes, NFSD_THREADS)
            lines += [f"{what}: {proc.args}" for proc, what in running[:4]]
        platform = destination_platform(facts)
        label = f"{probe_label('exports')}; {probe_label('exportfs')}; mounts"
        paths = list(dict.fromkeys(e.path for e in listed or exports))
        if listed or (exports and nfsd):
            legacy = platform.id == LEGACY
            consequence = (
                "which containers on legacy OpenVZ / PVC 4.x cannot run"
                if legacy
                else "which needs the nfsd container feature on Virtuozzo 7"
            )
            return [
                self.finding(
                    Severity.BLOCKER if legacy else Severity.WARNING,
                    "This server exports file systems with the kernel NFS server, "
                    f"{consequence}: {listing(paths)}",
                    evidence(label, [platform.note, *lines]),  # the note first: long lists are cut
                    NFS_REMEDIATION,
                )
            ]
        if exports:
            return [
                self.finding(
                    Severity.WARNING,
                    "NFS exports are configured but the NFS server does not seem to run (nfsd not "
                    f"mounted): {listing(paths)}",
                    evidence(label, lines),
                    "Decide whether this server still serves NFS; if it does, see the NFS "
                    "server remediation (nfsd feature on Virtuozzo 7, none on legacy nodes).",
                )
            ]
        if failed:
            return [self.unknown(failed)]
        if nfsd:
            return [
                self.finding(
                    Severity.INFO,
                    "The kernel NFS server is loaded (nfsd mounted) but exports nothing",
                    evidence(label, lines),
                )
            ]
        return [self.finding(Severity.PASS, "No NFS exports", evidence(label, lines or ["none"]))]


NFS_CLIENT_TYPES = ("nfs", "nfs4")


class NfsClient(Check):
    """NFS client mounts need the container's nfs feature.

    Beyond the document. A container mounts NFS only when the node allows it the nfs
    feature (and loads the NFS client modules): the mounts fail at boot otherwise.
    """

    id = "kernel_services.nfs_client"
    restriction = "kernel_services"
    os_family = "linux"
    probes = ("mountinfo", "proc_mounts")
    title = "NFS client mounts"

    def evaluate(self, facts: Facts) -> list[Finding]:
        table = mount_table(facts)
        if isinstance(table, Unavailable):
            return [self.unknown(table)]
        mounts = [m for m in table.mounts if m.fstype in NFS_CLIENT_TYPES]
        shown = evidence(table.label, [m.line for m in mounts] or ["no NFS mount"])
        if not mounts:
            return [self.finding(Severity.PASS, "No NFS client mounts", shown)]
        return [
            self.finding(
                Severity.WARNING,
                "NFS file systems are mounted; the container needs the nfs feature: "
                f"{listing([m.target for m in mounts])}",
                shown,
                "Enable the container's nfs feature (vzctl set CTID --features nfs:on, "
                "prlctl set CT --features nfs:on) and re-create the mounts inside it.",
            )
        ]


class Ipvs(Check):
    """IPVS (the kernel load balancer behind LVS, keepalived, kube-proxy) cannot run in a
    container.

    Beyond the document. IP Virtual Server tables live in the kernel; a container cannot
    load the ip_vs module or own its virtual services.
    """

    id = "kernel_services.ipvs"
    restriction = "kernel_services"
    os_family = "linux"
    probes = ("ip_vs",)
    title = "IPVS virtual services"

    def evaluate(self, facts: Facts) -> list[Finding]:
        table = facts.parsed("ip_vs", parse_ip_vs)
        label = probe_label("ip_vs")
        if isinstance(table, Absent):
            return [
                self.finding(Severity.PASS, "IPVS is not loaded", evidence(label, [table.reason]))
            ]
        if isinstance(table, Unavailable):
            return [self.unknown(table)]
        lines = [f"{s.protocol} {s.address} {s.scheduler}" for s in table.services]
        lines += ["(output cut: more services exist)"] if table.cut else []
        if table.services:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"IPVS load balances {counted(len(table.services), 'virtual service')}: "
                    f"{listing([f'{s.protocol} {s.address}' for s in table.services])}",
                    evidence(label, lines),
                    KERNEL_SERVICE_REMEDIATION,
                )
            ]
        return [
            self.finding(
                Severity.INFO,
                "The IPVS module is loaded with no virtual service",
                evidence(label, ["no virtual service"]),
            )
        ]


class Drbd(Check):
    """DRBD replicates block devices in the kernel: a container has neither.

    Beyond the document. DRBD resources are kernel block devices replicated to a peer; the
    container gets no block devices and cannot load the drbd module.
    """

    id = "kernel_services.drbd"
    restriction = "kernel_services"
    os_family = "linux"
    probes = ("proc_drbd",)
    title = "DRBD resources"

    def evaluate(self, facts: Facts) -> list[Finding]:
        drbd = facts.parsed("proc_drbd", parse_drbd)
        label = probe_label("proc_drbd")
        if isinstance(drbd, Absent):
            return [
                self.finding(Severity.PASS, "DRBD is not loaded", evidence(label, [drbd.reason]))
            ]
        if isinstance(drbd, Unavailable):
            return [self.unknown(drbd)]
        lines = [f"version: {drbd.version or 'not shown'}", *(r.line for r in drbd.resources)]
        if drbd.resources:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"DRBD replicates {counted(len(drbd.resources), 'resource')}: "
                    f"{listing([f'minor {r.minor} ({r.state})' for r in drbd.resources])}",
                    evidence(label, lines),
                    KERNEL_SERVICE_REMEDIATION,
                )
            ]
        if not drbd.lists_resources:
            return [
                self.finding(
                    Severity.WARNING,
                    f"DRBD {drbd.version} is loaded; its resources are not listed in "
                    "/proc/drbd (check `drbdadm status`)",
                    evidence(label, lines),
                    KERNEL_SERVICE_REMEDIATION,
                )
            ]
        return [
            self.finding(
                Severity.INFO, "The DRBD module is loaded with no resource", evidence(label, lines)
            )
        ]


ISCSI_TARGET_DAEMONS = {
    r"tgtd": "SCSI target daemon (tgt)",
    r"ietd": "iSCSI Enterprise Target",
    r"istgt": "istgt iSCSI target",
    r"iscsi-scstd": "SCST iSCSI target",
}
# LIO, the in-kernel target (targetcli), has no daemon: its modules show it. Every configfs
# object (a backstore, a target portal group) holds its module, so a module used more often
# than its listed users is configured. RHEL's rdma-core loads ib_isert and ib_srpt at boot,
# which pull in iscsi_target_mod and target_core_mod with nothing configured.
LIO_MODULES = re.compile(r"target_core_\w+|iscsi_target_mod|tcm_\w+|ib_srpt|ib_isert|vhost_scsi")
# IET and SCST: loaded only to serve targets.
OTHER_TARGET_MODULES = re.compile(r"iscsi_trgt|scst\w*|iscsi_scst")


class IscsiTarget(Check):
    """An iSCSI (or other SCSI) target serves block devices from the kernel.

    Beyond the document. Target implementations (LIO, IET, SCST; tgt in user space on top of
    block devices) export disks or LUNs: a container has no block devices to export and
    cannot load the target modules.
    """

    id = "kernel_services.iscsi_target"
    restriction = "kernel_services"
    os_family = "linux"
    probes = ("ps", "proc_modules")
    title = "iSCSI / SCSI target"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        modules = facts.parsed("proc_modules", parse_proc_modules)
        failed = failures(processes, modules)
        daemons = (
            [] if isinstance(processes, Unavailable) else matching(processes, ISCSI_TARGET_DAEMONS)
        )
        loaded = [] if isinstance(modules, Unavailable) else modules
        lio = [m for m in loaded if LIO_MODULES.fullmatch(m.name)]
        held = [m for m in lio if m.refcount > len(m.users)]
        other = [m for m in loaded if OTHER_TARGET_MODULES.fullmatch(m.name)]
        core = [m for m in lio if m.name in ("target_core_mod", "iscsi_target_mod")]
        lines = [f"{what}: {proc.args}" for proc, what in daemons]
        lines += [f"module: {m.line}" for m in other + lio] + [f"({r.reason})" for r in failed]
        label = f"{probe_label('ps')}; {probe_label('proc_modules')}"
        if daemons or other or held:
            names = [what for _, what in daemons] + [m.name for m in other + (core or held)]
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"This server is a SCSI/iSCSI target: {listing(list(dict.fromkeys(names)))}",
                    evidence(label, lines),
                    KERNEL_SERVICE_REMEDIATION,
                )
            ]
        if core:
            return [
                self.finding(
                    Severity.WARNING,
                    "The LIO target modules are loaded but no target seems configured (each is "
                    "used only by the modules listed with it; RDMA's ib_isert / ib_srpt load "
                    f"them at boot): {listing([m.name for m in core])}",
                    evidence(label, lines),
                    "Check `targetcli ls` for exported LUNs: a target cannot run in a "
                    "container (see the blocker remediation); with none, nothing to do.",
                )
            ]
        if failed:
            return [self.unknown(failed)]
        return [self.finding(Severity.PASS, "No SCSI/iSCSI target", evidence(label, ["none"]))]


CHECKS: list[type[Check]] = [NfsServer, NfsClient, Ipvs, Drbd, IscsiTarget]
