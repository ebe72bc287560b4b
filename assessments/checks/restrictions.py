"""The restriction classes, in one table: the registry's modules, the pages' names, the
filters' choices and the per-OS lists all derive from it.

A new restriction class is one row here and one module of checks (`checks/<module>.py` with
its `CHECKS`), with its tests and samples.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Restriction:
    """One restriction class of the Parallels document, or beyond it (restrictions.md
    section 3: the pages mark its findings as such)."""

    id: str
    os_family: str  # "linux" | "windows"
    label: str  # what the pages call it
    beyond_document: bool
    module: str  # the module of `assessments.checks` that holds its checks

    @property
    def name(self) -> str:
        """The label as shown: a class beyond the document says so."""
        return f"{self.label} (beyond the document)" if self.beyond_document else self.label


RESTRICTIONS: tuple[Restriction, ...] = (
    Restriction("filesystems", "linux", "File systems", False, "filesystems"),
    Restriction("ip_addresses", "linux", "IP addresses", False, "ip_addresses"),
    Restriction("quotas", "linux", "Disk quotas", False, "quotas"),
    Restriction("selinux", "linux", "SELinux", False, "selinux"),
    Restriction("xattrs", "linux", "Extended attributes", False, "xattrs"),
    Restriction("raw_devices", "linux", "Raw devices", False, "raw_devices"),
    Restriction("mac_binding", "linux", "MAC-bound software", False, "mac_binding"),
    Restriction("transfer", "linux", "Data transfer", False, "transfer"),
    Restriction("kernel", "linux", "Kernel and modules", True, "kernel"),
    Restriction(
        "kernel_services",
        "linux",
        "Kernel services: NFS server, IPVS, DRBD",
        True,
        "kernel_services",
    ),
    Restriction(
        "block_devices", "linux", "Block devices: LVM, RAID, multipath", True, "block_devices"
    ),
    Restriction("netfilter", "linux", "Firewall (netfilter)", True, "netfilter"),
    Restriction("clock", "linux", "System clock", True, "clock"),
    Restriction("hardware", "linux", "Hardware access", True, "hardware"),
    Restriction("memory", "linux", "Memory, swap and kernel settings", True, "memory"),
    Restriction("security_modules", "linux", "AppArmor and audit", True, "security_modules"),
    Restriction(
        "privileged_networking",
        "linux",
        "Tunnels, bridges and IPsec",
        True,
        "privileged_networking",
    ),
    Restriction("nesting", "linux", "Nesting: containers, hypervisors, VMs", True, "nesting"),
    Restriction("host_identity", "linux", "Host identity", True, "host_identity"),
    Restriction("os_version", "windows", "Windows version", False, "os_version"),
    Restriction("volumes", "windows", "Volumes", False, "volumes"),
    Restriction("qos", "windows", "QoS Packet Scheduler", False, "qos"),
    Restriction("architecture", "windows", "Architecture", False, "architecture"),
    Restriction(
        "windows_limits",
        "windows",
        "Windows container limits: drivers, roles, devices",
        True,
        "windows_limits",
    ),
)

BY_ID: dict[str, Restriction] = {r.id: r for r in RESTRICTIONS}
RESTRICTION_IDS: tuple[str, ...] = tuple(BY_ID)
LINUX_RESTRICTIONS: tuple[str, ...] = tuple(r.id for r in RESTRICTIONS if r.os_family == "linux")
WINDOWS_RESTRICTIONS: tuple[str, ...] = tuple(
    r.id for r in RESTRICTIONS if r.os_family == "windows"
)
RESTRICTION_NAMES: dict[str, str] = {r.id: r.name for r in RESTRICTIONS}
