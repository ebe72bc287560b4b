"""`sc query type= service state= all`: every Win32 service with its state, by number.

Each block is `SERVICE_NAME:`, `DISPLAY_NAME:` (localised), `TYPE`, `STATE` (4 = running,
1 = stopped) and exit codes; some Windows 10/11 editions translate those field names too
(read by layout in `sc.parse_sc`). The service names are not localised. An `sc` whose
enumeration buffer was too small prints what fitted and then `more data, need N bytes start
resume at index N` (old sc.exe): such a list is cut, not data.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode
from assessments.parsers.windows.sc import Service, parse_sc

LABEL = "sc query type= service state= all"
_CUT = re.compile(r"more data|resume at index|ERROR_MORE_DATA", re.IGNORECASE)
_DISPLAY = re.compile(r"^\s*DISPLAY_NAME\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class ServiceList:
    services: tuple[Service, ...]

    def get(self, name: str) -> Service | None:
        wanted = name.lower()
        return next((s for s in self.services if s.name.lower() == wanted), None)


def display_name(service: Service) -> str:
    """The display name of the block (DISPLAY_NAME, or its translated label), or the
    service name."""
    if service.display:
        return service.display
    for line in service.lines:
        match = _DISPLAY.match(line)
        if match and match.group(1):
            return match.group(1)
    return service.name


def state_line(service: Service) -> str:
    """The block's first lines, for evidence: name, display name, state (as printed, under
    translated field names too)."""
    shown = [service.lines[0].strip() if service.lines else f"SERVICE_NAME: {service.name}"]
    shown += [
        line.strip()
        for line in service.lines[1:]
        if re.match(r"\s*(DISPLAY_NAME|STATE)\b", line)
        or (service.display and line.strip().endswith(": " + service.display))
        or (service.state_line and line.strip() == service.state_line)
    ]
    return "; ".join(dict.fromkeys(shown))


def parse_sc_services(out: ProbeOutput) -> ServiceList:
    """The services listed; ProbeUnavailable when sc failed or the list was cut."""
    text = decode(out.stdout)
    cut = next((line.strip() for line in text.split("\n") if _CUT.search(line)), None)
    if cut is not None:
        raise ProbeUnavailable(f"{LABEL}: the list was cut ({cut[:120]})")
    result = parse_sc(out, LABEL)
    if not result.installed:
        raise ProbeUnavailable(f"{LABEL}: sc reported error 1060 for a list of services")
    return ServiceList(result.services)
