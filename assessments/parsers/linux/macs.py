"""MAC addresses: normalisation in every notation, /sys/class/net listings, bonding slaves.

Only 6-byte addresses count: InfiniBand (20 bytes), UNSPEC tunnels/venet (16 bytes, shown
as `00-00-...`), all-zero and broadcast addresses are no hardware identity. Bond slaves
show the active slave's MAC; /proc/net/bonding has their permanent ones.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.addresses import Link
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.text import decode

_SEPARATED = re.compile(r"^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$")
_CISCO = re.compile(r"^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$")
_BARE = re.compile(r"^[0-9a-f]{12}$")
# MAC-shaped tokens inside free text (license files, configs), any notation.
MAC_IN_TEXT = re.compile(
    r"(?<![0-9A-Fa-f:.-])(?:"
    r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}"
    r"|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"
    r"|[0-9A-Fa-f]{12}"
    r")(?![0-9A-Fa-f:.-]?[0-9A-Fa-f])"
)
VM_OUIS = {
    "005056": "VMware",
    "000c29": "VMware",
    "000569": "VMware",
    "525400": "KVM/QEMU",
    "00155d": "Hyper-V",
    "080027": "VirtualBox",
    "00163e": "Xen",
}


def normalise_mac(value: str) -> str | None:
    """`001a2b3c4d5e` for any notation of a usable 6-byte MAC, else None."""
    text = value.strip().lower()
    if _SEPARATED.match(text) or _CISCO.match(text) or _BARE.match(text):
        bare = re.sub(r"[:.-]", "", text)
    else:
        return None
    if bare in ("000000000000", "ffffffffffff"):
        return None
    return bare


def display_mac(bare: str) -> str:
    return ":".join(bare[i : i + 2] for i in range(0, 12, 2))


def vm_vendor(bare: str) -> str:
    return VM_OUIS.get(bare[:6], "")


@dataclass(frozen=True)
class Nic:
    name: str
    mac: str  # normalised
    arp_type: int | None = None  # /sys/class/net/*/type: 1 ether, 32 infiniband, 772 loopback
    line: str = ""


@dataclass
class MacInventory:
    nics: list[Nic] = field(default_factory=list)
    permanent: dict[str, str] = field(default_factory=dict)  # bond slave -> permanent MAC

    def macs(self) -> dict[str, list[str]]:
        """Normalised MAC -> interface names carrying it (permanent slave MACs included)."""
        found: dict[str, list[str]] = {}
        for nic in self.nics:
            if nic.arp_type not in (None, 1):
                continue
            mac = self.permanent.get(nic.name, nic.mac)
            found.setdefault(mac, []).append(nic.name)
        for slave, mac in self.permanent.items():
            if slave not in {nic.name for nic in self.nics}:
                found.setdefault(mac, []).append(slave)
        return found


def parse_sys_net(out: ProbeOutput) -> MacInventory:
    """The `mac_addresses` probe: `NAME ADDRESS TYPE` lines from /sys/class/net, then
    /proc/net/bonding/* files under `==> path <==` headers."""
    text = decode(out.stdout)
    inventory = MacInventory()
    for name, lines in split_sections(text):
        if name.startswith("/proc/net/bonding/"):
            inventory.permanent.update(parse_bonding_lines(lines))
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 2:
                continue
            mac = normalise_mac(fields[1])
            if mac is None:
                continue
            arp_type = int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else None
            inventory.nics.append(Nic(fields[0], mac, arp_type, line.strip()))
    if not inventory.nics and not inventory.permanent and not text.strip():
        raise ProbeUnavailable("no network interfaces listed")
    return inventory


def parse_bonding_lines(lines: list[str]) -> dict[str, str]:
    """Slave -> permanent MAC from one /proc/net/bonding/<bond> file."""
    permanent: dict[str, str] = {}
    slave = ""
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == "Slave Interface":
            slave = value.strip()
        elif key.strip() == "Permanent HW addr" and slave:
            mac = normalise_mac(value.strip())
            if mac:
                permanent[slave] = mac
    return permanent


def inventory_from_links(links: dict[str, Link]) -> MacInventory:
    """Fallback when /sys was not listed: MACs from parsed `ip`/`ifconfig` links."""
    inventory = MacInventory()
    for name, link in links.items():
        if link.link_type and link.link_type.lower() not in ("ether", "ethernet"):
            continue
        mac = normalise_mac(link.mac)
        if mac:
            inventory.nics.append(Nic(name.split(":")[0], mac, None, f"{name} {link.mac}"))
    return inventory
