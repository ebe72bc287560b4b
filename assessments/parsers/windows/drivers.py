"""`driverquery /v /fo csv`: the kernel and file-system drivers of a Windows host.

Fifteen columns on XP / Server 2003 and later, read by position because their titles are
localised: 0 module name, 1 display name, 2 description, 3 driver type, 4 start mode,
5 state, 6 status, 7 accept stop, 8 accept pause, 9-11 pool/code/BSS sizes, 12 link date,
13 path, 14 init size. Without /v there are four (module, display name, type, link date).
The module name and the path are not localised; the state is read only when it is one of
the English words (`Running`, `Stopped`), otherwise it is unknown. Paths come as
`C:\\Windows\\system32\\drivers\\x.sys`, `\\??\\C:\\...` or `\\SystemRoot\\...`.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput
from assessments.parsers.windows.csvtool import parse_csv_output

LABEL = "driverquery /v /fo csv"
_VERBOSE = (14, 15)
_BASIC = 4
_STATES = {"running": True, "stopped": False}
_SYSTEM32 = re.compile(r"\\(system32|syswow64|sysnative)\\", re.IGNORECASE)
_MICROSOFT = re.compile(r"\\microsoft[^\\]*\\", re.IGNORECASE)


@dataclass(frozen=True)
class Driver:
    """One driver as driverquery printed it."""

    name: str
    display: str
    kind: str  # as printed ("Kernel ", "File System "), localised
    state: str  # as printed, localised
    path: str  # "" when not printed; `\\??\\` prefix removed
    line: str

    @property
    def running(self) -> bool | None:
        """True or False from the English state words; None when they are localised."""
        return _STATES.get(self.state.strip().lower())

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class DriverList:
    drivers: tuple[Driver, ...]
    verbose: bool  # paths and states printed (/v)

    def windows_directory(self) -> str:
        """The Windows directory most driver paths live under ("c:\\windows"), or ""."""
        counts: dict[str, int] = {}
        for driver in self.drivers:
            match = _SYSTEM32.search(driver.path)
            if match and not driver.path.lower().startswith("\\systemroot"):
                prefix = driver.path[: match.start()].lower()
                counts[prefix] = counts.get(prefix, 0) + 1
        return max(counts, key=lambda prefix: counts[prefix]) if counts else ""

    def outside_windows(self) -> list[Driver]:
        """Drivers whose image lies outside the Windows system directories: never a Windows
        driver (those live in system32, its `drivers` and `DriverStore`), except Microsoft's
        own products under a `Microsoft...` folder (Defender's definition drivers)."""
        windows = self.windows_directory()
        if not windows:
            return []
        inside = tuple(f"{windows}\\{folder}\\" for folder in ("system32", "syswow64"))
        return [
            driver
            for driver in self.drivers
            if driver.path
            and not driver.path.lower().startswith((*inside, "\\systemroot\\", "system32\\"))
            and not _MICROSOFT.search(driver.path)
        ]


def parse_driverquery(out: ProbeOutput) -> DriverList:
    """The drivers listed; ProbeUnavailable for an error message or another output form."""
    table = parse_csv_output(out, LABEL, (*_VERBOSE, _BASIC))
    verbose = len(table.header) in _VERBOSE
    drivers = []
    for row in table.rows:
        path = row.field(13) if verbose else ""
        if path.startswith("\\??\\"):
            path = path[4:]
        drivers.append(
            Driver(
                name=row.field(0),
                display=row.field(1),
                kind=row.field(3) if verbose else row.field(2),
                state=row.field(5) if verbose else "",
                path=path,
                line=row.line,
            )
        )
    return DriverList(tuple(drivers), verbose)
