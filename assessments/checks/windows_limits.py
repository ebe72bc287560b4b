"""B12 (beyond the document): what a Windows container cannot run.

A Windows container (Parallels Virtuozzo Containers for Windows) runs its node's kernel:
drivers the source installed do not load in it, it has no hardware of its own (USB ports,
serial ports, NICs with a MAC), and roles built on those (hypervisors, clusters, load
balancing, NIC-bound network services) cannot work there.
"""

from collections.abc import Sequence
from dataclasses import replace

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.windows_known import (
    BLOCKING,
    DC,
    DONGLE,
    DONGLE_SERVICES,
    DRIVER_KINDS,
    GUEST,
    GUEST_REMEDIATION,
    HYPERVISOR,
    NLB,
    OUTSIDE,
    ROLE_SERVICES,
    ROLE_TEXT,
    Seen,
    blocks,
    dongle_kind,
    driver_family,
    drivers_of,
    serial_kind,
    service_seen,
    services_of,
)
from assessments.facts import Facts, ProbeOutput, Unavailable
from assessments.parsers.windows.drivers import Driver
from assessments.parsers.windows.getmac import parse_getmac
from assessments.parsers.windows.ipconfig import parse_ipconfig
from assessments.parsers.windows.release import (
    DOMAIN_CONTROLLER,
    parse_product_options,
    parse_wmic_os,
)
from assessments.parsers.windows.systeminfo import parse_systeminfo
from assessments.parsers.windows.usb import UsbDevice, parse_usb_devices
from assessments.probes import label


def _lines(drivers: Sequence[Driver]) -> list[str]:
    return [driver.line for driver in drivers]


class WindowsDrivers(Check):
    """Kernel-mode and filter drivers do not run in a Windows container.

    Beyond the document. A Windows container shares its node's kernel: antivirus and
    endpoint agents, backup and replication (CDP) filters, volume encryption, multipath and
    volume managers work through kernel drivers, which the container cannot load. Drivers
    are recognised by module name (security, backup, encryption, storage products) or by
    an image outside system32; hardware drivers stay with the hardware and
    do not matter.
    """

    id = "windows_limits.drivers"
    restriction = "windows_limits"
    os_family = "windows"
    probes = ("driverquery",)
    title = "Third-party kernel and filter drivers"

    def evaluate(self, facts: Facts) -> list[Finding]:
        data = drivers_of(facts)
        if isinstance(data, Unavailable):
            return [self.unknown(data, "Run `driverquery /v /fo csv` on the host.")]
        command = label("windows", "driverquery")
        by_kind: dict[str, list[tuple[str, Driver]]] = {}
        for driver in data.drivers:
            family = driver_family(driver.name)
            if family is not None:
                by_kind.setdefault(family.kind, []).append((family.product, driver))
        findings = []
        for kind, (title, remediation) in DRIVER_KINDS.items():
            if kind in by_kind:
                findings.append(self._family(Severity.WARNING, title, by_kind[kind], remediation))
        named = {driver.key for found in by_kind.values() for _, driver in found}
        outside = [d for d in data.outside_windows() if d.key not in named]
        if outside:
            names = ", ".join(
                d.name if d.display == d.name else f"{d.name} ({d.display})" for d in outside
            )
            shown = evidence(command, _lines(outside))
            findings.append(
                self.finding(Severity.WARNING, f"{OUTSIDE[0]}: {names}", shown, OUTSIDE[1])
            )
        if GUEST in by_kind:
            title = "Virtual machine guest drivers"
            findings.append(self._family(Severity.INFO, title, by_kind[GUEST], GUEST_REMEDIATION))
        if findings:
            return findings
        paths = "" if data.verbose else " (no paths listed: run it with /v)"
        return [
            self.finding(
                Severity.PASS,
                "No security, backup, encryption, storage or unknown third-party driver among "
                f"{len(data.drivers)} drivers{paths}",
                evidence(command, [f"{len(data.drivers)} drivers listed"]),
            )
        ]

    def _family(
        self,
        severity: Severity,
        title: str,
        found: list[tuple[str, Driver]],
        remediation: str,
    ) -> Finding:
        products = ", ".join(dict.fromkeys(product for product, _ in found))
        shown = evidence(label("windows", "driverquery"), _lines([d for _, d in found]))
        return self.finding(severity, f"{title}: {products}", shown, remediation)


class WindowsRoles(Check):
    """Server roles that cannot live in a Windows container.

    Beyond the document. Hyper-V and other hypervisors, Failover Clustering and Network
    Load Balancing are built on kernel drivers and hardware that a container has not;
    domain controllers, DHCP and WINS servers are bound to the machine's identity and NICs
    and need the destination product's support (verify before migrating). Installed but
    stopped roles are shown so they can be removed first.
    """

    id = "windows_limits.roles"
    restriction = "windows_limits"
    os_family = "windows"
    probes = ("sc_services", "driverquery", "wmic_os", "reg_product_options", "systeminfo")
    alternatives = (("wmic_os", "reg_product_options", "systeminfo"),)
    title = "Roles that cannot live in a container"

    def evaluate(self, facts: Facts) -> list[Finding]:
        missing: list[Unavailable] = []
        found: dict[str, list[Seen]] = {}
        product, unreadable = self._product_type(facts)
        if product is not None and product.running:
            found.setdefault(DC, []).append(product)
        services = services_of(facts)
        if isinstance(services, Unavailable):
            missing.append(services)
        else:
            for service in services.services:
                role = ROLE_SERVICES.get(service.name.lower())
                if role is not None:
                    found.setdefault(role[0], []).append(service_seen(service, role[1]))
        drivers = drivers_of(facts)
        if isinstance(drivers, Unavailable):
            missing.append(drivers)
        else:
            for driver in drivers.drivers:
                family = driver_family(driver.name)
                if family is not None and family.kind in (HYPERVISOR, NLB):
                    what = f"driver {driver.name} ({family.product})"
                    seen = Seen(driver.running, what, "driverquery", driver.line)
                    found.setdefault(family.kind, []).append(seen)
        # a running NTDS or KDC proves a domain controller without the ProductType
        if unreadable is not None and not any(s.running for s in found.get(DC, [])):
            missing.insert(0, unreadable)
        findings = [self._role(kind, found[kind]) for kind in ROLE_TEXT if kind in found]
        kept = [finding for finding in findings if finding is not None]
        if missing:
            return [*kept, self.unknown(missing, "Run `sc query` and `driverquery` again.")]
        if kept or isinstance(services, Unavailable):
            return kept
        shown = [product] if product is not None else []
        count = f"{len(services.services)} services, none of these roles"
        shown.append(Seen(None, "", "sc_services", count))
        title = "No hypervisor, cluster, NLB, domain controller, DHCP or WINS role"
        return [self.finding(Severity.PASS, title, blocks(shown))]

    def _product_type(self, facts: Facts) -> tuple[Seen | None, Unavailable | None]:
        """ProductType from wmic os, the registry or systeminfo (`running` is True for a
        domain controller, ProductType 2), or why none of them told it."""
        tried: list[Unavailable] = []
        release = facts.parsed("wmic_os", parse_wmic_os)
        if isinstance(release, Unavailable):
            tried.append(release)
        elif release.product_type is not None:
            line = f"ProductType={release.product_type}"
            return _product(release.product_type, "wmic_os", line), None
        options = facts.parsed("reg_product_options", parse_product_options)
        if isinstance(options, Unavailable):
            tried.append(options)
        else:
            return _product(options[0], "reg_product_options", options[1].strip()), None
        info = facts.parsed("systeminfo", parse_systeminfo)
        if isinstance(info, Unavailable):
            tried.append(info)
        elif info.release.product_type is not None:
            line = info.release.lines[-1]
            return _product(info.release.product_type, "systeminfo", line), None
        reasons = f" ({'; '.join(m.reason for m in tried)})" if tried else ""
        return None, Unavailable("wmic_os", "could not tell a domain controller" + reasons)

    def _role(self, kind: str, seen: list[Seen]) -> Finding | None:
        what, remediation = ROLE_TEXT[kind]
        running = [s for s in seen if s.running]
        unsure = [s for s in seen if s.running is None]
        stopped = [s for s in seen if s.running is False]
        shown = blocks(running + unsure + stopped)
        names = ", ".join(s.what for s in (running or unsure or stopped))
        if kind == DC and not running:
            return None  # a stopped KDC or NTDS service alone is no domain controller
        if running:
            severity = Severity.BLOCKER if kind in BLOCKING else Severity.WARNING
            return self.finding(severity, f"Host is {what}: {names}", shown, remediation)
        if unsure:
            title = f"Host may be {what}: {names} installed, its state not readable"
            return self.finding(Severity.WARNING, title, shown, remediation)
        title = f"{what[0].upper()}{what[1:]} role installed but not running: {names}"
        remove = "Remove the role before migration if it is unused."
        return self.finding(Severity.INFO, title, shown, remove)


def _product(product_type: int, probe: str, line: str) -> Seen:
    dc = product_type == DOMAIN_CONTROLLER
    return Seen(dc, "ProductType 2 (domain controller)" if dc else "", probe, line)


def _usb_lines(devices: Sequence[UsbDevice]) -> list[str]:
    return [f"{device.name}: {device.device_id}" for device in devices]


class WindowsDevices(Check):
    """Licence dongles and serial devices cannot be reached from a Windows container.

    Beyond the document. A container has no USB or serial ports of its own: software that
    checks a hardware key (HASP / Sentinel, CodeMeter, ROCKEY, KEYLOK) or talks to a
    serial device (modems, PLCs, USB-to-serial adapters) stops working after migration.
    Devices are recognised by their USB vendor and device ids (names are localised);
    installed dongle drivers and running licence managers are shown too.
    """

    id = "windows_limits.devices"
    restriction = "windows_limits"
    os_family = "windows"
    probes = ("usb_devices", "sc_services", "driverquery")
    title = "Licence dongles and serial devices"

    def evaluate(self, facts: Facts) -> list[Finding]:
        missing: list[Unavailable] = []
        usb = facts.parsed("usb_devices", parse_usb_devices)
        devices: tuple[UsbDevice, ...] = ()
        if isinstance(usb, Unavailable):
            missing.append(usb)
        else:
            devices = usb
        dongles = [d for d in devices if dongle_kind(d)]
        serials = [d for d in devices if serial_kind(d) and not dongle_kind(d)]
        findings = []
        if dongles:
            kinds = ", ".join(dict.fromkeys(dongle_kind(d) for d in dongles))
            findings.append(
                self._device(
                    f"A licence dongle is attached ({kinds}): the container cannot reach it",
                    dongles,
                    "Move the licence to a network key server (the vendor's network licence "
                    "manager, or a USB-over-IP hub) or to a software licence before migrating.",
                )
            )
        if serials:
            kinds = ", ".join(dict.fromkeys(serial_kind(d) for d in serials))
            findings.append(
                self._device(
                    f"A USB serial device is attached ({kinds}): the container cannot reach it",
                    serials,
                    "Attach the device to a serial-over-IP device server and point the "
                    "application at it, or keep this workload on a machine.",
                )
            )
        software = self._dongle_software(facts, missing)
        if software is not None and dongles:
            # the key is here: its drivers and licence manager are evidence of the blocker
            blocker = findings[0]
            findings[0] = replace(blocker, evidence=f"{blocker.evidence}\n{software.evidence}")
        elif software is not None:
            findings.append(software)
        others = [
            d
            for d in devices
            if not (d.root_hub or d.interface or dongle_kind(d) or serial_kind(d))
        ]
        if others:
            names = ", ".join(dict.fromkeys(d.name for d in others))
            findings.append(
                self.finding(
                    Severity.INFO,
                    f"USB devices the container will not see: {names}",
                    evidence(label("windows", "usb_devices"), _usb_lines(others)),
                    "Check nothing on this server depends on them: printers, card readers and "
                    "disks must be reached over the network after migration.",
                )
            )
        if missing:
            return [*findings, self.unknown(missing, "Run the probes again, or check by hand.")]
        if findings:
            return findings
        hubs = _usb_lines([d for d in devices if d.root_hub]) or ["no USB device listed"]
        title = "No licence dongle, serial device or other USB device"
        return [self.finding(Severity.PASS, title, evidence(label("windows", "usb_devices"), hubs))]

    def _device(self, title: str, devices: list[UsbDevice], remediation: str) -> Finding:
        shown = evidence(label("windows", "usb_devices"), _usb_lines(devices))
        return self.finding(Severity.BLOCKER, title, shown, remediation)

    def _dongle_software(self, facts: Facts, missing: list[Unavailable]) -> Finding | None:
        """A warning for installed dongle drivers or running licence managers, if any."""
        seen: list[Seen] = []
        services = services_of(facts)
        if isinstance(services, Unavailable):
            missing.append(services)
        else:
            for service in services.services:
                product = DONGLE_SERVICES.get(service.name.lower())
                if product is not None and service.active:
                    seen.append(service_seen(service, product))
        drivers = drivers_of(facts)
        if isinstance(drivers, Unavailable):
            missing.append(drivers)
        else:
            for driver in drivers.drivers:
                family = driver_family(driver.name)
                if family is not None and family.kind == DONGLE:
                    what = f"driver {driver.name} ({family.product})"
                    seen.append(Seen(driver.running, what, "driverquery", driver.line))
        if not seen:
            return None
        return self.finding(
            Severity.WARNING,
            "Licence dongle software is installed: " + ", ".join(s.what for s in seen),
            blocks(seen),
            "Find where the key is: a key plugged into this server (USB or parallel port) "
            "cannot be reached from the container; a network key server can.",
        )


class WindowsMacAddresses(Check):
    """The MAC addresses the host has today.

    Beyond the document. A container's network adapters are the node's virtual ones
    (venet0 has no MAC), so every MAC address below changes after migration. Whether a
    licence is bound to one is the MAC-binding restriction's question (L7): on its own, a
    MAC address is no problem here.
    """

    id = "windows_limits.mac_addresses"
    restriction = "windows_limits"
    os_family = "windows"
    probes = ("getmac", "ipconfig")
    alternatives = (("getmac", "ipconfig"),)
    title = "MAC addresses (they change in the container)"

    def evaluate(self, facts: Facts) -> list[Finding]:
        adapters = facts.parsed("getmac", parse_getmac)
        if not isinstance(adapters, Unavailable):
            lines = [f"{a.connection}: {a.physical} ({a.adapter})" for a in adapters if a.mac]
            return [self._pass(label("windows", "getmac"), lines)]
        fallback = facts.parsed("ipconfig", _ipconfig)
        if isinstance(fallback, Unavailable):
            return [self.unknown([adapters, fallback], "Run `getmac /v /fo csv` on the host.")]
        return [self._pass(label("windows", "ipconfig"), fallback)]

    def _pass(self, command: str, lines: list[str]) -> Finding:
        count = f"{len(lines)} MAC address{'es' if len(lines) != 1 else ''}"
        return self.finding(
            Severity.PASS,
            f"{count} will change in the container (licences bound to a MAC are L7's business)",
            evidence(command, lines or ["no adapter with a MAC address"]),
        )


def _ipconfig(out: ProbeOutput) -> list[str]:
    return [f"{a.name}: {a.physical} ({a.description})" for a in parse_ipconfig(out) if a.mac]


CHECKS: list[type[Check]] = [WindowsDrivers, WindowsRoles, WindowsDevices, WindowsMacAddresses]
