"""Kernel-space services: NFS exports (`/etc/exports`, `exportfs -v`), DRBD (`/proc/drbd`) and
IPVS (`/proc/net/ip_vs`)."""

import ipaddress
import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.linux.sections import capped_lines
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode


@dataclass(frozen=True)
class Export:
    path: str
    clients: str  # "192.168.1.0/24(rw,sync) *(ro)", as written
    line: str


def parse_exports(out: ProbeOutput) -> list[Export]:
    """`/etc/exports`: `PATH CLIENT(OPTIONS)...`, `#` comments, `\\` continues a line; a
    path with blanks is quoted."""
    text = decode(out.stdout).replace("\\\n", " ")
    exports = []
    reading = Reading("/etc/exports", "export")
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0].strip()
        found = re.match(r'^("[^"]+"|/\S*)\s*(.*)$', line)
        if found:
            reading.known()
            exports.append(Export(found.group(1).strip('"'), found.group(2), raw.strip()))
        elif raw.strip().startswith("#"):
            reading.known()  # a comment: the stock file holds only those
        else:
            reading.skip(raw)
    reading.refuse(len(exports))
    return exports


@dataclass(frozen=True)
class ExportList:
    exports: list[Export] = field(default_factory=list)
    cut: bool = False


def parse_exportfs(out: ProbeOutput) -> ExportList:
    """`exportfs -v`: `PATH<TAB>CLIENT(OPTIONS)`; a long path puts the client on the next,
    indented line."""
    lines, cut = capped_lines(decode(out.stdout))
    exports: list[Export] = []
    path = ""
    reading = Reading("exportfs -v", "export")
    for raw in lines:
        if not raw.strip():
            continue
        if not raw.startswith("/") and not (path and "(" in raw):
            reading.skip(raw)
            continue
        reading.known()
        if raw.startswith("/"):
            path, _, rest = raw.partition("\t") if "\t" in raw else raw.partition(" ")
            path = path.strip()
            if rest.strip():
                exports.append(Export(path, rest.strip(), f"{path} {rest.strip()}"))
                path = ""
        elif path and "(" in raw:
            exports.append(Export(path, raw.strip(), f"{path} {raw.strip()}"))
            path = ""
    if path:
        exports.append(Export(path, "", path))
    reading.refuse(len(exports))
    return ExportList(exports, cut)


@dataclass(frozen=True)
class DrbdResource:
    minor: int
    state: str  # connection state: Connected, StandAlone, WFConnection...
    line: str


@dataclass(frozen=True)
class Drbd:
    version: str  # "8.4.3"; "" when the file has no version line
    resources: list[DrbdResource]

    @property
    def lists_resources(self) -> bool:
        """DRBD 9 keeps /proc/drbd to its version lines: resources are not listed there."""
        return not self.version.startswith("9")


_DRBD_VERSION = re.compile(r"^version:\s*(\S+)")
# 8.x: ` 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----`; 0.7 and 8.0
# write `st:` for the roles; an unconfigured minor is `cs:Unconfigured`.
_DRBD_RESOURCE = re.compile(r"^\s*(\d+):\s+cs:(\S+)")


def parse_drbd(out: ProbeOutput) -> Drbd:
    """The version line, the build lines under it, then per minor a `N: cs:STATE ...` line
    and its indented counters (`ns:... nr:...`, a resync's progress bar)."""
    version = ""
    resources = []
    minors = False  # a minor's line was read: indented lines are its details
    reading = Reading("/proc/drbd", "DRBD resource")
    for line in decode(out.stdout).split("\n"):
        if not version and (found := _DRBD_VERSION.match(line)):
            reading.known()
            version = found.group(1)
        elif found := _DRBD_RESOURCE.match(line):
            reading.known()
            minors = True
            if found.group(2) != "Unconfigured":
                resources.append(DrbdResource(int(found.group(1)), found.group(2), line.strip()))
        elif _DRBD_BUILD.match(line) or (minors and line[:1].isspace()):
            reading.known()
        else:
            reading.skip(line)
    # Unconfigured minors alone are an answer: the module is loaded, nothing is set up.
    reading.refuse(len(resources) or minors)
    return Drbd(version, resources)


# What DRBD prints under its version line: `GIT-hash: ... build by ...`, `srcversion: ...`,
# 0.7's `SVN Revision: ... build by ...`; DRBD 9's `Transports (api:...): tcp (9.1.12)`.
_DRBD_BUILD = re.compile(r"^(?:GIT-hash:|srcversion:|SVN Revision:|Transports\b)")


@dataclass(frozen=True)
class VirtualService:
    protocol: str  # TCP, UDP, SCTP, FWM
    address: str  # 192.168.0.1:80, [2001:db8::1]:443, or the firewall mark
    scheduler: str
    line: str


@dataclass(frozen=True)
class IpvsTable:
    services: list[VirtualService] = field(default_factory=list)
    cut: bool = False


_SERVICE = re.compile(r"^(TCP|UDP|SCTP|FWM)\s+(\S+)\s*(\S*)")


def parse_ip_vs(out: ProbeOutput) -> IpvsTable:
    """`/proc/net/ip_vs`: a header, then one line per virtual service (`TCP  C0A80001:0050 wlc`,
    addresses in hex) followed by its `  -> REAL:PORT ...` servers."""
    lines, cut = capped_lines(decode(out.stdout))
    services = []
    reading = Reading("/proc/net/ip_vs", "virtual service")
    for line in lines:
        if found := _SERVICE.match(line):
            reading.known()
            protocol, address, scheduler = found.groups()
            services.append(
                VirtualService(protocol, _address(protocol, address), scheduler, line.strip())
            )
        elif _IPVS_STOCK.match(line) or (services and line.strip().startswith("->")):
            reading.known()
        else:
            reading.skip(line)
    reading.refuse(len(services))
    return IpvsTable(services, cut)


# The header every /proc/net/ip_vs prints, with no service too.
_IPVS_STOCK = re.compile(
    r"^(?:IP Virtual Server version|Prot LocalAddress:Port|\s+-> RemoteAddress:Port)"
)


def _address(protocol: str, text: str) -> str:
    """`C0A80001:0050` -> `192.168.0.1:80`; `[2a02:06b8:0000:...:04c9]:01BB` (IPv6 written out
    in full, the port in hex as for IPv4) -> `[2a02:6b8:0:...:4c9]:443`; a firewall mark
    (`FWM  10001000`, printed in hex) -> `mark 0x10001000`; other forms as they are."""
    if protocol == "FWM":
        return f"mark 0x{text}" if re.fullmatch(r"[0-9A-Fa-f]{8}", text) else f"mark {text}"
    if found := re.fullmatch(r"\[([0-9A-Fa-f:]+)\]:([0-9A-Fa-f]{4})", text):
        try:
            address = ipaddress.IPv6Address(found.group(1))
        except ValueError:
            return text
        return f"[{address.compressed}]:{int(found.group(2), 16)}"
    found = re.fullmatch(r"([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})", text)
    if not found:
        return text
    value = int(found.group(1), 16)
    octets = ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))
    return f"{octets}:{int(found.group(2), 16)}"
