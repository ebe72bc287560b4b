"""`wmic path Win32_USBHub get Name,DeviceID /value`: the USB devices of a Windows host.

Win32_USBHub lists USB devices, not only hubs: root hubs (`USB\\ROOT_HUB...`, or
`NUSB3\\ROOT_HUB30...` under a third-party USB 3.0 driver), generic
hubs, composite devices, and devices such as licence dongles (`USB\\VID_0529&PID_0001`,
Aladdin/SafeNet HASP; their function shows as `USB\\HASP\\...` or
`ALADDIN\\VID0529&PID0001&HASPHL\\...`). Names are localised ("Concentrador raíz USB"), so
devices are recognised by their device id; wmic escapes `&` as `&amp;` in values. The
reader also takes a full `/format:list` dump of a wider class (CIM_LogicalDevice): only the
records of class Win32_USBHub count there. No USB device at all is `No Instance(s)
Available.` (on stderr).
"""

import html
import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.wmic import records

LABEL = "wmic path Win32_USBHub get Name,DeviceID /value"
_IDS = re.compile(r"VID_?([0-9A-F]{4})&PID_?([0-9A-F]{4})", re.IGNORECASE)
# USB\ROOT_HUB20\..., and the root hubs third-party USB 3.0 drivers enumerate themselves:
# NUSB3\ROOT_HUB30\... (Renesas), IUSB3\ROOT_HUB30\... (Intel).
_ROOT_HUB = re.compile(r"^[A-Z0-9]+\\ROOT_HUB", re.IGNORECASE)


@dataclass(frozen=True)
class UsbDevice:
    name: str
    device_id: str
    vid: str  # four upper-case hex digits, "" when the id carries none
    pid: str
    lines: tuple[str, ...]

    @property
    def root_hub(self) -> bool:
        return _ROOT_HUB.match(self.device_id) is not None

    @property
    def interface(self) -> bool:
        """One function of a composite device (`&MI_nn`): its parent is listed too."""
        return "&MI_" in self.device_id.upper()


def parse_usb_devices(out: ProbeOutput) -> tuple[UsbDevice, ...]:
    """The USB devices, once each; () when there is none."""
    devices: dict[str, UsbDevice] = {}
    found = records(out, LABEL)
    if found and not any("deviceid" in map(str.lower, record.values) for record in found):
        # Key=Value lines, but no device record: not the listing asked for
        raise ProbeUnavailable(f"{LABEL}: no DeviceID in the output ({found[0].lines[0][:80]!r})")
    for record in found:
        kind = record.get("CreationClassName").strip()
        if kind and kind.lower() != "win32_usbhub":
            continue
        device_id = html.unescape(record.get("DeviceID").strip())
        if not device_id or device_id.upper() in devices:
            continue
        ids = _IDS.search(device_id)
        devices[device_id.upper()] = UsbDevice(
            name=html.unescape(record.get("Name").strip()),
            device_id=device_id,
            vid=ids.group(1).upper() if ids else "",
            pid=ids.group(2).upper() if ids else "",
            lines=tuple(html.unescape(line) for line in record.evidence("Name", "DeviceID")),
        )
    return tuple(devices.values())
