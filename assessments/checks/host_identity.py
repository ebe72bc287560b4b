"""B11 (beyond the document): licences bound to the host's identity beyond its MAC."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.identity import DmiIds, is_shared, parse_dmi_ids, uuid_forms
from assessments.parsers.linux.licenses import LicenseScan, ScannedFile, parse_license_scan

_HOSTID = re.compile(r"^[0-9a-f]{8}$")
_TYPED = ("VM_UUID=", "DISK_SERIAL_NUM=", "HOSTID=")
RELICENSE = (
    "Ask the vendors for licences bound to the container's identity (or to a licence "
    "server). For a licence bound to the hostid, writing the old value into the "
    "container's /etc/hostid keeps it, if the licence terms allow that; DMI UUIDs and "
    "serial numbers cannot be carried over."
)


def identity_values(dmi: DmiIds | None, hostid: str) -> dict[str, str]:
    """Label -> value of this host's identities a licence can name."""
    values = dict(dmi.values()) if dmi is not None else {}
    if _HOSTID.match(hostid) and hostid not in ("00000000", "ffffffff"):
        values["hostid"] = hostid
    return values


def spellings(label: str, value: str) -> tuple[str, ...]:
    """How a licence may write the value: a UUID in either SMBIOS byte order, with or
    without its dashes (lower case)."""
    if label != "DMI system UUID":
        return (value.lower(),)
    forms = uuid_forms(value)
    return forms + tuple(form.replace("-", "") for form in forms)


def naming(file: ScannedFile, values: dict[str, str]) -> list[str]:
    """The file's lines that name one of the values, with which one."""
    found = []
    for line in file.lines:
        lowered = line.lower()
        for label, value in values.items():
            if any(form in lowered for form in spellings(label, value)):
                found.append(f"{file.path}: {line.strip()}  [{label}]")
    return found


class LicensedIdentity(Check):
    """Licences bound to the hostid, the DMI UUID or serial numbers break in a container.

    Beyond the document, next to the document's MAC restriction: a container has no DMI
    data of its own (or the node's), other disks, and often a different hostid (derived
    from the IP address unless /etc/hostid exists). Software licensed to the system UUID
    (FlexNet `VM_UUID=`), a serial number, a disk serial (`DISK_SERIAL_NUM=`) or the hostid
    stops working after migration.
    """

    id = "host_identity.licenses"
    restriction = "host_identity"
    os_family = "linux"
    probes = ("dmi_ids", "license_scan")
    title = "Licences bound to the hostid, DMI UUID or serial"

    def evaluate(self, facts: Facts) -> list[Finding]:
        dmi = facts.parsed("dmi_ids", parse_dmi_ids)
        scan = facts.parsed("license_scan", parse_license_scan)
        if isinstance(scan, Unavailable):
            return [self.unknown(scan)]
        known = dmi if isinstance(dmi, DmiIds) else None
        values = identity_values(known, scan.hostid)
        label = f"{probe_label('dmi_ids')}; {probe_label('license_scan')}"
        lines = self._identity_lines(dmi, scan)
        bound, typed = self._bound(scan, values)
        if bound or (typed and known is None):
            shown = bound or typed
            files = sorted({line.split(": ", 1)[0] for line in shown})
            return [
                self.finding(
                    Severity.WARNING,
                    f"Licences bound to this host's identity: {listing(files)}",
                    evidence(label, [*shown, *lines]),
                    RELICENSE,
                )
            ]
        if isinstance(dmi, Unavailable) and not isinstance(dmi, Absent):
            return [self.unknown(dmi)]
        lines += [f"names another machine's identity: {line}" for line in typed]
        if known is not None and not known.values() and not typed:
            return [
                self.finding(Severity.PASS, "No hardware identity to lose", evidence(label, lines))
            ]
        return [
            self.finding(
                Severity.INFO,
                "The DMI UUID and serial numbers will change in the container: check "
                "licences bound to them",
                evidence(label, lines),
                "Ask the application owners about licences bound to the system UUID, serial "
                "numbers or hostid; none was found in the licence files scanned.",
            )
        ]

    @staticmethod
    def _bound(scan: LicenseScan, values: dict[str, str]) -> tuple[list[str], list[str]]:
        """Lines naming this host's identities, and typed identity host ids naming others."""
        bound: list[str] = []
        typed: list[str] = []
        for file in scan.files:
            if file.is_network_config:
                continue
            bound += naming(file, values)
            typed += [
                f"{file.path}: {host_id}"
                for host_id in file.host_ids
                if host_id.startswith(_TYPED)
                and not any(
                    form in host_id.lower()
                    for label, value in values.items()
                    for form in spellings(label, value)
                )
            ]
        return bound, typed

    @staticmethod
    def _identity_lines(dmi: DmiIds | Unavailable, scan: LicenseScan) -> list[str]:
        lines = list(dmi.lines) if isinstance(dmi, DmiIds) else [dmi.reason]
        if isinstance(dmi, DmiIds) and is_shared(dmi.uuid):
            lines.append(f"{dmi.uuid} is a placeholder UUID many boards share")
        if scan.hostid:
            lines.append(
                f"hostid: {scan.hostid} (from /etc/hostid, else derived from the IP address)"
            )
        lines += [f"lmhostid: {host_id}" for host_id in scan.lmhostids]
        return lines


CHECKS: list[type[Check]] = [LicensedIdentity]
