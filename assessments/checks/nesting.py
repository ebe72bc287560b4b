"""B10 (beyond the document): the source is already an OpenVZ/Virtuozzo container, or a node
that hosts containers."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import interfaces, mount_table, probe_label
from assessments.facts import Facts, Unavailable
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
    /proc/bc/0 absent is a container.
    """

    id = "nesting.source_container"
    restriction = "nesting"
    os_family = "linux"
    probes = ("virt_markers",)
    extras = ("mountinfo", "proc_mounts", "ip_addr", "ifconfig")  # corroborating evidence
    title = "Source already a container or a container node"

    def evaluate(self, facts: Facts) -> list[Finding]:
        markers = facts.parsed("virt_markers", parse_virt_markers)
        hints = self._hints(facts)
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
        if openvz:
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
    def _hints(facts: Facts) -> list[str]:
        """What the mount table and the interfaces add: a simfs/vzfs/ploop root, venet0."""
        hints: list[str] = []
        table = mount_table(facts)
        if not isinstance(table, Unavailable):
            root = next((m for m in table.mounts if m.target == "/"), None)
            if root and (root.fstype in CONTAINER_ROOTS or root.source.startswith("/dev/ploop")):
                hints.append(f"container root file system: {root.line}")
        data = interfaces(facts)
        if not isinstance(data, Unavailable):
            venet = [a for a in data.interfaces.addresses if a.interface == "venet0"]
            ipv4 = [a.address for a in venet if a.family == "inet"]
            if ipv4:
                hints.append(f"venet0 carries IPv4 {', '.join(ipv4)} (a container)")
            elif "venet0" in data.interfaces.links:
                hints.append("venet0 without IPv4 addresses (a hardware node)")
        return hints


CHECKS: list[type[Check]] = [SourceContainer]
