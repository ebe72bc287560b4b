"""L7: applications bound to the server's MAC address will not run in the container."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import (
    interfaces,
    joined,
    listing,
    nothing_read,
    probe_label,
)
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.licenses import LicenseScan, ScannedFile, parse_license_scan
from assessments.parsers.linux.macs import (
    MacInventory,
    display_mac,
    inventory_from_links,
    normalise_mac,
    parse_sys_net,
    vm_vendor,
)
from assessments.parsers.linux.processes import matching, parse_ps

LICENSE_MANAGERS = {
    "lmgrd": "FlexLM/FlexNet license server",
    "lmadmin": "FlexNet license server",
    "rlm": "Reprise License Manager",
    r"rlm\.\w+": "Reprise License Manager",
    "hasplmd": "Sentinel HASP license manager",
    "aksusbd": "Sentinel/HASP dongle daemon",
    "lserv": "Sentinel RMS license server",
    "lservnt": "Sentinel RMS license server",
    "i4lmd": "LUM license daemon",
    "sntlmd": "Sentinel license daemon",
}
RELICENSE = (
    "Request new license files for the container's identity, or give the container a veth "
    "adapter with the old MAC (only once the physical server is switched off, and only if "
    "the vendor's terms allow it)."
)


def local_macs(facts: Facts) -> tuple[MacInventory, str] | Unavailable:
    """The host's MACs from /sys/class/net (with bond slaves' permanent MACs), else from
    the parsed `ip`/`ifconfig` links."""
    inventory = facts.parsed("mac_addresses", parse_sys_net)
    if not isinstance(inventory, Unavailable):
        if inventory.macs():
            return inventory, probe_label("mac_addresses")
        inventory = nothing_read(facts, "mac_addresses", "no MAC address listed")
    data = interfaces(facts)
    if isinstance(data, Unavailable):
        return joined("mac_addresses", f"{inventory.reason}; {data.reason}", inventory, data)
    links = inventory_from_links(data.interfaces.links)
    if not links.macs():
        missing = nothing_read(facts, data.probe, f"{data.label} listed no MAC address")
        return joined("mac_addresses", f"{inventory.reason}; {missing.reason}", inventory, missing)
    return links, data.label


class MacInLicenses(Check):
    """Licences and configuration tied to this server's MAC address break after migration.

    The Parallels document: "Applications bound to the MAC address of the physical server
    will not run" in the container, whose venet0 device has no MAC of its own. FlexLM/FlexNet
    licence files name a host ID (by default the first NIC's MAC) on their SERVER line;
    other licences use HOSTID=, hostid or VM_UUID= forms. MACs pinned in network
    configuration (HWADDR=, udev persistent-net rules) are harmless but stale.
    """

    id = "mac_binding.license_files"
    restriction = "mac_binding"
    os_family = "linux"
    probes = ("license_scan", "mac_addresses", "ip_addr", "ifconfig")
    alternatives = (("mac_addresses", "ip_addr", "ifconfig"),)  # the local MACs
    title = "MAC addresses in licence files and configuration"

    def evaluate(self, facts: Facts) -> list[Finding]:
        macs = local_macs(facts)
        scan = facts.parsed("license_scan", parse_license_scan)
        if isinstance(macs, Unavailable):
            return [self.unknown(macs)]
        if isinstance(scan, Unavailable):
            return [self.unknown(scan)]
        inventory, mac_label = macs
        local = inventory.macs()
        label = f"{probe_label('license_scan')}; {mac_label}"
        mac_lines = [f"{display_mac(m)} on {', '.join(names)}" for m, names in local.items()]
        findings = [
            *self._bound_licenses(scan, local, label, mac_lines),
            *self._network_config(scan, local, label),
            *self._other_host_ids(scan, local, label),
        ]
        if findings:
            return findings
        vms = sorted({vm_vendor(m) for m in local if vm_vendor(m)})
        note = f" (MACs of a {', '.join(vms)} virtual machine)" if vms else ""
        return [
            self.finding(
                Severity.PASS,
                "No licence or configuration file names this server's MAC addresses" + note,
                evidence(label, mac_lines),
                "Absence cannot be proven: ask the application owners about MAC-bound licences.",
            )
        ]

    def _bound_licenses(
        self, scan: LicenseScan, local: dict[str, list[str]], label: str, mac_lines: list[str]
    ) -> list[Finding]:
        bound = [f for f in scan.files if not f.is_network_config and set(f.macs) & set(local)]
        lines = [
            f"{f.path}: {line}"
            for f in bound
            for mac in f.macs
            if mac in local
            for line in f.macs[mac]
        ]
        lmhostids = [h for h in scan.lmhostids if normalise_mac(h) in local]
        lines += [f"lmhostid: FlexNet host ID {h} is a local MAC" for h in lmhostids]
        if not lines:
            return []
        files = listing([f.path for f in bound]) or "lmhostid"
        return [
            self.finding(
                Severity.WARNING,
                f"Licences bound to this server's MAC address: {files}",
                evidence(label, [*lines, *mac_lines]),
                RELICENSE,
            )
        ]

    def _network_config(
        self, scan: LicenseScan, local: dict[str, list[str]], label: str
    ) -> list[Finding]:
        pinned = [f for f in scan.files if f.is_network_config and set(f.macs) & set(local)]
        if not pinned:
            return []
        lines = [f"{f.path}: {line}" for f in pinned for line in f.lines]
        return [
            self.finding(
                Severity.INFO,
                "MAC addresses pinned in network configuration: "
                + listing([f.path for f in pinned]),
                evidence(label, lines),
                "Remove HWADDR=/MACADDR= lines and 70-persistent-net.rules in the container; "
                "they are regenerated or unused with venet0.",
            )
        ]

    def _other_host_ids(
        self, scan: LicenseScan, local: dict[str, list[str]], label: str
    ) -> list[Finding]:
        files: list[ScannedFile] = [
            f
            for f in scan.files
            if f.is_license and not (set(f.macs) & set(local)) and (f.host_ids or f.servers)
        ]
        if not files:
            return []
        lines = [f"{f.path}: {line}" for f in files for line in [*f.servers, *f.host_ids]]
        return [
            self.finding(
                Severity.INFO,
                "Licence files name a host identity that is not one of this server's MACs: "
                + listing([f.path for f in files]),
                evidence(label, lines),
                "Check whether the licence is served by another host or bound to this "
                "host's hostid, hostname or UUID (which change in a container).",
            )
        ]


class LicenseManagers(Check):
    """Licence managers running on this server usually check its MAC or host ID.

    The Parallels document: "Applications bound to the MAC address of the physical server
    will not run." A running FlexLM (lmgrd), RLM or Sentinel licence server serves licences
    issued for this machine's host ID, which changes in the container.
    """

    id = "mac_binding.license_managers"
    restriction = "mac_binding"
    os_family = "linux"
    probes = ("ps",)
    title = "Licence managers running"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        if isinstance(processes, Unavailable):
            return [self.unknown(processes)]
        running = matching(processes, LICENSE_MANAGERS)
        label = probe_label("ps")
        if not running:
            return [self.finding(Severity.PASS, "No licence manager running", evidence(label, []))]
        names = sorted({what for _, what in running})
        return [
            self.finding(
                Severity.WARNING,
                f"Licence managers running: {', '.join(names)}",
                evidence(label, [f"{p.user} {p.pid} {p.args}" for p, _ in running]),
                RELICENSE,
            )
        ]


CHECKS: list[type[Check]] = [MacInLicenses, LicenseManagers]
