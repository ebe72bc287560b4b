"""The `license_scan` probe: license files and configuration that name this host's MACs.

The probe prints sections under `==> path <==` headers: for licence-looking files
(`*.lic`, `license.dat`, ...) their host-identity lines, for files under /etc the lines
holding one of the local MACs in any notation, and the output of `lmhostid`/`hostid`
under the pseudo paths `lmhostid` and `hostid`.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.linux.macs import MAC_IN_TEXT, normalise_mac
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode

# FlexLM `SERVER host hostid [port]`, RLM `HOST host hostid [port]`.
_SERVER = re.compile(r"^\s*(SERVER|HOST)\s+(\S+)\s+(\S+)", re.IGNORECASE)
_TYPED_HOSTID = re.compile(
    r"\b(HOSTID|ID|VM_UUID|DISK_SERIAL_NUM|HOSTNAME|INTERNET|ETHERNET)=(\"?)([^\s\"]+)\2"
)
_KEY_LINE = re.compile(r"^\s*(INCREMENT|FEATURE|UPGRADE|PACKAGE)\s", re.IGNORECASE)
_LMHOSTID = re.compile(r'host ID of this machine is "([^"]*)"', re.IGNORECASE)
# Files that name a MAC to configure or name the interface (or list the hardware): no licence.
NETWORK_CONFIG_PREFIXES = (
    "/etc/sysconfig/network-scripts/",
    "/etc/sysconfig/networking/",  # RHEL 4-6 system-config-network: hard links of ifcfg-*
    "/etc/sysconfig/hwconf",  # RHEL 4/5 kudzu's hardware list (`network.hwaddr:` lines)
    "/etc/sysconfig/network/",
    "/etc/iftab",  # ifrename (Debian/Ubuntu before udev persistent names)
    "/etc/mactab",  # nameif
    "/etc/ethers",
    "/etc/network/",
    "/etc/netplan/",
    "/etc/systemd/network/",
    "/etc/udev/rules.d/",
    "/etc/NetworkManager/",
)


@dataclass
class ScannedFile:
    path: str
    lines: list[str]
    macs: dict[str, list[str]] = field(default_factory=dict)  # normalised MAC -> lines
    host_ids: list[str] = field(default_factory=list)  # typed ids: HOSTID=..., VM_UUID=...
    servers: list[str] = field(default_factory=list)  # SERVER/HOST lines

    @property
    def is_network_config(self) -> bool:
        return self.path.startswith(NETWORK_CONFIG_PREFIXES)

    @property
    def is_license(self) -> bool:
        return bool(self.servers or self.host_ids) or bool(
            re.search(r"licen[sc]e|\.lic$|lservrc", self.path, re.IGNORECASE)
        )


@dataclass
class LicenseScan:
    files: list[ScannedFile] = field(default_factory=list)
    lmhostids: list[str] = field(default_factory=list)  # from `lmhostid`
    hostid: str = ""  # from `hostid`


def scan_text(path: str, lines: list[str]) -> ScannedFile:
    """Host-identity facts of one file's lines (also used on raw licence files in tests)."""
    scanned = ScannedFile(path, lines)
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        # The licence key on FEATURE/INCREMENT lines is 12 hex digits too: only the
        # HOSTID= value of such lines names a host.
        key_line = _KEY_LINE.match(line)
        tokens = [t.group(3) for t in _TYPED_HOSTID.finditer(line)] if key_line else None
        for token in MAC_IN_TEXT.findall(line) if tokens is None else tokens:
            mac = normalise_mac(token)
            if mac:
                scanned.macs.setdefault(mac, []).append(line.strip())
        server = _SERVER.match(line)
        if server:
            scanned.servers.append(line.strip())
        for typed in _TYPED_HOSTID.finditer(line):
            scanned.host_ids.append(f"{typed.group(1).upper()}={typed.group(3)}")
    return scanned


def parse_lmhostid(lines: list[str]) -> list[str]:
    """Host ids printed by `lmutil lmhostid`/`lmhostid` (several when quoted together)."""
    found: list[str] = []
    for line in lines:
        match = _LMHOSTID.search(line)
        if match:
            found.extend(match.group(1).split())
    return found


def parse_license_scan(out: ProbeOutput) -> LicenseScan:
    text = decode(out.stdout)
    scan = LicenseScan()
    reading = Reading("the licence scan", "==> path <== section")
    sections = split_sections(text)
    for name, lines in sections:
        if not name:
            for line in lines:
                reading.skip(line)
        else:
            reading.known()
        if name == "lmhostid":
            scan.lmhostids.extend(parse_lmhostid(lines))
        elif name == "hostid":
            scan.hostid = next((line.strip() for line in lines if line.strip()), "")
        elif name:
            scan.files.append(scan_text(name, lines))
    reading.refuse(sum(1 for name, _ in sections if name))
    return scan
