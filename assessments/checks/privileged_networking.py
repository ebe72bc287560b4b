"""B9 (beyond the document): tunnels, bridges, VPNs and IPsec need privileges a container
does not have by default."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.checks.platforms import VZ7, destination_platform
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.netlinks import (
    NetLink,
    links_from_sys_net,
    parse_ip_link,
    parse_ip_xfrm,
)
from assessments.parsers.linux.processes import parse_ps
from assessments.parsers.linux.programs import running
from assessments.parsers.linux.virt import parse_virt_markers

# Devices the kernel creates by itself when a tunnel module is loaded: idle unless brought
# UP (Calico and LVS-TUN real servers use tunl0).
FALLBACK_DEVICES = frozenset(
    "tunl0 gre0 gretap0 erspan0 sit0 ip6tnl0 ip6gre0 ip6gretap0 ip_vti0 ip6_vti0".split()
)
# Bridges and veth pairs that container engines and hypervisors create (see nesting).
_ENGINE_LINKS = re.compile(
    r"^(?:docker\d|br-[0-9a-f]{12}|virbr\d|lxcbr\d|lxdbr\d|cni\d|podman\d|veth|vnet\d|vif\d+\.\d)"
)
# Names that tell the kind where old iproute2 (or /sys) prints none.
_NAMES = (
    (re.compile(r"^wg\d"), "wireguard"),
    (re.compile(r"^tap"), "tap"),
    (re.compile(r"^tun\d"), "tun"),
    (re.compile(r"^ppp\d"), "ppp"),
    (re.compile(r"^(?:br\d|vmbr\d|xenbr\d|bridge\d)"), "bridge"),
    (re.compile(r"^ovs-system$"), "openvswitch"),
)
_TEAM = re.compile(r"^team\d")  # a team device is its ports' master, without MASTER
# kind -> (what it is, the container feature it needs)
NEEDS = {
    "tun": ("TUN device", "the tun device node (/dev/net/tun) and net_admin"),
    "tap": ("TAP device", "the tun device node (/dev/net/tun) and net_admin"),
    "ppp": ("PPP link", "the ppp feature and /dev/ppp"),
    "gre": ("GRE tunnel", "the ipgre feature"),
    "gretap": ("GRE tunnel", "the ipgre feature"),
    "ip6gre": ("GRE tunnel", "the ipgre feature"),
    "ipip": ("IPIP tunnel", "the ipip feature"),
    "sit": ("SIT tunnel", "the sit feature"),
    "ip6tnl": ("IPv6 tunnel", "the ipip feature (or a tunnel on the node)"),
    "vti": ("VTI (IPsec) tunnel", "kernel IPsec (see privileged_networking.ipsec)"),
    "xfrm": ("XFRM (IPsec) interface", "kernel IPsec (see privileged_networking.ipsec)"),
    "vxlan": ("VXLAN tunnel", "a tunnel on the node (no container feature)"),
    "geneve": ("Geneve tunnel", "a tunnel on the node (no container feature)"),
    "bridge": ("bridge", "the bridge feature (or bridging on the node)"),
    "openvswitch": ("Open vSwitch", "Open vSwitch on the node"),
    "macvlan": ("macvlan link", "a veth adapter of the container instead"),
    "macvtap": ("macvtap link", "a veth adapter of the container instead"),
    "ipvlan": ("ipvlan link", "a veth adapter of the container instead"),
}
LINK_TYPES = {
    "ppp": "ppp",
    "ipip": "ipip",
    "sit": "sit",
    "gre": "gre",
    "ip6gre": "ip6gre",
    "tunnel6": "ip6tnl",
}


def link_kind(link: NetLink, masters: frozenset[str] = frozenset()) -> str:
    """What the link is: a kind of NEEDS, "wireguard", "vlan", "engine", or "" (ordinary).

    `masters` are the links other links name as their `master`: without -d details, one
    that is not a bond (bonds carry the MASTER flag) is a bridge (oVirt's `ovirtmgmt`)."""
    idle_fallback = link.name in FALLBACK_DEVICES and "UP" not in link.flags
    if idle_fallback or link.link_type in ("void", "loopback") or link.name == "lo":
        return ""
    if _ENGINE_LINKS.match(link.name):
        return "engine"
    kind = "tap" if link.kind == "tun" and link.tun_mode == "tap" else link.kind
    if kind:
        return kind if kind in NEEDS or kind in ("wireguard", "vlan") else ""
    if link.link_type in LINK_TYPES:
        return LINK_TYPES[link.link_type]
    named = next((name for pattern, name in _NAMES if pattern.match(link.name)), "")
    if named or link.link_type == "none":  # ARPHRD_NONE without details: tun (or wg by name)
        return named or "tun"
    if link.name in masters and "MASTER" not in link.flags and not _TEAM.match(link.name):
        return "bridge"
    return ""


class TunnelsAndBridges(Check):
    """TUN/TAP devices, PPP, GRE/IPIP/SIT tunnels, bridges and WireGuard need privileges.

    Beyond the document. A container gets one venet0 (or veth) interface; the virtual
    links the server builds for itself need container features the node must grant
    (tun device node, ppp, ipgre, ipip, sit, bridge) or cannot exist inside a container at
    all (WireGuard on node kernels without it). VLAN tagging moves to the node; the
    addresses move to venet0 as the document says.
    """

    id = "privileged_networking.interfaces"
    restriction = "privileged_networking"
    os_family = "linux"
    probes = ("ip_link", "mac_addresses")
    alternatives = (("ip_link", "mac_addresses"),)  # /sys/class/net: names and link types
    title = "Tunnels, bridges and other virtual links"

    def evaluate(self, facts: Facts) -> list[Finding]:
        found = facts.parsed("ip_link", parse_ip_link)
        label = probe_label("ip_link")
        if isinstance(found, Unavailable):
            fallback = facts.parsed("mac_addresses", links_from_sys_net)
            if isinstance(fallback, Unavailable):
                return [self.unknown([found, fallback])]
            label = f"{probe_label('mac_addresses')} ({found.reason})"
            found = fallback
        links = found
        masters = frozenset(link.master for link in links.links if link.master)
        kinds = [(link, link_kind(link, masters)) for link in links.links]
        lines = [f"{link.line}  [{kind}]" for link, kind in kinds if kind] + (
            [links.cut] if links.cut else []
        )
        wireguard = [link.name for link, kind in kinds if kind == "wireguard"]
        needing = [(link, kind) for link, kind in kinds if kind in NEEDS]
        if wireguard:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"WireGuard interfaces: {listing(wireguard)}",
                    evidence(label, lines),
                    "WireGuard needs the kernel module on the node and network privileges the "
                    "node does not grant containers (verify for the destination's kernel): "
                    "terminate the VPN on the node or a VM.",
                )
            ]
        if needing:
            features = sorted({NEEDS[kind][1] for _, kind in needing})
            named = [f"{link.name} ({NEEDS[kind][0]})" for link, kind in needing]
            return [
                self.finding(
                    Severity.WARNING,
                    f"Virtual links that need container features: {listing(named)}",
                    evidence(label, lines),
                    "Grant the container " + "; ".join(features) + " (vzctl/prlctl set "
                    "--features, --devnodes), or rebuild these links on the node.",
                )
            ]
        if links.cut:
            return [self.unknown(Unavailable("ip_link", f"ip link {links.cut}", "\n".join(lines)))]
        vlans = [link.name for link, kind in kinds if kind == "vlan"]
        engine = [link.name for link, kind in kinds if kind == "engine"]
        if vlans or engine:
            parts = (
                [f"VLAN interfaces {listing(vlans)} (tagging moves to the node)"] if vlans else []
            )
            parts += (
                [f"links of container engines or hypervisors {listing(engine)} (see nesting)"]
                if engine
                else []
            )
            return [self.finding(Severity.INFO, "; ".join(parts), evidence(label, lines))]
        return [
            self.finding(
                Severity.PASS, "No tunnel, bridge or VPN interface", evidence(label, lines)
            )
        ]


IKE_DAEMONS = {
    "charon": "strongSwan (charon)",
    "charon-systemd": "strongSwan (charon)",
    "starter": "strongSwan starter",
    "pluto": "Openswan / Libreswan (pluto)",
    "racoon": "ipsec-tools racoon",
    "iked": "IKE daemon",
}


class KernelIpsec(Check):
    """Kernel IPsec (xfrm) cannot be configured from a container on older nodes.

    Beyond the document. IPsec security associations and policies live in the kernel's
    xfrm layer, which legacy OpenVZ / PVC 4.x containers cannot use; Virtuozzo 7 allows
    IPsec in containers with the right configuration. IKE daemons (strongSwan, Libreswan,
    racoon) set these up.
    """

    id = "privileged_networking.ipsec"
    restriction = "privileged_networking"
    os_family = "linux"
    probes = ("ip_xfrm", "ps")
    title = "Kernel IPsec"

    def evaluate(self, facts: Facts) -> list[Finding]:
        states = facts.parsed("ip_xfrm", parse_ip_xfrm)
        processes = facts.parsed("ps", parse_ps)
        failed = [r for r in (states, processes) if isinstance(r, Unavailable)]
        daemons = [] if isinstance(processes, Unavailable) else running(processes, IKE_DAEMONS)
        sas = [] if isinstance(states, Unavailable) else states.states
        platform = destination_platform(facts)
        label = f"{probe_label('ip_xfrm')}; {probe_label('ps')}"
        lines = [line for sa in sas for line in sa.lines]
        lines += [f"{what}: {p.user} {p.pid} {p.args}" for p, what in daemons]
        lines += [r.reason for r in failed]
        if not isinstance(states, Unavailable) and states.note:
            lines.append(states.note)
        findings: list[Finding] = []
        if sas or daemons:
            blocker = Severity.WARNING if platform.id == VZ7 else Severity.BLOCKER
            severity = blocker if sas else Severity.WARNING
            what = f"{len(sas)} IPsec security associations" if sas else "an IKE daemon runs"
            findings.append(
                self.finding(
                    severity,
                    f"Kernel IPsec in use: {what}",
                    evidence(label, [platform.note, *lines]),
                    "Terminate IPsec on the node or a VM/router, or (Virtuozzo 7) enable IPsec "
                    "for the container and test it before the migration.",
                )
            )
            if severity == blocker:
                return findings
        if failed:
            return [*findings, self.unknown(failed)]
        return findings or [
            self.finding(
                Severity.PASS, "No kernel IPsec state, no IKE daemon", evidence(label, lines)
            )
        ]


VPN_DAEMONS = {
    "openvpn": "OpenVPN (TUN/TAP)",
    "tincd": "tinc VPN (TUN/TAP)",
    "zerotier-one": "ZeroTier (TUN/TAP)",
    "vtund": "vtun (TUN/TAP)",
    "pppd": "pppd (PPP)",
    "xl2tpd": "xl2tpd (L2TP over PPP)",
    "pptpd": "PPTP server (PPP)",
    "pppoe-server": "PPPoE server (PPP)",
    "openconnect": "OpenConnect (TUN)",
    "vpnc": "vpnc (TUN)",
}


class VpnDaemons(Check):
    """VPN daemons need the TUN device or PPP inside the container.

    Beyond the document. OpenVPN, tinc, ZeroTier and other VPNs create TUN/TAP devices
    through /dev/net/tun; pppd, xl2tpd and pptpd need /dev/ppp and the ppp feature. A
    container has neither unless the node grants it.
    """

    id = "privileged_networking.vpn"
    restriction = "privileged_networking"
    os_family = "linux"
    probes = ("ps",)
    extras = ("virt_markers",)  # /dev/net/tun, for the evidence
    title = "VPN daemons"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        if isinstance(processes, Unavailable):
            return [self.unknown(processes)]
        daemons = running(processes, VPN_DAEMONS)
        label = probe_label("ps")
        if not daemons:
            return [self.finding(Severity.PASS, "No VPN daemon running", evidence(label, []))]
        markers = facts.parsed("virt_markers", parse_virt_markers)
        lines = [f"{what}: {p.user} {p.pid} {p.args}" for p, what in daemons]
        if not isinstance(markers, Unavailable):
            tun = "/dev/net/tun" in markers
            lines.append(f"/dev/net/tun {'exists' if tun else 'does not exist'} on the source")
        names = sorted({what for _, what in daemons})
        return [
            self.finding(
                Severity.WARNING,
                f"VPN daemons need TUN/PPP in the container: {listing(names)}",
                evidence(label, lines),
                "Grant the container the tun device node (--devnodes net/tun:rw, net_admin) "
                "or the ppp feature, or terminate the VPN on the node.",
            )
        ]


CHECKS: list[type[Check]] = [TunnelsAndBridges, KernelIpsec, VpnDaemons]
