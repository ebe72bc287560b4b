"""What the windows_limits checks (B12, beyond the document) recognise, and how they read it.

Not a restriction module (registers no checks). Windows prints no vendor next to a driver
or a service, and the words it prints are localised, so the checks recognise the names
that are not: driver module names, service names, USB vendor ids. The lists name products
seen on the servers P2C projects meet (security agents, backup and replication filters,
encryption, multipath, hypervisors, guest tools, licence dongles); a driver they do not
name is recognised as third-party only when its image lies outside system32.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.checks.base import evidence
from assessments.facts import Facts, Unavailable
from assessments.parsers.windows.drivers import DriverList, parse_driverquery
from assessments.parsers.windows.sc import STATE_NAMES, Service
from assessments.parsers.windows.services import (
    ServiceList,
    display_name,
    parse_sc_services,
    state_line,
)
from assessments.parsers.windows.usb import UsbDevice
from assessments.probes import label

# Kinds of driver families, role services and devices.
SECURITY = "security"
BACKUP = "backup"
ENCRYPTION = "encryption"
STORAGE = "storage"
FILESYSTEM = "filesystem"
GUEST = "guest"
DONGLE = "dongle"
HYPERVISOR = "hypervisor"
NLB = "nlb"
CLUSTER = "cluster"
DC = "dc"
DHCP = "dhcp"
WINS = "wins"


@dataclass(frozen=True)
class Family:
    """Drivers of one product, by module name (the whole lower-case name must match)."""

    kind: str
    product: str
    pattern: re.Pattern[str]


def _family(kind: str, product: str, pattern: str) -> Family:
    return Family(kind, product, re.compile(pattern))


DRIVER_FAMILIES: tuple[Family, ...] = (
    _family(DONGLE, "Aladdin / SafeNet HASP or Sentinel HL key", r"aks\w+|hasp\w*|hardlock"),
    _family(DONGLE, "SafeNet (Rainbow) Sentinel key", r"sentinel(64)?|sntnlusb\w*|sntusb\w*"),
    _family(DONGLE, "WIBU-Systems CodeMeter / WibuKey", r"wibu\w*|cmusb\w*|codemeter\w*"),
    _family(HYPERVISOR, "Hyper-V (host)", r"vid|vmswitch"),
    _family(HYPERVISOR, "VMware Workstation / Server (host)", r"vmx86|hcmon|vmnet(adapter|bridge)"),
    _family(HYPERVISOR, "VirtualBox (host)", r"vboxdrv|vboxnet(adp|flt)|vboxusbmon"),
    _family(NLB, "Network Load Balancing", r"wlbs|nlb"),
    _family(SECURITY, "SentinelOne", r"sentinel(monitor|elam|devicecontrol)"),
    _family(
        SECURITY,
        "Symantec / Norton",
        r"sym(event|efa|ds|nets|tdiv?|iron|snap)\w*|srtspx?\w*|bhdrvx(86|64)|idsvi[ax]\w*"
        r"|eectrl|eraserutil\w*|ccset\w*|teefer\d*|sysplant",
    ),
    _family(SECURITY, "McAfee", r"mfe\w+"),
    _family(
        SECURITY,
        "Trend Micro",
        r"tm(comm|actmon|evtmgr|tdi|ebc\d*|preflt|xpflt|filter|lwf|wfp|umh|nsfilt)",
    ),
    _family(
        SECURITY,
        "Kaspersky",
        r"kl(if|1|im[56]?|flt|boot|disk|mdb|ifaa|ifks|pd|wfp|hk|elam|backup\w*|drv|gse|dpf)",
    ),
    _family(SECURITY, "ESET", r"ehdrv|epfw\w*|eamonm?|easdrv|edevmon|eelam"),
    _family(SECURITY, "Sophos", r"savonaccess\w*|sophos\w*|swi_\w+|hmpalert"),
    _family(SECURITY, "Avast / AVG", r"asw\w+|avg(tdi|mfx|ldx|idsh|rk|tp|snx|sp)\w*|avgwfpf"),
    _family(SECURITY, "Avira", r"avgntflt|avipbb|avkmgr|avnetflt"),
    _family(
        SECURITY,
        "Bitdefender",
        r"trufos|bdselfpr|gzflt|bdvedisk|avc3|avckf|bdfwfpf|bdsandbox|bdfndisf|bdelam",
    ),
    _family(SECURITY, "CrowdStrike Falcon", r"csagent|csdevicecontrol|csboot|csfirmwareanalysis"),
    _family(SECURITY, "Carbon Black / Bit9", r"carbonblackk|cbk7|cbstream|parity"),
    _family(SECURITY, "Cylance", r"cyprotectdrv\w*|cyoptics\w*"),
    _family(SECURITY, "F-Secure", r"fsbts|fses|fsgk|fshs|fsvista|fsfw"),
    _family(BACKUP, "Acronis", r"snapman|tdrpman|fltsrv|file_tracker|afcdp|vididr|timounter"),
    _family(BACKUP, "StorageCraft ShadowProtect", r"stc(vsm|fsm)"),
    _family(BACKUP, "Veeam", r"veeam\w*"),
    _family(BACKUP, "Symantec System Recovery / Backup Exec", r"v2imount"),
    _family(BACKUP, "Double-Take", r"repkap"),
    _family(BACKUP, "CA ARCserve Replication", r"xomf"),
    _family(BACKUP, "R1Soft / Idera CDP", r"hcpidesk"),
    _family(ENCRYPTION, "TrueCrypt / VeraCrypt", r"truecrypt|veracrypt"),
    _family(ENCRYPTION, "PGP / Symantec Encryption Desktop", r"pgp(wded|disk|sdk)\w*"),
    _family(ENCRYPTION, "DiskCryptor", r"dcrypt"),
    _family(STORAGE, "Veritas Storage Foundation volume manager", r"vxio"),
    _family(STORAGE, "EMC PowerPath multipathing", r"emcp\w*"),
    # File system frameworks that products bundle (cloud drives, sync and backup clients):
    # their drivers sit in system32\drivers, so the path does not give them away.
    _family(
        FILESYSTEM,
        "Callback Technologies CBFS (Connect / Filter)",
        r"cbfs\w*|cbfilter\w*|cbfltfs\w*|callbackfilter\w*",
    ),
    _family(FILESYSTEM, "Dokan user-mode file system", r"dokan\d*"),
    _family(FILESYSTEM, "WinFsp user-mode file system", r"winfsp\w*"),
    _family(
        GUEST,
        "VMware Tools",
        r"vmci|vmhgfs|vmmouse|vmmemctl|vmxnet\w*|vm3dmp\w*|vmusbmouse|vmrawdsk|vsock|pvscsi"
        r"|vmx_svga|vmdebug|vmkbd",
    ),
    _family(GUEST, "VirtualBox Guest Additions", r"vbox(guest|mouse|sf|video|wddm)"),
    _family(GUEST, "Citrix / Xen PV drivers", r"xen\w+"),
    _family(
        GUEST,
        "KVM virtio drivers",
        r"viostor|vioscsi|netkvm|balloon|vioser|viorng|vioinput|pvpanic|fwcfg",
    ),
    _family(GUEST, "Parallels Tools", r"prl_\w+"),
)


def driver_family(module: str) -> Family | None:
    name = module.strip().lower()
    return next((f for f in DRIVER_FAMILIES if f.pattern.fullmatch(name)), None)


# Services of roles that cannot live in a container, by service name (not localised).
ROLE_SERVICES: dict[str, tuple[str, str]] = {
    "ntds": (DC, "Active Directory Domain Services"),
    "kdc": (DC, "Kerberos Key Distribution Center"),
    "vmms": (HYPERVISOR, "Hyper-V Virtual Machine Management"),
    "vmcompute": (HYPERVISOR, "Hyper-V Host Compute Service"),
    "clussvc": (CLUSTER, "Cluster Service (Failover Clustering)"),
    "nlbsvc": (NLB, "Network Load Balancing"),
    "dhcpserver": (DHCP, "DHCP Server"),
    "wins": (WINS, "WINS (Windows Internet Name Service)"),
}

# Licence managers of dongle vendors, by service name.
DONGLE_SERVICES: dict[str, str] = {
    "hasplms": "Sentinel HASP / LDK License Manager",
    "aksusbd": "Sentinel LDK runtime",
    "sentinelkeysserver": "Sentinel Keys Server",
    "sentinelprotectionserver": "Sentinel Protection Server",
    "codemeter.exe": "CodeMeter Runtime Server",
    "codemeter": "CodeMeter Runtime Server",
}

# USB vendor ids of licence dongles, and device ids their functions show as.
DONGLE_VENDORS: dict[str, str] = {
    "0529": "Aladdin / SafeNet (HASP, Sentinel HL)",
    "04B9": "SafeNet / Rainbow (Sentinel)",
    "064F": "WIBU-Systems (CodeMeter, WibuKey)",
    "096E": "Feitian (ROCKEY)",
    "07F2": "KEYLOK",
}
DONGLE_ID_PREFIXES = ("ALADDIN\\", "USB\\HASP\\")
# "Dongle" alone also names Bluetooth and WLAN adapters: licence words or products only.
DONGLE_NAME = re.compile(
    r"\b(hasp|sentinel|hardlock|codemeter|wibu|rockey|keylok|guardant)"
    r"|(?:copy|software)[ -]?protection|(?:protection|licen[cs]e) (?:key|dongle)",
    re.I,
)

# USB-to-serial adapters: vendors that make nothing else, and single products.
SERIAL_VENDORS: dict[str, str] = {"0403": "FTDI", "067B": "Prolific"}
SERIAL_PRODUCTS: dict[tuple[str, str], str] = {
    ("10C4", "EA60"): "Silicon Labs CP210x",
    ("10C4", "EA70"): "Silicon Labs CP2105",
    ("10C4", "EA71"): "Silicon Labs CP2108",
    ("10C4", "EA80"): "Silicon Labs CP2110",
}
SERIAL_NAME = re.compile(r"\b(serial|seriell|s[ée]rie|modem)\b", re.I)


# -- what the checks say about them ------------------------------------------------------

DRIVER_KINDS = {
    SECURITY: (
        "Security agent drivers will not load in the container",
        "The container runs the node's kernel, so this agent's filter drivers would not "
        "protect it. Uninstall the agent before migration and protect the container with an "
        "edition that supports Virtuozzo containers, or from the node.",
    ),
    BACKUP: (
        "Backup or replication filter drivers will not load in the container",
        "Snapshot and change-tracking drivers do not run in a container: back the container "
        "up from the node (or agentless) and uninstall the agent before migration.",
    ),
    ENCRYPTION: (
        "Volume encryption drivers will not load in the container",
        "Decrypt the volumes and remove the product before migration (the data is copied as "
        "files); encrypted volume files cannot be mounted inside a container.",
    ),
    FILESYSTEM: (
        "Third-party file system drivers will not load in the container",
        "The application that installed the file system driver (a cloud drive, sync or "
        "backup client, a virtual drive) will not work in the container: find it, and "
        "replace it or keep that workload on a machine.",
    ),
    STORAGE: (
        "Multipath or volume-manager drivers will not load in the container",
        "The node owns the storage; the data is copied into the container's file system. "
        "Remove the storage software after migration and check nothing else depends on it.",
    ),
}
OUTSIDE = (
    "Drivers outside system32 (not Windows' own) will not load in the container",
    "Find the application that installed each driver and check it works without it, or "
    "keep that workload on a physical or virtual machine.",
)
GUEST_REMEDIATION = "Not needed in a container: uninstall the guest tools after migration."


ROLE_TEXT = {
    HYPERVISOR: (
        "a hypervisor host",
        "A hypervisor cannot run inside a container: move its virtual machines to another "
        "host, then migrate the rest (or keep this server as it is).",
    ),
    CLUSTER: (
        "a failover cluster node",
        "Cluster nodes need shared disks and the cluster drivers, which a container has not: "
        "evict the node and move the clustered services (or keep them on machines).",
    ),
    NLB: (
        "a Network Load Balancing node",
        "NLB binds a driver to the NIC and its MAC address; the container has neither: "
        "balance the service on the network or on the node instead, then remove NLB.",
    ),
    DC: (
        "a domain controller",
        "Verify that the destination product supports domain controllers in containers; "
        "otherwise move the role to another server (dcpromo) before migrating.",
    ),
    DHCP: (
        "a DHCP server",
        "A DHCP server answers broadcasts on its NIC; the container's venet0 carries none. "
        "Give the container a bridged (veth) adapter, or move the role to another server.",
    ),
    WINS: (
        "a WINS server",
        "WINS is bound to the server's NICs and replicates with its partners by address: "
        "check it works on the container's adapter, or move the role.",
    ),
}
# Roles built on kernel drivers and hardware: they cannot work in a container at all.
BLOCKING = (HYPERVISOR, CLUSTER, NLB)


# -- reading the probes ----------------------------------------------------------------------

RUNNING = 4  # sc state number


def drivers_of(facts: Facts) -> DriverList | Unavailable:
    """driverquery's drivers; a list without any is no answer (every Windows has drivers)."""
    result = facts.parsed("driverquery", parse_driverquery)
    if not isinstance(result, Unavailable) and not result.drivers:
        return Unavailable("driverquery", "driverquery listed no driver")
    return result


def services_of(facts: Facts) -> ServiceList | Unavailable:
    result = facts.parsed("sc_services", parse_sc_services)
    if not isinstance(result, Unavailable) and not result.services:
        return Unavailable("sc_services", "sc listed no service")
    return result


def dongle_kind(device: UsbDevice) -> str:
    """The dongle vendor this USB device is, or ""."""
    if device.vid in DONGLE_VENDORS:
        return DONGLE_VENDORS[device.vid]
    if device.device_id.upper().startswith(DONGLE_ID_PREFIXES):
        return DONGLE_VENDORS["0529"]
    return "licence key" if DONGLE_NAME.search(device.name) else ""


def serial_kind(device: UsbDevice) -> str:
    """The USB-to-serial adapter this device is, or ""."""
    if device.vid in SERIAL_VENDORS:
        return SERIAL_VENDORS[device.vid]
    if (device.vid, device.pid) in SERIAL_PRODUCTS:
        return SERIAL_PRODUCTS[(device.vid, device.pid)]
    return "serial device" if SERIAL_NAME.search(device.name) else ""


@dataclass(frozen=True)
class Seen:
    """One sign of a role or device: running (True, False, None unknown), what it is, and
    the probe and output line it was read from."""

    running: bool | None
    what: str
    probe: str
    line: str


def service_seen(service: Service, what: str) -> Seen:
    """A service as a sign of `what`, named by its (localised) display name when it has one;
    a paused or pending service is in use (its state is named)."""
    running = None if service.state is None else service.active
    display = display_name(service)
    shown = display if display != service.name else what
    if service.active and service.state != RUNNING:
        shown += f", {STATE_NAMES.get(service.state or 0, service.state)}"
    return Seen(running, f"service {service.name} ({shown})", "sc_services", state_line(service))


def blocks(seen: Sequence[Seen]) -> str:
    """Evidence lines grouped by probe, each group under its own `$ command` line."""
    by_probe: dict[str, list[str]] = {}
    for item in seen:
        by_probe.setdefault(item.probe, []).append(item.line)
    return "\n".join(evidence(label("windows", probe), lines) for probe, lines in by_probe.items())
