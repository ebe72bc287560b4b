"""From facts to findings and a verdict: the pure core shared by live scans, offline captures
and re-assessment of stored captures."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from assessments.checks import architecture, checks_for, linux_common, volumes, windows_facts
from assessments.checks.base import Finding, Severity, ruleset_version
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.os_release import parse_os_release

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Platform:
    """What the host runs and holds, as the checks read it, for the pages that show it and
    match hosts to destinations: "" (or None) where the checks could not tell."""

    os_family: str
    os_name: str = ""  # Linux: os-release's pretty name; Windows: the caption
    os_version: str = ""  # Linux: VERSION_ID; Windows: 6.1.7601
    windows_generation: str = ""  # "2003", "2008", "2008r2", "2012r2", "client"...
    architecture: str = ""  # Windows: x86, x64, ia64, arm64
    data_bytes: int | None = None  # local used space a migration copies


@dataclass(frozen=True)
class Assessment:
    hostname: str
    os_family: str
    verdict: str
    ruleset: str
    findings: list[Finding] = field(default_factory=list)
    platform: Platform = Platform("")

    def as_dict(self) -> dict[str, object]:
        return {
            "hostname": self.hostname,
            "os_family": self.os_family,
            "verdict": self.verdict,
            "ruleset": self.ruleset,
            "findings": [finding.as_dict() for finding in self.findings],
        }


def verdict(severities: Iterable[tuple[str, bool]], scanned: bool = True) -> str:
    """The verdict of design.md from (severity, waived) pairs.

    not_ready if any unwaived blocker; else unknown if the host could not be scanned or any
    check is unknown; else waived (ready with conditions: the waivers) if any waived
    blocker; else conditional if any warning; else ready.
    """
    pairs = list(severities)
    seen = {severity for severity, waived in pairs if not waived}
    if Severity.BLOCKER in seen:
        return "not_ready"
    if not scanned or Severity.UNKNOWN in seen:
        return "unknown"
    if any(severity == Severity.BLOCKER for severity, waived in pairs if waived):
        return "waived"
    if Severity.WARNING in seen:
        return "conditional"
    return "ready"


def platform(facts: Facts) -> Platform:
    """The platform facts, each read by the helper of the check that judges it (one rule
    each): the release and generation of os_version.generation, the bitness of
    architecture.bitness, and the used space of filesystems.capacity (Linux) or of the
    local volumes volumes.filesystems lists (Windows)."""
    if facts.os_family == "linux":
        return _linux_platform(facts)
    if facts.os_family == "windows":
        return _windows_platform(facts)
    return Platform(facts.os_family)


def _linux_platform(facts: Facts) -> Platform:
    release = facts.parsed("os_release", parse_os_release)
    usage = linux_common.local_usage(facts)
    data_bytes = None
    # df alone (no mount table) is an estimate the capacity check does not rely on either.
    if not isinstance(usage, Unavailable) and usage.complete:
        data_bytes = usage.used_kib * 1024
    if isinstance(release, Unavailable):
        return Platform("linux", data_bytes=data_bytes)
    return Platform(
        "linux", os_name=release.pretty_name, os_version=release.version_id, data_bytes=data_bytes
    )


def _windows_platform(facts: Facts) -> Platform:
    found = windows_facts.identify(facts)
    listed = volumes.listed_volumes(facts)
    data_bytes = None if isinstance(listed, Unavailable) else volumes.used_bytes(listed[0])
    arch = architecture.architecture(facts) or ""
    if isinstance(found, Unavailable):
        return Platform("windows", architecture=arch, data_bytes=data_bytes)
    release = found.release
    return Platform(
        "windows",
        os_name=release.caption or windows_facts.display(release),
        os_version=release.version,
        windows_generation=windows_facts.judged_generation(release),
        architecture=arch,
        data_bytes=data_bytes,
    )


def assess(facts: Facts, disabled: frozenset[str] = frozenset()) -> Assessment:
    """Run every check of the host's OS family, but those of the restriction classes in
    `disabled`; a check that crashes is an `unknown` finding."""
    findings: list[Finding] = []
    for check in checks_for(facts.os_family):
        if check.restriction in disabled:
            continue
        try:
            findings.extend(check.evaluate(facts))
        except Exception as exc:  # a bug in one check must not hide the others
            findings.append(
                check.finding(
                    Severity.UNKNOWN,
                    "Could not check: internal error in this check",
                    f"{type(exc).__name__}: {exc}",
                    "Report this as a bug with the capture attached.",
                )
            )
    try:
        shown = platform(facts)
    except Exception:  # the pages then say "unknown"; the findings must still be stored
        log.exception("platform facts of %s could not be derived", facts.hostname)
        shown = Platform(facts.os_family)
    return Assessment(
        hostname=facts.hostname,
        os_family=facts.os_family,
        verdict=verdict((f.severity, False) for f in findings),
        ruleset=ruleset_version(disabled),
        findings=findings,
        platform=shown,
    )
