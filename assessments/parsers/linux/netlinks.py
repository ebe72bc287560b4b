"""B9 privileged networking: `ip -d link show` (link kinds) and `ip xfrm state` (IPsec SAs).

`ip -d link show` prints a header per link (`11: tap9d34b34b-3f: <FLAGS> mtu ... master
brq6d947ca8-d4 ...`), a `link/TYPE` line and, with -d, detail lines whose first word is the
link kind (`vlan id 11`, `tun type tap ...`, `bridge forward_delay ...`, `vxlan id 267`,
`ip6tnl ip6ip6 ...`, `wireguard`) or the kind of its port (`bridge_slave ...`). `ip -o`
joins a link's lines with a backslash. Old iproute2 (RHEL 5) prints no details: the
link type (`link/ppp`, `link/ipip`, `link/gre`, `link/sit`, `link/none`, or a number such
as `link/[65534]` where iproute2 has no name for it) and the name tell.
`ip xfrm state` prints a block per SA, starting `src A dst B`, then `proto esp spi ...`.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.bounded import split_cut
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode

_HEADER = re.compile(
    r"^\d+:\s+(?P<name>\S+?)(?:@(?P<parent>\S+?))?:\s+<(?P<flags>[^>]*)>(?P<rest>.*)$"
)
_LINK = re.compile(r"^link/(\S+)")
_MASTER = re.compile(r"\bmaster (\S+)")
KINDS = frozenset(
    """vlan bridge tun vxlan gre gretap ip6gre ip6gretap ipip sit ip6tnl vti vti6 ip_vti
    wireguard macvlan macvtap ipvlan veth dummy bond team openvswitch geneve erspan ifb
    nlmon vrf ipoib can vcan xfrm""".split()
)


@dataclass
class NetLink:
    name: str
    parent: str = ""  # the @parent of the header (eth0.11@eth0), "NONE" for fallback devices
    flags: tuple[str, ...] = ()
    link_type: str = ""  # ether, loopback, none, void, ppp, ipip, gre, sit, tunnel6...
    kind: str = ""  # from the -d details: vlan, bridge, tun, vxlan, ip6tnl, wireguard...
    tun_mode: str = ""  # "tun" | "tap" for tun devices
    master: str = ""  # the bridge (or bond) this link is a port of
    lines: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        return self.lines[0] if self.lines else self.name


@dataclass
class NetLinks:
    links: list[NetLink] = field(default_factory=list)
    cut: str = ""


def _detail(link: NetLink, text: str) -> None:
    words = text.split()
    if not words:
        return
    link_type = _LINK.match(words[0])
    if link_type:
        link.link_type = _arp_name(link_type.group(1))
        return
    first = words[0]
    if first in KINDS and not link.kind:
        link.kind = first
        if first == "tun":
            link.tun_mode = words[2] if len(words) > 2 and words[1] == "type" else "tun"


def _arp_name(link_type: str) -> str:
    """`ether`, or the name of a number old iproute2 prints for types it has no name for
    (`link/[65534]` is ARPHRD_NONE, a tun device, on RHEL 5 and busybox)."""
    number = re.fullmatch(r"\[(\d+)\]", link_type)
    return ARP_TYPES.get(int(number.group(1)), link_type) if number else link_type


def parse_ip_link(out: ProbeOutput) -> NetLinks:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    result = NetLinks(cut=cut)
    current: NetLink | None = None
    for raw in lines:
        for index, part in enumerate(raw.split("\\")):
            text = part.rstrip()
            if not text.strip():
                continue
            header = _HEADER.match(text) if index == 0 else None
            if header:
                master = _MASTER.search(header.group("rest"))
                current = NetLink(
                    header.group("name"),
                    header.group("parent") or "",
                    tuple(f for f in header.group("flags").split(",") if f),
                    master=master.group(1) if master else "",
                    lines=[text.strip()],
                )
                result.links.append(current)
            elif current is not None and text.strip()[:3] not in ("RX:", "TX:"):
                current.lines.append(text.strip())
                _detail(current, text.strip())
    if not result.links:
        raise ProbeUnavailable("ip link printed no link")
    return result


_SA = re.compile(r"^src (\S+) dst (\S+)")
_PROTO = re.compile(r"^proto (\S+) spi (\S+)(?: reqid (\S+))?(?: mode (\S+))?")
_KEYS = re.compile(r"^(auth|auth-trunc|enc|aead|comp)\s")
NO_XFRM_MODULE = "# p2c: xfrm_user and af_key are not loaded"


@dataclass
class XfrmState:
    src: str
    dst: str
    proto: str = ""
    spi: str = ""
    mode: str = ""
    lines: list[str] = field(default_factory=list)  # without key material


@dataclass
class XfrmStates:
    states: list[XfrmState] = field(default_factory=list)
    note: str = ""  # the probe did not list: no key manager interface is loaded
    cut: str = ""


def parse_ip_xfrm(out: ProbeOutput) -> XfrmStates:
    """IPsec security associations; key lines (auth/enc/aead) are dropped, never shown."""
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    result = XfrmStates(cut=cut)
    current: XfrmState | None = None
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text.startswith(NO_XFRM_MODULE):
            result.note = text.removeprefix("# p2c: ")
            continue
        sa = _SA.match(text)
        if sa:
            current = XfrmState(sa.group(1), sa.group(2), lines=[text])
            result.states.append(current)
            continue
        if current is None:
            raise ProbeUnavailable(f"ip xfrm state line outside an SA: {text[:80]}")
        proto = _PROTO.match(text)
        if proto:
            current.proto, current.spi = proto.group(1), proto.group(2)
            current.mode = proto.group(4) or ""
        if not _KEYS.match(text):
            current.lines.append(text)
    return result


# ARPHRD_* link types as /sys/class/net/*/type prints them (linux/if_arp.h).
ARP_TYPES = {
    1: "ether",
    32: "infiniband",
    512: "ppp",
    768: "ipip",
    769: "tunnel6",
    772: "loopback",
    776: "sit",
    778: "gre",
    823: "ip6gre",
    65534: "none",
}


def links_from_sys_net(out: ProbeOutput) -> NetLinks:
    """Links from the `mac_addresses` probe (`NAME ADDRESS TYPE`, the address empty for
    tunnels), where `ip` is not installed: names and link types, no kinds."""
    result = NetLinks()
    reading = Reading("/sys/class/net", "network interface")
    text = decode(out.stdout)
    for line in text.split("\n"):
        if line.startswith("==> "):
            break  # the /proc/net/bonding sections follow
        fields = line.split()
        if not _SYS_NET.match(line.strip()):
            reading.skip(line)
            continue
        reading.known()
        arp = fields[-1] if len(fields) >= 2 and fields[-1].isdigit() else ""
        link_type = ARP_TYPES.get(int(arp), f"type {arp}") if arp else ""
        result.links.append(NetLink(fields[0], link_type=link_type, lines=[line.strip()]))
    reading.refuse(len(result.links))
    if not result.links:
        raise ProbeUnavailable("no network interfaces listed")
    return result


# `eth0 00:16:3e:12:34:56 1`, `tun0  65534` (no address), `sit0 00:00:00:00 776`: a name,
# the address in hex pairs (or none) and the ARPHRD number (or none, an unreadable type
# file), one of the two at least; the shortest address is a tunnel's four bytes.
_HEX_PAIRS = r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){3,}"
_SYS_NET = re.compile(rf"^[^\s/:]+(?:\s+{_HEX_PAIRS}(?:\s+\d+)?|\s+\d+)$")
