"""Kernel-space services: NFS exports (`/etc/exports`, `exportfs -v`), DRBD (`/proc/drbd`) and
IPVS (`/proc/net/ip_vs`)."""

import ipaddress
import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.linux.sections import capped_lines
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
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0].strip()
        found = re.match(r'^("[^"]+"|/\S*)\s*(.*)$', line)
        if found:
            exports.append(Export(found.group(1).strip('"'), found.group(2), raw.strip()))
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
    for raw in lines:
        if not raw.strip():
            continue
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
    version = ""
    resources = []
    for line in decode(out.stdout).split("\n"):
        if not version and (found := _DRBD_VERSION.match(line)):
            version = found.group(1)
        elif found := _DRBD_RESOURCE.match(line):
            if found.group(2) != "Unconfigured":
                resources.append(DrbdResource(int(found.group(1)), found.group(2), line.strip()))
    return Drbd(version, resources)


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
    for line in lines:
        if found := _SERVICE.match(line):
            protocol, address, scheduler = found.groups()
            services.append(
                VirtualService(protocol, _address(protocol, address), scheduler, line.strip())
            )
    return IpvsTable(services, cut)


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
