"""From facts to findings and a verdict: the pure core shared by live scans, offline captures
and re-assessment of stored captures."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from assessments.checks import checks_for
from assessments.checks.base import RULESET_VERSION, Finding, Severity
from assessments.facts import Facts


@dataclass(frozen=True)
class Assessment:
    hostname: str
    os_family: str
    verdict: str
    ruleset: str
    findings: list[Finding] = field(default_factory=list)

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
    check is unknown; else conditional if any warning; else ready.
    """
    seen = {severity for severity, waived in severities if not waived}
    if Severity.BLOCKER in seen:
        return "not_ready"
    if not scanned or Severity.UNKNOWN in seen:
        return "unknown"
    if Severity.WARNING in seen:
        return "conditional"
    return "ready"


def assess(facts: Facts) -> Assessment:
    """Run every check of the host's OS family; a check that crashes is an `unknown` finding."""
    findings: list[Finding] = []
    for check in checks_for(facts.os_family):
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
    return Assessment(
        hostname=facts.hostname,
        os_family=facts.os_family,
        verdict=verdict((f.severity, False) for f in findings),
        ruleset=RULESET_VERSION,
        findings=findings,
    )
