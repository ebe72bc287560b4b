"""Windows bitness (W4): 32-bit sources go to 32-bit containers, 64-bit to 64-bit."""

from collections.abc import Callable

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.windows_facts import parsed_from
from assessments.facts import Facts, ProbeOutput, Unavailable
from assessments.parsers.windows.architecture import (
    ARM64,
    IA64,
    X64,
    X86,
    ArchReading,
    parse_cpu_arch,
    parse_env_arch,
    parse_processor_arch,
)
from assessments.parsers.windows.release import Release, parse_reg_product, parse_wmic_os
from assessments.parsers.windows.systeminfo import parse_systeminfo
from assessments.probes import label

_NAMES = {X86: "32-bit (x86)", X64: "64-bit (x64)", IA64: "Itanium (IA-64)", ARM64: "ARM64"}
_BY_HAND = (
    'Run `reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment" '
    "/v PROCESSOR_ARCHITECTURE` on the host."
)
_REMEDIATION = (
    "Migrate to a destination node of the same bitness; otherwise the applications must be "
    "re-installed on a Windows of the other bitness (a rebuild, not a migration)."
)


def _wmic_os_arch(out: ProbeOutput) -> ArchReading:
    return _release_arch("wmic_os", parse_wmic_os(out))


def _reg_product_arch(out: ProbeOutput) -> ArchReading:
    return _release_arch("reg_product", parse_reg_product(out))


def _release_arch(source: str, release: object) -> ArchReading:
    """OSArchitecture digits (2008+), or "x64"/"Itanium" in a 2003 product name."""

    assert isinstance(release, Release)
    caption = release.caption.lower()
    lines = tuple(line for line in release.lines if "Caption" in line or "Architecture" in line)
    if "itanium" in caption or "ia64" in caption:
        return ArchReading(source, IA64, lines or release.lines)
    if release.bits in (32, 64):
        return ArchReading(source, X86 if release.bits == 32 else X64, lines)
    if "x64" in caption:
        return ArchReading(source, X64, lines or release.lines)
    raise ValueError("no architecture in the product name or OSArchitecture")


def _systeminfo_arch(out: ProbeOutput) -> ArchReading:
    info = parse_systeminfo(out)
    if info.architecture is None:
        raise ValueError("no System Type")
    return ArchReading("systeminfo", info.architecture, (info.system_type_line,))


SOURCES: list[tuple[str, Callable[[ProbeOutput], ArchReading]]] = [
    ("reg_processor_arch", parse_processor_arch),
    ("wmic_os", _wmic_os_arch),
    ("wmic_cpu", parse_cpu_arch),
    ("env", parse_env_arch),
    ("systeminfo", _systeminfo_arch),
    ("reg_product", _reg_product_arch),
]


def agreed(readings: list[tuple[str, ArchReading]]) -> str | None:
    """The architecture the readings agree on (x86, x64, ia64, arm64), the most specific
    one of a bitness (Itanium, ARM64 over x64); None when none answered or they disagree."""
    if not readings or len({r.bits for _, r in readings}) > 1:
        return None
    specific = [r.architecture for _, r in readings if r.architecture in (IA64, ARM64)]
    return specific[0] if specific else readings[0][1].architecture


def architecture(facts: Facts) -> str | None:
    """The architecture `WindowsBitness` judges the host by, or None when it cannot tell."""
    return agreed(parsed_from(facts, SOURCES)[0])


def describe(arch: str) -> str:
    """ "64-bit (x64)" and the like, as the findings name an architecture."""
    return _NAMES.get(arch, arch)


class WindowsBitness(Check):
    """32-bit Windows goes only to 32-bit containers, 64-bit only to 64-bit.

    The Parallels document "Migration Restrictions for Containers": 32-bit sources cannot be
    migrated to 64-bit containers and vice versa. What counts is the bitness of the
    operating system, not of the CPU (a 64-bit CPU often runs 32-bit Windows 2003) nor of the
    program that collected the data (a 32-bit process on 64-bit Windows sees
    PROCESSOR_ARCHITECTURE=x86 and PROCESSOR_ARCHITEW6432=AMD64: that is a 64-bit OS).
    Itanium systems have no container destination at all.
    """

    id = "architecture.bitness"
    restriction = "architecture"
    os_family = "windows"
    probes = tuple(probe for probe, _ in SOURCES)
    title = "Windows bitness matches the destination node"

    def evaluate(self, facts: Facts) -> list[Finding]:
        readings, missing = parsed_from(facts, SOURCES)
        if not readings:
            reasons = "; ".join(m.reason for m in missing)
            return [self.unknown(Unavailable("reg_processor_arch", reasons), _BY_HAND)]
        shown = "\n".join(evidence(label("windows", p), r.lines) for p, r in readings)
        arch = agreed(readings)
        if arch is None:
            values = ", ".join(f"{p}: {_NAMES[r.architecture]}" for p, r in readings)
            return [
                self.finding(
                    Severity.UNKNOWN,
                    f"Sources disagree on the bitness ({values})",
                    shown,
                    _BY_HAND,
                )
            ]
        return [self._judge(facts, arch, shown)]

    def _judge(self, facts: Facts, arch: str, shown: str) -> Finding:
        name = _NAMES[arch]
        if arch in (IA64, ARM64):
            return self.finding(
                Severity.BLOCKER,
                f"{name} Windows: no container node runs it",
                shown,
                "Migrate to a virtual machine or rebuild on x86/x64 Windows.",
            )
        dest = facts.destination
        if dest is None or (dest.os_family == "windows" and not dest.architecture):
            return self.finding(
                Severity.INFO,
                f"{name} Windows: needs a {name} destination node",
                shown,
                f"Assign this host to a {name} node.",
            )
        if dest.os_family != "windows":
            return self.finding(
                Severity.BLOCKER, f"{dest.name} is a Linux node", shown, _REMEDIATION
            )
        if dest.architecture != arch:
            wanted = _NAMES.get(dest.architecture, dest.architecture)
            return self.finding(
                Severity.BLOCKER,
                f"{name} Windows cannot go to {dest.name}, a {wanted} node",
                shown,
                f"Assign this host to a {name} node. {_REMEDIATION}",
            )
        return self.finding(Severity.PASS, f"{name} Windows matches {dest.name}", shown)


CHECKS: list[type[Check]] = [WindowsBitness]
