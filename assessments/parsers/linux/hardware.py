"""B6 hardware: `lsusb`, `lspci -k`, `/proc/tty/driver/serial` and the kernel console.

lsusb lines are `Bus 001 Device 002: ID 0529:0001 Vendor Product`; where lsusb is not
installed the probe prints the same from /sys/bus/usb/devices as `1-1: ID 0529:0001 ...`.
lspci -k prints a header per device (`00:02.0 VGA compatible controller: ...`, with `-nn`
also `[0300]` and `[10de:1401]`) and indented details (`Kernel driver in use: nvidia`);
without `-k` (pciutils < 3.0) the probe reads sysfs: `0000:00:02.0 Class 0300: Vendor 10de
Device 1401`. /proc/tty/driver/serial has a line per 8250 port: `0: uart:16550A
port:000003F8 irq:4 tx:22 rx:0 RI` (`uart:unknown` means no UART there).
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.bounded import split_cut
from assessments.parsers.linux.kernel import cmdline_text
from assessments.parsers.text import decode

_LSUSB = re.compile(
    r"^(?:Bus (\d+) Device (\d+)|(\S+)): ID ([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4}) ?(.*)$"
)
_SYSFS_NOTE = "# p2c: "


@dataclass(frozen=True)
class UsbDevice:
    vendor: str  # 4 lower-case hex digits
    product: str
    name: str  # vendor and product names as lsusb (or sysfs) prints them
    line: str

    @property
    def id(self) -> str:
        return f"{self.vendor}:{self.product}"


@dataclass
class UsbDevices:
    devices: list[UsbDevice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the probe's own remarks (sysfs fallback)
    cut: str = ""


def parse_lsusb(out: ProbeOutput) -> UsbDevices:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    result = UsbDevices(cut=cut)
    unknown: list[str] = []
    for line in lines:
        text = line.rstrip()
        if not text.strip():
            continue
        if text.startswith(_SYSFS_NOTE):
            result.notes.append(text[len(_SYSFS_NOTE) :])
            continue
        match = _LSUSB.match(text.strip())
        if match is None:
            unknown.append(text)
            continue
        vendor, product, name = match.group(4, 5, 6)
        result.devices.append(UsbDevice(vendor.lower(), product.lower(), name.strip(), text))
    if unknown and not result.devices:
        raise ProbeUnavailable(f"lsusb printed no device line: {unknown[0][:80]}")
    return result


_PCI_SLOT = r"(?:[0-9A-Fa-f]{4}:)?[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]"
_PCI_HEADER = re.compile(rf"^({_PCI_SLOT}) (.+?)(?: \[([0-9A-Fa-f]{{4}})\])?: (.*)$")
_HEX4 = "([0-9A-Fa-f]{4})"
_PCI_SYSFS = re.compile(rf"^({_PCI_SLOT}) Class {_HEX4}: Vendor {_HEX4} Device {_HEX4}$")
_PCI_IDS = re.compile(r"\[([0-9a-f]{4}):([0-9a-f]{4})\]")
# Class names of the codes the checks care about, for sysfs listings (lspci prints them).
CLASS_NAMES = {
    "0300": "VGA compatible controller",
    "0302": "3D controller",
    "0380": "Display controller",
    "0c04": "Fibre Channel",
    "0700": "Serial controller",
    "0703": "Modem",
    "0204": "ISDN controller",
    "0780": "Communication controller",
}
VENDOR_NAMES = {"10de": "NVIDIA Corporation", "1002": "Advanced Micro Devices, Inc. [AMD/ATI]"}


@dataclass
class PciDevice:
    slot: str
    kind: str  # the class name ("VGA compatible controller")
    description: str  # vendor and device as printed
    class_code: str = ""  # "0300" when printed (-nn) or read from sysfs
    vendor_id: str = ""  # "10de" when printed (-nn) or read from sysfs
    driver: str = ""  # Kernel driver in use
    modules: tuple[str, ...] = ()
    lines: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        return self.lines[0] if self.lines else self.slot


@dataclass
class PciDevices:
    devices: list[PciDevice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cut: str = ""


def _pci_header(text: str) -> PciDevice | None:
    sysfs = _PCI_SYSFS.match(text)
    if sysfs:
        slot, code, vendor, device = sysfs.groups()
        code, vendor = code.lower(), vendor.lower()
        kind = CLASS_NAMES.get(code, f"Class {code}")
        description = f"{VENDOR_NAMES.get(vendor, f'Vendor {vendor}')} Device {device.lower()}"
        return PciDevice(slot, kind, description, code, vendor, lines=[text])
    header = _PCI_HEADER.match(text)
    if header is None:
        return None
    slot, kind, code, description = header.groups()
    ids = _PCI_IDS.findall(description)
    vendor = ids[-1][0] if ids else ""
    return PciDevice(slot, kind, description, (code or "").lower(), vendor, lines=[text])


def parse_lspci(out: ProbeOutput) -> PciDevices:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    result = PciDevices(cut=cut)
    current: PciDevice | None = None
    unknown: list[str] = []
    for line in lines:
        text = line.rstrip()
        if not text.strip():
            continue
        if text.startswith(_SYSFS_NOTE):
            result.notes.append(text[len(_SYSFS_NOTE) :])
            continue
        if not text[0].isspace():
            current = _pci_header(text)
            if current is None:
                unknown.append(text)
            else:
                result.devices.append(current)
            continue
        if current is None:
            unknown.append(text)  # details of no device: not lspci's
            continue
        detail = text.strip()
        current.lines.append(text)
        if detail.startswith("Kernel driver in use:"):
            current.driver = detail.split(":", 1)[1].strip()
        elif detail.startswith("Kernel modules:"):
            current.modules = tuple(m.strip() for m in detail.split(":", 1)[1].split(","))
    if unknown and not result.devices:
        raise ProbeUnavailable(f"lspci printed no device line: {unknown[0][:80]}")
    return result


_SERIAL_PORT = re.compile(r"^(\d+): uart:(\S+)(.*)$")
_COUNTER = re.compile(r"\b(tx|rx|fe|pe|brk|oe|bo):(\d+)\b")
_SIGNALS = re.compile(r"\b(RTS|CTS|DTR|DSR|CD|RI)\b")


@dataclass(frozen=True)
class SerialPort:
    index: int
    uart: str  # "16550A"; "unknown" when no UART answers at that address
    tx: int
    rx: int
    signals: tuple[str, ...]  # modem lines raised: RTS|CTS|DTR|DSR|CD|RI
    line: str

    @property
    def device(self) -> str:
        return f"ttyS{self.index}"

    @property
    def present(self) -> bool:
        return self.uart != "unknown"


def parse_tty_serial(out: ProbeOutput) -> list[SerialPort]:
    """The serial ports /proc/tty/driver/serial lists (present or not)."""
    text = decode(out.stdout)
    ports: list[SerialPort] = []
    header = False
    for line in text.split("\n"):
        line = line.rstrip()
        if line.startswith("serinfo:"):
            header = True
            continue
        match = _SERIAL_PORT.match(line.strip())
        if match is None:
            continue
        counters = {name: int(value) for name, value in _COUNTER.findall(match.group(3))}
        ports.append(
            SerialPort(
                int(match.group(1)),
                match.group(2),
                counters.get("tx", 0),
                counters.get("rx", 0),
                tuple(_SIGNALS.findall(match.group(3))),
                line,
            )
        )
    if not header and not ports:
        raise ProbeUnavailable("/proc/tty/driver/serial printed no serinfo header and no port")
    return ports


# console=ttyS0,115200n8; console=uart8250,io,0x3f8,... names a port by its I/O address.
_CONSOLE = re.compile(r"(?:^|\s)console=(\S+)")
_LEGACY_PORTS = {"0x3f8": "ttyS0", "0x2f8": "ttyS1", "0x3e8": "ttyS2", "0x2e8": "ttyS3"}


@dataclass(frozen=True)
class KernelCmdline:
    text: str
    consoles: tuple[str, ...]  # "ttyS0", "tty0"... as named by console=


def _console_device(value: str) -> str:
    parts = value.split(",")
    if parts[0] in ("uart", "uart8250") and len(parts) >= 3:
        return _LEGACY_PORTS.get(parts[2].lower(), f"{parts[0]} {parts[2]}")
    return parts[0]


def parse_cmdline(out: ProbeOutput) -> KernelCmdline:
    text = " ".join(cmdline_text(out).split())
    if not text:
        raise ProbeUnavailable("/proc/cmdline is empty")
    consoles = tuple(_console_device(value) for value in _CONSOLE.findall(text))
    return KernelCmdline(text, consoles)
