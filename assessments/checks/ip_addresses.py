"""L2: all IP addresses are reassigned to one device, venet0."""

import ipaddress
import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import interfaces, listing
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.addresses import Address, Interfaces

HOST_BRIDGES = ("docker", "virbr", "lxcbr", "lxdbr", "cni", "flannel", "podman", "veth")
# `docker network create` bridges: br- and the network id's first 12 hex digits (br-ex,
# br-lan and the like are real bridges carrying the host's addresses).
DOCKER_NETWORK_BRIDGE = re.compile(r"^br-[0-9a-f]{12}$")
VPN_PREFIXES = ("tun", "tap", "ppp", "wg", "ipsec", "vti")
UNUSABLE_IPV6_FLAGS = {"tentative", "dadfailed", "deprecated"}

REMEDIATION = (
    "After migration all addresses sit on venet0 as /32 (or /128) host routes: per-interface "
    "firewall rules, source-address selection, VLANs and configurations naming an interface "
    "(Listen eth1, dhcpd eth1, keepalived interface eth1) break. Create veth (bridged) "
    "adapters in the container (prlctl set CT --netif_add ... / vzctl set CTID --netif_add "
    "...) and move the addresses that need their own interface, VLAN or L2 features there."
)


def migratable(address: Address) -> bool:
    ip = address.ip
    if ip is None:
        return False
    if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
        return False
    if address.scope in ("host", "link"):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and UNUSABLE_IPV6_FLAGS & set(address.flags):
        return False
    return not _host_internal(address.interface)


def _host_internal(name: str) -> bool:
    """A host-internal bridge or a VPN endpoint: not an address the services are reached on."""
    return (
        name.startswith((*HOST_BRIDGES, *VPN_PREFIXES))
        or DOCKER_NETWORK_BRIDGE.match(name) is not None
    )


BOND = re.compile(r"^(bond|team)\d+$")
BRIDGE = re.compile(r"^(br\d+|br-|vmbr|xenbr)")
BOND_REMEDIATION = (
    "Re-create the bond (or bridge) on the destination node; the container gets the address "
    "on venet0, or on a veth adapter bridged on the node if it needs its own L2 segment."
)


def _joined(data: Interfaces, devices: set[str]) -> str:
    """ "a bond (bond0)" / "a bridge (br0)" when a device is one (restrictions.md L2: bonding
    and bridges are a warning even with one address)."""
    for name in sorted(devices):
        link = data.links.get(name)
        if BOND.match(name) or (link is not None and "MASTER" in link.flags):
            return f"a bond ({name})"
        if BRIDGE.match(name):
            return f"a bridge ({name})"
    return ""


def _dedup(addresses: list[Address]) -> dict[str, list[Address]]:
    found: dict[str, list[Address]] = {}
    for address in addresses:
        found.setdefault(address.address, []).append(address)
    return found


class AddressesOnVenet(Check):
    """All IP addresses are reassigned to one device, venet0.

    The Parallels document: "All IP addresses of the physical server are assigned to the
    venet0 network adapter inside the Container." Several addresses, subnets, VLANs or
    bonds collapse onto one routed device without its own MAC; DHCP does not work on venet0.
    The Virtuozzo 6 guide adds: "After migration, you can create additional virtual network
    adapters inside the resulting Container and assign necessary IP addresses to network
    adapters as you see fit."
    """

    id = "ip_addresses.venet"
    restriction = "ip_addresses"
    os_family = "linux"
    probes = ("ip_addr", "ifconfig")
    title = "IP addresses moved onto venet0"

    def evaluate(self, facts: Facts) -> list[Finding]:
        data = interfaces(facts)
        if isinstance(data, Unavailable):
            return [self.unknown(data)]
        found = _dedup([a for a in data.interfaces.addresses if migratable(a)])
        lines = [self._describe(address, copies) for address, copies in found.items()]
        others = self._ignored(data.interfaces)
        if others:
            lines.append("not counted: " + ", ".join(others))
        shown = evidence(data.label, lines)
        findings: list[Finding] = []
        devices = {a.interface for copies in found.values() for a in copies}
        if not found:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "No static address to move onto venet0 (only loopback, link-local or "
                    "DHCP-less interfaces)",
                    shown,
                    "venet0 has no DHCP: assign a static address to the container.",
                )
            )
        elif all("dynamic" in copies[0].flags for copies in found.values()):
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "Addresses assigned by DHCP cannot stay dynamic on venet0: "
                    + listing(list(found)),
                    shown,
                    "venet0 has no DHCP: reserve these addresses and assign them statically "
                    "to the container.",
                )
            )
        elif (
            len(found) == 1 and len(devices) == 1 and (joined := _joined(data.interfaces, devices))
        ):
            findings.append(
                self.finding(
                    Severity.WARNING,
                    f"One address ({next(iter(found))}) moves to venet0 from {joined}: "
                    "the node does the bonding or bridging, venet0 has neither",
                    shown,
                    BOND_REMEDIATION,
                )
            )
        elif len(found) == 1 and len(devices) == 1:
            findings.append(
                self.finding(
                    Severity.INFO, f"One address ({next(iter(found))}) moves to venet0", shown
                )
            )
        else:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    f"{len(found)} addresses on {len(devices)} interface(s) will all move to "
                    f"venet0: {listing(list(found))}",
                    shown,
                    REMEDIATION,
                )
            )
        return findings

    @staticmethod
    def _describe(address: str, copies: list[Address]) -> str:
        labels = ", ".join(sorted({copy.label for copy in copies}))
        first = copies[0]
        prefix = f"/{first.prefix}" if first.prefix is not None else ""
        how = "SLAAC or DHCPv6" if first.family == "inet6" else "DHCP"
        dhcp = f" (dynamic: {how})" if "dynamic" in first.flags else ""
        return f"{address}{prefix} on {labels}{dhcp}"

    @staticmethod
    def _ignored(data: Interfaces) -> list[str]:
        ignored = []
        for address in data.addresses:
            ip = address.ip
            if ip is None or ip.is_loopback or migratable(address):
                continue
            if _host_internal(address.interface):
                ignored.append(f"{address.address} on {address.label}")
        return ignored


CHECKS: list[type[Check]] = [AddressesOnVenet]
