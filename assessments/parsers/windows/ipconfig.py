"""`ipconfig /all`: adapters with their physical address and IPv4 addresses.

Labels are localised (`Physical Address`, `Adresse physique`, `Physikalische Adresse`), so
values are recognised by their shape: the physical address is the first value of 6 or 8
dash-separated bytes (a 14-byte DHCPv6 DUID is not one), IPv4 addresses are the IPv4
values of fields whose label says "IP" (not the mask, gateway, DHCP or DNS servers, whose
labels do not). The description is the field labelled `Description` (`Beschreibung`,
`Descripción`, `Descrizione`, `Описание`). Tunnel pseudo-adapters (ISATAP, Teredo, 6to4) print
8-byte addresses `00-00-00-00-00-00-00-E0`, and dial-up (PPP) adapters NdisWan's pseudo
address (`00-53-45-00-00-00` on XP / 2003): `mac` is only set for real 6-byte addresses of
adapters that are not PPP links.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_HEADER = re.compile(r"^(\S.*?):\s*$")
_FIELD = re.compile(r"^\s+(.*?)[ .]*:\s*(.*?)\s*$")
_PHYSICAL = re.compile(r"^[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?:(?:-[0-9A-Fa-f]{2}){2})?$")
_IPV4 = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3})(?:\(.*\))?$")
_DESCRIPTION = re.compile(r"^(descri|beschreibung|описание)", re.IGNORECASE)
# "PPP adapter X", "PPP-Adapter X", "Carte PPP X", "Adaptador PPP X": the word is not translated.
_PPP = re.compile(r"\bPPP\b")


@dataclass
class Adapter:
    name: str
    description: str = ""
    physical: str = ""  # as printed, 6 or 8 bytes
    ipv4: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def mac(self) -> str:
        """The 6-byte MAC in lower case with colons; "" for pseudo-adapters."""
        parts = self.physical.split("-")
        if len(parts) != 6 or set(self.physical) <= {"0", "-"} or _PPP.search(self.name):
            return ""
        return ":".join(parts).lower()


def parse_ipconfig(out: ProbeOutput) -> list[Adapter]:
    text = decode(out.stdout)
    adapters: list[Adapter] = []
    current: Adapter | None = None
    fields = 0
    for line in text.split("\n"):
        header = _HEADER.match(line)
        if header:
            current = Adapter(header.group(1).strip())
            adapters.append(current)
            continue
        match = _FIELD.match(line)
        fields += bool(match)
        if current is None or not match:
            continue  # host-wide fields before the first adapter
        current.lines.append(line.rstrip())
        label, value = match.groups()
        if _DESCRIPTION.match(label) and not current.description:
            current.description = value
        if not current.physical and _PHYSICAL.match(value):
            current.physical = value.upper()
        address = _IPV4.match(value)
        if address and "IP" in label and "IPv6" not in label:
            current.ipv4.append(address.group(1))
    if not adapters and not fields:
        raise ProbeUnavailable("ipconfig /all: no adapter sections in the output")
    return adapters
