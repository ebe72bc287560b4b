"""L6: raw devices (and Oracle ASM disks) cannot be migrated."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.processes import matching, parse_ps
from assessments.parsers.linux.raw import parse_oracleasm, parse_raw_qa, parse_rawdevices_config

REMEDIATION = (
    "Data on raw devices is not copied and the application will not start. Move it into "
    "files on a file system before migrating (Oracle: relocate datafiles out of ASM with "
    "RMAN BACKUP AS COPY / SWITCH DATABASE TO COPY; DB2, Sybase, Informix: file-based "
    "containers), or migrate this server to a VM instead of a container."
)
ASM_PROCESSES = {r"asm_pmon_.*": "Oracle ASM instance", r"oracleasm": "ASMLib"}


class RawBindings(Check):
    """Raw devices cannot be migrated.

    The Parallels document: "Raw devices cannot be migrated." A container has no block
    devices of its own: data written to raw partitions (databases using /dev/raw/rawN,
    bindings set up at boot by /etc/sysconfig/rawdevices or udev rules) is left behind.
    """

    id = "raw_devices.bindings"
    restriction = "raw_devices"
    os_family = "linux"
    probes = ("raw", "rawdevices_config")
    title = "Bound raw devices"

    def evaluate(self, facts: Facts) -> list[Finding]:
        lines: list[str] = []
        failed: list[Unavailable] = []
        bindings = facts.parsed("raw", parse_raw_qa)
        if isinstance(bindings, Unavailable):
            # No raw tool (absent) means no raw driver (kernels >= 5.14) or none in use.
            lines.append(bindings.reason)
            failed += [] if isinstance(bindings, Absent) else [bindings]
            bindings = []
        config = facts.parsed("rawdevices_config", parse_rawdevices_config)
        if isinstance(config, Unavailable):
            lines.append(config.reason)
            failed.append(config)
            config = []
        label = f"{probe_label('raw')}; {probe_label('rawdevices_config')}"
        bound = [b.line for b in bindings] + [c.line for c in config]
        if bound:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"Raw devices in use: {len(bindings)} bound, {len(config)} configured",
                    evidence(label, bound + lines),
                    REMEDIATION,
                )
            ]
        if failed:
            return [self.unknown(failed)]
        return [self.finding(Severity.PASS, "No raw device bindings", evidence(label, lines))]


class OracleAsm(Check):
    """Oracle ASM disks are raw block devices and cannot be migrated.

    ASMLib (/dev/oracleasm/disks) and the ASM Filter Driver (/dev/oracleafd/disks) give
    Oracle whole disks or partitions without a file system: like raw devices (the Parallels
    document: "Raw devices cannot be migrated"), their content is not copied into the
    container and the database will not start.
    """

    id = "raw_devices.oracle_asm"
    restriction = "raw_devices"
    os_family = "linux"
    probes = ("oracleasm", "ps")
    title = "Oracle ASM disks"

    def evaluate(self, facts: Facts) -> list[Finding]:
        disks = facts.parsed("oracleasm", parse_oracleasm)
        processes = facts.parsed("ps", parse_ps)
        failed = [r for r in (disks, processes) if isinstance(r, Unavailable)]
        lines = [r.reason for r in failed]
        found = [] if isinstance(disks, Unavailable) else disks
        lines.extend(f"ASM disk {disk}" for disk in found)
        running = [] if isinstance(processes, Unavailable) else matching(processes, ASM_PROCESSES)
        lines.extend(f"{what}: {proc.args}" for proc, what in running)
        label = f"{probe_label('oracleasm')}; {probe_label('ps')}"
        if found or running:
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"Oracle ASM in use ({len(found)} ASM disks, {len(running)} ASM processes)",
                    evidence(label, lines),
                    REMEDIATION,
                )
            ]
        if failed:
            return [self.unknown(failed)]
        return [self.finding(Severity.PASS, "No Oracle ASM disks", evidence(label, lines))]


CHECKS: list[type[Check]] = [RawBindings, OracleAsm]
