"""`getmac /v /fo csv`: network adapters and their MAC addresses (XP / Server 2003 and later).

Four columns, read by position (the titles are localised): connection name, adapter,
physical address, transport name. The address is `00-0C-29-BB-EC-9B`, or a word such as
`N/A` or `Disabled` (localised) for adapters without one; the transport is
`\\Device\\Tcpip_{GUID}` or a localised state ("Media disconnected").
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput
from assessments.parsers.windows.csvtool import parse_csv_output

LABEL = "getmac /v /fo csv"
_MAC = re.compile(r"^[0-9A-F]{2}(?:-[0-9A-F]{2}){5}$", re.IGNORECASE)


@dataclass(frozen=True)
class MacAdapter:
    connection: str
    adapter: str
    physical: str  # as printed
    transport: str
    line: str

    @property
    def mac(self) -> str:
        """The 6-byte address in lower case with colons; "" when none was printed."""
        if not _MAC.match(self.physical) or set(self.physical) <= {"0", "-"}:
            return ""
        return self.physical.replace("-", ":").lower()

    @property
    def bound(self) -> bool:
        """Bound to TCP/IP (the transport is a device path, not a state word)."""
        return self.transport.startswith("\\Device\\")


def parse_getmac(out: ProbeOutput) -> tuple[MacAdapter, ...]:
    """The adapters listed; () when getmac said it found none."""
    table = parse_csv_output(out, LABEL, (4,))
    return tuple(
        MacAdapter(row.field(0), row.field(1), row.field(2), row.field(3), row.line)
        for row in table.rows
    )
