"""Interfaces and addresses from `ip addr show` / `ip -o addr show` and `ifconfig -a`.

`ip -o` puts one address per line with `\\` joining continuation text; on IPv4 lines the
last token before the `\\` is the label (`eth0:5`, `lo:alias6`). Multi-line `ip addr`
strips `@parent` from link names. `ifconfig` comes in net-tools 1.60 form
(`Link encap`, `inet addr:`) and 2.x form (`flags=`, `inet A  netmask M`), sometimes in a
foreign locale (`inet adr:`, `Masque:`): numbers are parsed, not labels.
"""

import ipaddress
import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode


@dataclass(frozen=True)
class Address:
    interface: str  # the device (alias label stripped): eth0
    label: str  # the label as shown: eth0:5
    family: str  # "inet" | "inet6"
    address: str
    prefix: int | None = None
    scope: str = ""  # host | link | global | site
    flags: tuple[str, ...] = ()
    line: str = ""

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        try:
            return ipaddress.ip_address(self.address)
        except ValueError:
            return None


@dataclass
class Link:
    name: str
    mac: str = ""  # as printed, normalise with macs.normalise_mac
    link_type: str = ""  # ether, loopback, infiniband, none, void, UNSPEC...
    flags: tuple[str, ...] = ()
    master: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass
class Interfaces:
    links: dict[str, Link] = field(default_factory=dict)
    addresses: list[Address] = field(default_factory=list)

    def link(self, name: str) -> Link:
        return self.links.setdefault(name, Link(name))


_IP_LINK = re.compile(r"^\d+:\s+(?P<name>\S+?)(?:@\S+)?:\s+<(?P<flags>[^>]*)>(?P<rest>.*)$")
# `ip -o addr` of a veth in a container names it `eth0@if13` (the peer's index): strip it.
_IP_ADDR_O = re.compile(r"^\d+:\s+(?P<name>[^\s@]+)(?:@\S+)?\s+(?P<family>inet6?)\s+(?P<rest>.*)$")
_IP_ADDR = re.compile(r"^\s+(?P<family>inet6?)\s+(?P<rest>.*)$")
_LINK_LINE = re.compile(r"^\s*link/(?P<type>\S+)(?:\s+(?P<mac>\S+))?")
_WORDS_NOT_LABEL = {
    "dynamic",
    "noprefixroute",
    "secondary",
    "permanent",
    "deprecated",
    "tentative",
    "dadfailed",
    "nodad",
    "mngtmpaddr",
    "temporary",
    "optimistic",
    "home",
    "stable-privacy",
}


def parse_ip_addr(out: ProbeOutput) -> Interfaces:
    """`ip addr show` or `ip -o addr show` (also `ip -o a` with interleaved link lines)."""
    text = decode(out.stdout)
    result = Interfaces()
    current: Link | None = None
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            continue
        head, _, tail = line.partition("\\")
        link = _IP_LINK.match(head)
        if link:
            current = result.link(link["name"])
            current.flags = tuple(link["flags"].split(","))
            current.lines.append(line)
            master = re.search(r"\bmaster (\S+)", link["rest"])
            current.master = master.group(1) if master else ""
            if tail:
                _link_details(current, tail)
            continue
        one_line = _IP_ADDR_O.match(head)
        if one_line:
            result.addresses.append(
                _address(one_line["name"], one_line["family"], one_line["rest"], line)
            )
            continue
        multi = _IP_ADDR.match(head)
        if multi and current is not None:
            result.addresses.append(
                _address(current.name, multi["family"], multi["rest"], line.strip())
            )
            continue
        if current is not None and _LINK_LINE.match(head):
            _link_details(current, head)
    if not result.links and not result.addresses:
        raise ProbeUnavailable("ip addr printed no interfaces")
    return result


def _link_details(link: Link, text: str) -> None:
    match = _LINK_LINE.match(text)
    if match:
        link.link_type = match["type"]
        link.mac = match["mac"] or ""


def _address(name: str, family: str, rest: str, line: str) -> Address:
    tokens = rest.split()
    value = tokens[0] if tokens else ""
    if "peer" in tokens:  # `inet A peer P/32`: the local address carries no prefix
        value = tokens[0]
    address, _, prefix = value.partition("/")
    scope = ""
    if "scope" in tokens and tokens.index("scope") + 1 < len(tokens):
        scope = tokens[tokens.index("scope") + 1]
    flags = tuple(token for token in tokens if token in _WORDS_NOT_LABEL)
    label = name
    if family == "inet" and tokens:
        last = tokens[-1]
        if last not in _WORDS_NOT_LABEL and (last == name or last.startswith(name + ":")):
            label = last
    return Address(
        interface=name,
        label=label,
        family=family,
        address=address,
        prefix=int(prefix) if prefix.isdigit() else None,
        scope=scope,
        flags=flags,
        line=line.strip(),
    )


# --- ifconfig -------------------------------------------------------------------------

_IPV4 = r"(\d{1,3}(?:\.\d{1,3}){3})"
_IFC_HEADER = re.compile(r"^(?P<name>\S+?):?\s+(?:Link encap:|flags=)(?P<rest>.*)$")
_IFC_INET_OLD = re.compile(r"^\s+inet [^\d\s]+:" + _IPV4 + r"(?P<rest>.*)$")  # inet addr:/adr:
_IFC_INET_NEW = re.compile(r"^\s+inet " + _IPV4 + r"(?P<rest>.*)$")
_IFC_INET6_OLD = re.compile(
    r"^\s+(?:inet6 \S+:|\S+ inet6:)\s*(?P<addr>[0-9a-fA-F:.]+)/(?P<len>\d+)\s*(?P<rest>.*)$"
)
_IFC_INET6_NEW = re.compile(
    r"^\s+inet6 (?P<addr>[0-9a-fA-F:.]+)\s+prefixlen (?P<len>\d+)(?P<rest>.*)$"
)
_HWADDR = re.compile(r"(?:HWaddr|ether)\s+(?P<mac>[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2})+)")
_ENCAP = re.compile(r"Link encap:(\S+)")
_HW_TYPE_2X = re.compile(r"^\s+[a-z]+\b.*\btxqueuelen \d+\s+\((?P<type>[^)]+)\)\s*$")


def parse_ifconfig(out: ProbeOutput) -> Interfaces:
    """`ifconfig -a`, net-tools 1.60 or 2.x, any locale."""
    text = decode(out.stdout)
    result = Interfaces()
    current: Link | None = None
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        header = _IFC_HEADER.match(line) if not line[0].isspace() else None
        if header:
            current = result.link(header["name"])
            current.lines.append(line)
            encap = _ENCAP.search(line)
            current.link_type = encap.group(1) if encap else "ether"
            flags = re.search(r"<([^>]*)>", header["rest"])
            if flags:
                current.flags = tuple(flags.group(1).split(","))
            _hwaddr(current, line)
            continue
        if current is None:
            continue
        current.lines.append(line)
        _hwaddr(current, line)
        if line.strip().startswith("loop "):
            current.link_type = "loopback"
        else:
            kind = _HW_TYPE_2X.match(line)  # net-tools 2.x: `infiniband 80:00:... (InfiniBand)`
            if kind:
                current.link_type = kind["type"]
        if not current.flags and re.match(r"^\s+[A-Z]+(?: [A-Z]+)*\s+MTU:", line):
            current.flags = tuple(line.split("MTU:")[0].split())
        _ifconfig_address(result, current, line)
    if not result.links:
        raise ProbeUnavailable("ifconfig printed no interfaces")
    return result


def _hwaddr(link: Link, line: str) -> None:
    match = _HWADDR.search(line)
    if match:
        link.mac = match["mac"]


def _ifconfig_address(result: Interfaces, link: Link, line: str) -> None:
    device = link.name.split(":")[0]
    for pattern in (_IFC_INET_OLD, _IFC_INET_NEW):
        match = pattern.match(line)
        if match:
            # 1.60 prints the mask last (after Bcast/P-t-P); 2.x labels it `netmask`.
            labelled = re.search(r"netmask " + _IPV4, match["rest"])
            found = re.findall(_IPV4, match["rest"])
            mask = labelled.group(1) if labelled else (found[-1] if found else "")
            prefix = _mask_prefix(mask) if mask else None
            result.addresses.append(
                Address(device, link.name, "inet", match[1], prefix, "", (), line.strip())
            )
            return
    for pattern in (_IFC_INET6_OLD, _IFC_INET6_NEW):
        match = pattern.match(line)
        if match:
            scope = _ifconfig_scope(match["rest"], match["addr"])
            result.addresses.append(
                Address(
                    device,
                    link.name,
                    "inet6",
                    match["addr"],
                    int(match["len"]),
                    scope,
                    (),
                    line.strip(),
                )
            )
            return


def _mask_prefix(mask: str) -> int | None:
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def _ifconfig_scope(rest: str, address: str) -> str:
    scope_id = re.search(r"scopeid 0x([0-9a-f]+)", rest)
    if scope_id:
        return {0x10: "host", 0x20: "link", 0x40: "site"}.get(int(scope_id.group(1), 16), "global")
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:
        return ""
    # Scope words are localised (Lien, Hote): derive the scope from the address itself.
    if ip.is_loopback:
        return "host"
    if ip.is_link_local:
        return "link"
    return "global"
