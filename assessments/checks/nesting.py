"""B10 (beyond the document): the source is already a container, hosts containers or virtual
machines, or is itself a virtual machine."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import interfaces, listing, mount_table, probe_label
from assessments.checks.platforms import VZ7, destination_platform
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.mounts import Kind
from assessments.parsers.linux.processes import Process, parse_ps
from assessments.parsers.linux.programs import running
from assessments.parsers.linux.virt import parse_virt_markers

CT_TO_CT = (
    "Migrate it container to container (vzmigrate on OpenVZ / Parallels Virtuozzo "
    "Containers, pmigrate or prlctl migrate on Virtuozzo 6 and later): P2C is for physical "
    "servers, and a container's own file system, quotas and addresses move as they are."
)
NODE = (
    "Containers cannot be nested in a container (judged against the strictest platform, "
    "legacy OpenVZ / PVC 4.x). Move the containers it hosts to another node with vzmigrate "
    "or pmigrate (container to container), then migrate or retire the node's own services "
    "separately."
)
CONTAINER_ROOTS = ("simfs", "vzfs")


class SourceContainer(Check):
    """The source is already a container, or a hardware node hosting containers.

    Beyond the document. Many P2C sources are themselves old OpenVZ or Parallels Virtuozzo
    containers (a /dev/simfs or vzfs root, venet0, /proc/vz): they move with container to
    container migration, not P2C. An OpenVZ hardware node (it has /proc/bc/0, the node's
    own beancounter, and a venet0 without addresses) hosts containers, which cannot run
    nested inside a container. Told apart by the OpenVZ rule: /proc/vz present and
    /proc/bc/0 absent is a container. Where no marker path shows, a simfs/vzfs/ploop root or
    a venet0 carrying IPv4 (a node's has none) still tells a container.
    """

    id = "nesting.source_container"
    restriction = "nesting"
    os_family = "linux"
    probes = ("virt_markers",)
    extras = ("mountinfo", "proc_mounts", "ip_addr", "ifconfig")  # corroborating evidence
    title = "Source already a container or a container node"

    def evaluate(self, facts: Facts) -> list[Finding]:
        markers = facts.parsed("virt_markers", parse_virt_markers)
        hints, container = self._hints(facts)
        if isinstance(markers, Unavailable):
            return [self.unknown(markers, "Collect the virt_markers probe (current collector).")]
        lines = [f"exists: {path}" for path in sorted(markers)] or ["no marker path exists"]
        shown = evidence(f"{probe_label('virt_markers')}; mounts; interfaces", lines + hints)
        openvz = markers & {"/proc/vz", "/proc/user_beancounters", "/proc/bc"}
        if "/proc/bc/0" in markers:
            return [
                self.finding(
                    Severity.BLOCKER,
                    "This source is an OpenVZ/Virtuozzo hardware node: the containers it "
                    "hosts cannot run nested inside a container",
                    shown,
                    NODE,
                )
            ]
        if openvz or container:
            return [
                self.finding(
                    Severity.INFO,
                    "This source is an OpenVZ/Virtuozzo container: migrate it container to "
                    "container (vzmigrate / pmigrate) instead of P2C",
                    shown,
                    CT_TO_CT,
                )
            ]
        return [self.finding(Severity.PASS, "Not an OpenVZ/Virtuozzo container or node", shown)]

    @staticmethod
    def _hints(facts: Facts) -> tuple[list[str], bool]:
        """What the mount table and the interfaces add (a simfs/vzfs/ploop root, venet0), and
        whether that alone tells a container."""
        hints: list[str] = []
        container = False
        table = mount_table(facts)
        if not isinstance(table, Unavailable):
            root = next((m for m in table.mounts if m.target == "/"), None)
            if root and (root.fstype in CONTAINER_ROOTS or root.source.startswith("/dev/ploop")):
                hints.append(f"container root file system: {root.line}")
                container = True
        data = interfaces(facts)
        if not isinstance(data, Unavailable):
            venet = [a for a in data.interfaces.addresses if a.interface == "venet0"]
            ipv4 = [a.address for a in venet if a.family == "inet"]
            if ipv4:
                hints.append(f"venet0 carries IPv4 {', '.join(ipv4)} (a container)")
                container = True
            elif "venet0" in data.interfaces.links:
                hints.append("venet0 without IPv4 addresses (a hardware node)")
        return hints, container


ENGINE_DATA = {
    "/var/lib/docker": "Docker",
    "/var/lib/containerd": "containerd",
    "/var/lib/lxc": "LXC",
}
ENGINE_DAEMONS = {
    r"dockerd(?:-current)?": "Docker",
    r"docker(?:-containerd)?(?:-current)?": "Docker",
    r"containerd(?:-shim.*)?": "containerd",
    "kubelet": "Kubernetes (kubelet)",
    r"k3s|k3s-server|k3s-agent|rke2": "Kubernetes (k3s / RKE2)",
    "crio": "CRI-O",
    # A running LXC container shows as its monitor, titled "[lxc monitor] /var/lib/lxc NAME".
    # lxcfs alone runs none: stock Ubuntu 16.04-18.04 servers start it for LXD's sake.
    r"lxc-start|lxc|lxd": "LXC / LXD",
    "libvirt_lxc": "LXC (libvirt)",  # the monitor of each libvirt LXC container
    "podman": "Podman",
    # Podman exits once a detached container runs: each container keeps its conmon monitor.
    "conmon": "Podman / CRI-O (conmon)",
}
ENGINE_REMEDIATION = (
    "Containers cannot be nested on legacy OpenVZ / PVC 4.x nodes; Virtuozzo 7 runs Docker "
    "inside a container only with nesting enabled for it (limited support: test first). "
    "Otherwise move the containers this server runs to a container host or VM of their own "
    "and migrate the rest, or migrate this server to a VM."
)


class ContainerEngine(Check):
    """The source runs Docker, containerd, Kubernetes or LXC containers (or is one).

    Beyond the document. Container engines need kernel features (cgroups, namespaces,
    overlay file systems) a container does not delegate: on legacy OpenVZ / PVC 4.x nodes
    they cannot run inside a container at all, on Virtuozzo 7 only with nesting enabled
    and limited support. A source that is itself a Docker container is rebuilt from its
    image rather than migrated.
    """

    id = "nesting.container_engine"
    restriction = "nesting"
    os_family = "linux"
    probes = ("virt_markers", "ps", "mountinfo", "proc_mounts")
    title = "Container engines (Docker, containerd, Kubernetes, LXC)"

    def evaluate(self, facts: Facts) -> list[Finding]:
        markers = facts.parsed("virt_markers", parse_virt_markers)
        processes = facts.parsed("ps", parse_ps)
        table = mount_table(facts)
        failed = [r for r in (markers, processes, table) if isinstance(r, Unavailable)]
        paths = set() if isinstance(markers, Unavailable) else set(markers)
        daemons = [] if isinstance(processes, Unavailable) else running(processes, ENGINE_DAEMONS)
        layers = (
            []
            if isinstance(table, Unavailable)
            else [m for m in table.mounts if m.kind == Kind.OVERLAY and m.target != "/"]
        )
        root = (
            None
            if isinstance(table, Unavailable)
            else next((m for m in table.mounts if m.target == "/"), None)
        )
        platform = destination_platform(facts)
        lines = [f"exists: {p}" for p in sorted(paths & {*ENGINE_DATA, "/.dockerenv"})]
        lines += [f"{what}: {p.user} {p.pid} {p.args}" for p, what in daemons]
        lines += [f"container layer: {m.line}" for m in layers[:5]]
        lines += [f"... and {len(layers) - 5} more layers"] if len(layers) > 5 else []
        lines += [r.reason for r in failed]
        label = f"{probe_label('virt_markers')}; {probe_label('ps')}; mounts"
        if "/.dockerenv" in paths or (root is not None and root.kind == Kind.OVERLAY):
            lines += [f"root file system: {root.line}"] if root is not None else []
            return [
                self.finding(
                    Severity.WARNING,
                    "The source is itself a Docker (or other engine's) container",
                    evidence(label, lines),
                    "Run its image on the destination's container host instead of migrating "
                    "it; P2C is for servers.",
                )
            ]
        engines = sorted({what for _, what in daemons} | ({"Docker"} if layers else set()))
        findings: list[Finding] = []
        node = Severity.WARNING if platform.id == VZ7 else Severity.BLOCKER
        if engines:
            findings.append(
                self.finding(
                    node,
                    f"This server runs containers: {listing(engines)}",
                    evidence(label, [platform.note, *lines]),
                    ENGINE_REMEDIATION,
                )
            )
        elif paths & set(ENGINE_DATA):
            installed = sorted(ENGINE_DATA[p] for p in paths & set(ENGINE_DATA))
            findings.append(
                self.finding(
                    Severity.WARNING,
                    f"A container engine is installed but not running: {listing(installed)}",
                    evidence(label, lines),
                    "Remove the engine and its data directory before migrating, or plan for "
                    "it as for a running one: " + ENGINE_REMEDIATION,
                )
            )
        if findings and findings[0].severity == node:
            return findings
        if failed:
            return [*findings, self.unknown(failed)]
        return findings or [
            self.finding(Severity.PASS, "No container engine", evidence(label, lines))
        ]


VM_PROCESSES = {
    r"qemu-kvm|qemu-system-.+|kvm": "KVM/QEMU virtual machine",
    r"VBoxHeadless|VirtualBoxVM": "VirtualBox virtual machine",
    "vmware-vmx": "VMware virtual machine",
}
XEN_DOM0 = {r"xenstored|oxenstored|xend|xenconsoled": "Xen dom0 daemon"}
# qemu serving dom0 itself (xencommons starts it for disk backends) runs no guest; a domU's
# device model has its own domain id.
_DOM0_QEMU = re.compile(r"(?:^|\s)-xen-domid\s+0(?:\s|$)")
HYPERVISOR_SERVICES = {"libvirtd": "libvirtd", "virtqemud": "libvirt (virtqemud)"}


class Hypervisor(Check):
    """The source is a KVM or Xen hypervisor running virtual machines.

    Beyond the document. Virtual machines need hardware virtualisation (/dev/kvm) or the
    Xen hypervisor underneath, neither of which exists inside a container: a hypervisor
    cannot be migrated into one. Its virtual machines move to another hypervisor (or are
    converted to containers one by one).
    """

    id = "nesting.hypervisor"
    restriction = "nesting"
    os_family = "linux"
    probes = ("virt_markers", "ps")
    title = "KVM / Xen hypervisor role"

    def evaluate(self, facts: Facts) -> list[Finding]:
        markers = facts.parsed("virt_markers", parse_virt_markers)
        processes = facts.parsed("ps", parse_ps)
        label = f"{probe_label('virt_markers')}; {probe_label('ps')}"
        found: list[tuple[Process, str]] = []
        if not isinstance(processes, Unavailable):
            found = running(processes, {**VM_PROCESSES, **XEN_DOM0, **HYPERVISOR_SERVICES})
            found = [
                (p, "Xen dom0 qemu backend" if _DOM0_QEMU.search(p.args) else what)
                for p, what in found
            ]
        lines = [f"{what}: {p.user} {p.pid} {p.args[:200]}" for p, what in found]
        guests = [(p, w) for p, w in found if w not in HYPERVISOR_SERVICES.values()]
        if guests:
            vms = sum(1 for _, w in guests if w in VM_PROCESSES.values())
            what = f"{vms} virtual machines run here" if vms else "this is a Xen dom0"
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"This server is a hypervisor: {what}",
                    evidence(label, lines),
                    "Move its virtual machines to another hypervisor (or convert them to "
                    "containers one by one), then migrate or retire the host's own services.",
                )
            ]
        failed = [r for r in (markers, processes) if isinstance(r, Unavailable)]
        if failed:
            return [self.unknown(failed)]
        kvm = not isinstance(markers, Unavailable) and "/dev/kvm" in markers
        lines += ["exists: /dev/kvm"] if kvm else []
        if found:
            return [
                self.finding(
                    Severity.WARNING,
                    "A hypervisor service runs without virtual machines: "
                    + listing([w for _, w in found]),
                    evidence(label, lines),
                    "Disable libvirtd (and its default network, virbr0) in the container, or "
                    "check that no virtual machine is defined (virsh list --all).",
                )
            ]
        if kvm:
            return [
                self.finding(
                    Severity.INFO,
                    "KVM support is loaded (/dev/kvm) but no virtual machine runs",
                    evidence(label, lines),
                )
            ]
        return [self.finding(Severity.PASS, "Not a hypervisor", evidence(label, lines))]


GUEST_TOOLS = {
    r"vmtoolsd|VGAuthService": "VMware Tools (open-vm-tools)",
    "vmware-guestd": "VMware Tools",
    r"VBoxService|VBoxClient": "VirtualBox Guest Additions",
    r"hv_kvp_daemon|hv_vss_daemon|hv_fcopy_daemon|hypervkvpd|hypervvssd": "Hyper-V daemons",
    "xe-daemon": "XenServer / Citrix Hypervisor guest tools",
    r"qemu-ga|qemu-guest-agent": "QEMU guest agent",
    "prltoolsd": "Parallels Tools",
    "waagent": "Azure Linux Agent (Hyper-V guest)",
}


class GuestTools(Check):
    """The source is a virtual machine: its hypervisor guest tools have no use in a container.

    Beyond the document. VMware Tools, Hyper-V daemons, the QEMU guest agent, VirtualBox
    Guest Additions and Parallels Tools talk to a hypervisor that the container will not
    have: they fail to start or log errors. Remove them after the migration.
    """

    id = "nesting.guest_tools"
    restriction = "nesting"
    os_family = "linux"
    probes = ("ps",)
    title = "Virtual machine guest tools"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        if isinstance(processes, Unavailable):
            return [self.unknown(processes)]
        tools = running(processes, GUEST_TOOLS)
        label = probe_label("ps")
        if not tools:
            return [
                self.finding(
                    Severity.PASS, "No hypervisor guest tools running", evidence(label, [])
                )
            ]
        names = sorted({what for _, what in tools})
        return [
            self.finding(
                Severity.INFO,
                f"Hypervisor guest tools to remove: {listing(names)}",
                evidence(label, [f"{what}: {p.user} {p.pid} {p.args}" for p, what in tools]),
                "Remove (or disable) the guest tools and guest kernel modules in the container "
                "after the migration.",
            )
        ]


CHECKS: list[type[Check]] = [SourceContainer, ContainerEngine, Hypervisor, GuestTools]
