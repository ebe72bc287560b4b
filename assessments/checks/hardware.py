"""B6 (beyond the document): no direct hardware access in a container."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.hardware import (
    KernelCmdline,
    PciDevice,
    SerialPort,
    UsbDevice,
    parse_cmdline,
    parse_lspci,
    parse_lsusb,
    parse_tty_serial,
)
from assessments.parsers.linux.processes import Process, parse_ps
from assessments.parsers.linux.programs import running

DEVICE_REMEDIATION = (
    "A container sees no USB, PCI or serial hardware of its own. Move what needs the device "
    "to a VM or keep it on a physical server; for licence dongles ask the vendor for a "
    "network licence server or a software licence, or use a USB-over-IP server "
    "(the dongle stays on a host the container reaches over the network)."
)

# -- USB -------------------------------------------------------------------------------------

DONGLE_VENDORS = {
    "0529": "Aladdin / SafeNet Sentinel HASP",
    "064f": "WIBU-Systems CodeMeter / WibuKey",
    "04b9": "Rainbow Technologies Sentinel",
    "096e": "Feitian ROCKEY",
}
# "Dongle" alone also names Bluetooth, WLAN and DVB adapters (a real lsusb: "Cambridge Silicon
# Radio, Ltd Bluetooth Dongle"): only licence words or products make a licence dongle.
_DONGLE_NAME = re.compile(
    r"\bHASP\b|Sentinel|CodeMeter|WibuKey|Hardlock|CRYPTO-BOX|SmartKey|ROCKEY|Guardant"
    r"|(?:copy|software)[ -]?protection|(?:protection|licen[cs]e) (?:key|dongle)",
    re.I,
)
SERIAL_VENDORS = {
    "0403": "FTDI serial adapter",
    "067b": "Prolific serial adapter",
    "10c4": "Silicon Labs CP210x serial adapter",
    "1a86": "QinHeng CH34x serial adapter",
    "2341": "Arduino (USB serial, ttyACM)",
    "2a03": "Arduino (USB serial, ttyACM)",
}
_SERIAL_NAME = re.compile(
    r"serial|\bUART\b|RS-?232|RS-?485|modem|ISDN|\bfax\b|\bGSM\b|\bLTE\b", re.I
)
_TAPE_NAME = re.compile(r"\btape\b|\bLTO\b|\bDAT\b|Ultrium", re.I)
_STORAGE_NAME = re.compile(
    r"storage|\bdisk\b|\bHDD\b|\bSSD\b|flash|card reader|Cruzer|MyBook|Passport|thumb", re.I
)
# Root hubs, hubs, keyboards and mice, and the virtual devices of BMCs and hypervisors
# (AMI/Avocent/iLO/iDRAC virtual media and keyboards, VMware, VirtualBox, QEMU).
HARMLESS_VENDORS = {"1d6b", "0e0f", "80ee", "046b", "0624", "0627"}
# Intel rate-matching hubs; 04b3:4010 is the "LAN over USB" NIC of IBM/Lenovo IMM management
# controllers (System x servers list it as a bare "IBM Corp."), 0557:2419 the virtual keyboard
# and mouse of Supermicro's ATEN BMC (older usb.ids give it no product name).
HARMLESS_IDS = {
    "8087:0020",
    "8087:0024",
    "8087:8000",
    "8087:8001",
    "8087:8002",
    "8087:8008",
    "04b3:4010",
    "0557:2419",
}
_HARMLESS_NAME = re.compile(
    r"\bhub\b|keyboard|mouse|\bKVM\b|virtual|\bHID\b|\bBMC\b|\biLO\b|iDRAC|IPMI|remote", re.I
)
DONGLE_DAEMONS = {
    "aksusbd": "Sentinel/HASP dongle daemon",
    "hasplmd": "Sentinel HASP licence manager",
    "usbsrvd": "USB-over-IP server (usbsrvd)",
    r"CodeMeterLin|CodeMeter": "WIBU CodeMeter runtime",
}


def usb_kind(device: UsbDevice) -> tuple[Severity, str]:
    """How much a USB device matters in a container, and what it is."""
    if device.vendor in DONGLE_VENDORS or _DONGLE_NAME.search(device.name):
        return Severity.BLOCKER, f"licence dongle ({DONGLE_VENDORS.get(device.vendor, 'dongle')})"
    if device.vendor in SERIAL_VENDORS or _SERIAL_NAME.search(device.name):
        return Severity.BLOCKER, SERIAL_VENDORS.get(device.vendor, "serial / modem device")
    if _TAPE_NAME.search(device.name):
        return Severity.BLOCKER, "tape drive"
    if (
        device.vendor in HARMLESS_VENDORS
        or device.id in HARMLESS_IDS
        or _HARMLESS_NAME.search(device.name)
    ):
        return Severity.PASS, "hub, input or virtual device"
    if _STORAGE_NAME.search(device.name):
        return Severity.WARNING, "USB storage (its data is not part of the migration)"
    return Severity.WARNING, "USB device (check what uses it)"


class UsbHardware(Check):
    """USB devices (licence dongles, serial adapters, modems, disks) stay behind.

    Beyond the document. A container has no USB bus: a licence dongle, a USB-serial
    adapter, a modem or an external disk plugged into the server is not visible inside it,
    and the software that needs it stops working. Hubs, keyboards, mice and the virtual
    devices of management controllers and hypervisors do not matter.
    """

    id = "hardware.usb"
    restriction = "hardware"
    os_family = "linux"
    probes = ("lsusb", "ps")
    title = "USB devices"

    def evaluate(self, facts: Facts) -> list[Finding]:
        devices = facts.parsed("lsusb", parse_lsusb)
        processes = facts.parsed("ps", parse_ps)
        failed = [r for r in (devices, processes) if isinstance(r, Unavailable)]
        label = f"{probe_label('lsusb')}; {probe_label('ps')}"
        found: list[tuple[Severity, str]] = []
        lines: list[str] = [r.reason for r in failed]
        if not isinstance(devices, Unavailable):
            lines += devices.notes
            for device in devices.devices:
                severity, what = usb_kind(device)
                lines.append(f"{device.line}  [{what}]")
                if severity != Severity.PASS:
                    found.append((severity, f"{device.name or device.id} ({what})"))
            if devices.cut:
                lines.append(devices.cut)
        if not isinstance(processes, Unavailable):
            dongles = any(s == Severity.BLOCKER for s, _ in found)
            for process, what in running(processes, DONGLE_DAEMONS):
                lines.append(f"{what}: {process.user} {process.pid} {process.args}")
                if not dongles:
                    found.append((Severity.WARNING, f"{what} runs (no dongle seen on USB)"))
        findings: list[Finding] = []
        if found:
            worst = _worst([s for s, _ in found])
            named = [w for s, w in found if s == worst]
            findings.append(
                self.finding(
                    worst,
                    f"Hardware a container cannot use: {listing(named)}",
                    evidence(label, lines),
                    DEVICE_REMEDIATION,
                )
            )
            if worst == Severity.BLOCKER:
                return findings
        if failed:
            return [*findings, self.unknown(failed)]
        if not isinstance(devices, Unavailable) and devices.cut and not findings:
            return [self.unknown(Unavailable("lsusb", f"lsusb {devices.cut}", "\n".join(lines)))]
        return findings or [
            self.finding(Severity.PASS, "No USB device that matters", evidence(label, lines))
        ]


# -- PCI -------------------------------------------------------------------------------------

_GPU_CLASSES = ("VGA compatible controller", "3D controller", "Display controller")
_GPU_DRIVER = re.compile(r"^(?:nvidia.*|amdgpu|radeon|nouveau|fglrx)$")
_GPU_VENDOR = re.compile(r"NVIDIA|\bATI\b|\bAMD\b|Radeon", re.I)
HBA_DRIVERS = frozenset(
    {"qla2xxx", "lpfc", "bnx2fc", "be2iscsi", "qla4xxx", "bfa", "fnic", "qedf", "qedi", "csiostor"}
)
# The console VGA of HP ProLiant and Dell PowerEdge servers is an ATI ES1000 (RN50) or Rage XL:
# RHEL 6 and later bind radeon to it, yet it is no GPU anybody computes on.
_SERVER_VGA = re.compile(r"\bES1000\b|\bRN50\b|\bRage XL\b", re.I)
# Modem and ISDN cards that do not say so in their class ("Network controller: Tiger Jet
# Network Inc. Tiger3XX Modem/ISDN interface").
_MODEM_NAME = re.compile(r"\bmodem\b|\bISDN\b|\bfax\b", re.I)
_TELEPHONY_DRIVER = re.compile(r"^(?:wct\w*|wcte\w*|dahdi\w*|hisax\w*|mISDN\w*|hfc\w*|avmfritz)$")
PASSTHROUGH_DRIVERS = frozenset({"vfio-pci", "pci-stub", "pciback", "xen-pciback"})
_MANAGEMENT_SERIAL = re.compile(
    r"KT Controller|Active Management|AMT|iRMC|iLO|Lights[- ]Out|BMC", re.I
)


def pci_kind(device: PciDevice) -> tuple[Severity, str]:
    """How much a PCI device matters in a container, and what it is."""
    gpu = device.kind in _GPU_CLASSES or device.class_code in ("0300", "0302", "0380")
    driver = device.driver
    if driver in PASSTHROUGH_DRIVERS:
        return Severity.WARNING, f"handed to virtual machines ({driver})"
    if gpu and _SERVER_VGA.search(device.description):
        return Severity.PASS, ""
    if gpu and _GPU_DRIVER.match(driver):
        return Severity.BLOCKER, f"GPU with the {driver} driver"
    if (
        gpu
        and not driver
        and (device.vendor_id in ("10de", "1002") or _GPU_VENDOR.search(device.description))
    ):
        return Severity.INFO, "GPU without a driver bound (unused)"
    if device.kind == "Fibre Channel" or device.class_code == "0c04" or driver in HBA_DRIVERS:
        return Severity.WARNING, f"SAN host bus adapter ({driver or 'Fibre Channel'})"
    if (
        device.kind in ("Modem", "ISDN controller")
        or device.class_code in ("0703", "0204")
        or _MODEM_NAME.search(device.description)
    ):
        return Severity.BLOCKER, "modem / ISDN card"
    if _TELEPHONY_DRIVER.match(driver):
        return Severity.BLOCKER, f"telephony / ISDN card ({driver})"
    if (device.kind == "Serial controller" or device.class_code == "0700") and not (
        _MANAGEMENT_SERIAL.search(device.description)
    ):
        return Severity.WARNING, "serial port card (see hardware.serial)"
    return Severity.PASS, ""


class PciHardware(Check):
    """PCI cards (GPUs, SAN adapters, telephony cards) are not passed to containers.

    Beyond the document. Containers share the node's kernel and see none of the source's
    PCI cards: a GPU with a vendor driver (CUDA, rendering), an ISDN, fax or telephony card
    does not come along. Fibre Channel and iSCSI adapters mean the server uses SAN storage
    whose LUNs and tools stay on the node. Onboard server graphics (Matrox, ASPEED, Cirrus)
    and ordinary network and storage controllers do not matter.
    """

    id = "hardware.pci"
    restriction = "hardware"
    os_family = "linux"
    probes = ("lspci",)
    title = "PCI devices"

    def evaluate(self, facts: Facts) -> list[Finding]:
        devices = facts.parsed("lspci", parse_lspci)
        if isinstance(devices, Unavailable):
            return [self.unknown(devices)]
        label = probe_label("lspci")
        found = [(device, *pci_kind(device)) for device in devices.devices]
        notable = [(d, s, w) for d, s, w in found if s != Severity.PASS]
        lines = [*devices.notes, *(f"{d.line}  [{w}]" for d, s, w in notable)]
        if devices.cut:
            lines.append(devices.cut)
        worst = _worst([s for _, s, _ in notable])
        if notable and worst != Severity.INFO:
            what = sorted({w for _, s, w in notable if s == worst})
            return [
                self.finding(
                    worst,
                    f"PCI devices a container cannot use: {listing(what)}",
                    evidence(label, lines),
                    DEVICE_REMEDIATION
                    + " SAN LUNs: present the storage to the node and give the container "
                    "its file systems (bind mounts) instead.",
                )
            ]
        if devices.cut:
            return [self.unknown(Unavailable("lspci", f"lspci {devices.cut}", "\n".join(lines)))]
        if notable:
            return [
                self.finding(
                    Severity.INFO,
                    "An unused GPU is installed (no driver bound)",
                    evidence(label, lines),
                )
            ]
        summary = f"{len(devices.devices)} PCI devices, none a container would miss"
        return [self.finding(Severity.PASS, summary, evidence(label, lines))]


# -- serial ports ----------------------------------------------------------------------------

_SERIAL_DEVICE = re.compile(r"(?:^|[\s/=:])(tty(?:S|USB|ACM)\d+)\b")
GETTYS = frozenset({"agetty", "getty", "mingetty", "serial-getty", "ttymon", "uugetty"})


def holders(processes: list[Process]) -> list[tuple[Process, str]]:
    """Processes naming a serial device in their arguments, with the device."""
    found = []
    for process in processes:
        match = _SERIAL_DEVICE.search(process.args)
        if match:
            found.append((process, match.group(1)))
    return found


class SerialHardware(Check):
    """Serial ports and what is attached to them stay behind.

    Beyond the document. A container has no serial ports: modems, fax and UPS connections,
    serial consoles of other equipment, and dongles on a COM port are not reachable from
    it. A port with received traffic is in use; transmit counts alone come from boot-time
    probing, and the kernel console (console=ttyS0) is the server's own console, which the
    container does not need.
    """

    id = "hardware.serial"
    restriction = "hardware"
    os_family = "linux"
    probes = ("tty_serial", "proc_cmdline", "ps")
    title = "Serial ports in use"

    def evaluate(self, facts: Facts) -> list[Finding]:
        ports = facts.parsed("tty_serial", parse_tty_serial)
        label = f"{probe_label('tty_serial')}; {probe_label('proc_cmdline')}; {probe_label('ps')}"
        if isinstance(ports, Absent):
            return [
                self.finding(
                    Severity.PASS, "No serial driver (no ports)", evidence(label, [ports.reason])
                )
            ]
        if isinstance(ports, Unavailable):
            return [self.unknown(ports)]
        present = [port for port in ports if port.present]
        if not present:
            return [
                self.finding(
                    Severity.PASS,
                    "No serial port present",
                    evidence(label, [p.line for p in ports]),
                )
            ]
        processes = facts.parsed("ps", parse_ps)
        if isinstance(processes, Unavailable):
            return [self.unknown(processes)]
        held = holders(processes)
        busy = [p for p in present if p.rx > 0]
        consoles: KernelCmdline | Unavailable | None = None
        if busy or any(p.command in GETTYS for p, _ in held):
            consoles = facts.parsed("proc_cmdline", parse_cmdline)
        return [self._judge(present, held, busy, consoles, label)]

    def _judge(
        self,
        present: list[SerialPort],
        held: list[tuple[Process, str]],
        busy: list[SerialPort],
        cmdline: KernelCmdline | Unavailable | None,
        label: str,
    ) -> Finding:
        console = set(cmdline.consoles) if isinstance(cmdline, KernelCmdline) else set()
        lines = [p.line for p in present]
        if isinstance(cmdline, KernelCmdline):
            lines.append(
                f"kernel consoles: {', '.join(cmdline.consoles) or 'none on the command line'}"
            )
        elif isinstance(cmdline, Unavailable):
            lines.append(f"kernel console unknown: {cmdline.reason}")
        graded: list[tuple[Severity, str]] = []
        for process, device in held:
            lines.append(f"{process.user} {process.pid} {process.args}")
            if process.command not in GETTYS:
                graded.append((Severity.BLOCKER, f"{process.command} uses {device}"))
            elif device in console:
                graded.append((Severity.INFO, f"login on the serial console {device}"))
            else:
                graded.append((Severity.WARNING, f"login terminal on {device}"))
        for port in busy:
            if port.device in console:
                graded.append((Severity.INFO, f"{port.device} is the kernel console"))
            else:
                graded.append((Severity.WARNING, f"{port.device} received data (rx:{port.rx})"))
        for port in present:
            if port not in busy and (port.tx or port.signals):
                graded.append(
                    (Severity.INFO, f"{port.device}: boot-time output or modem lines only")
                )
        if not graded:
            return self.finding(
                Severity.PASS, "Serial ports present but unused", evidence(label, lines)
            )
        worst = _worst([s for s, _ in graded])
        what = [w for s, w in graded if s == worst]
        return self.finding(
            worst,
            f"Serial ports: {listing(what)}",
            evidence(label, lines),
            DEVICE_REMEDIATION
            if worst in (Severity.BLOCKER, Severity.WARNING)
            else (
                "Nothing to move; the container gets the node's console instead (vzctl enter, "
                "prlctl enter). Disable serial gettys in the container."
            ),
        )


ORDER = (Severity.BLOCKER, Severity.WARNING, Severity.INFO, Severity.PASS)


def _worst(severities: list[Severity]) -> Severity:
    return next((s for s in ORDER if s in severities), Severity.PASS)


CHECKS: list[type[Check]] = [UsbHardware, PciHardware, SerialHardware]
