"""What a check is and what it returns (the registry is `assessments.checks`).

A check is a small class with a stable `id`, its `restriction` class, the probes it reads
and a pure `evaluate(facts)` returning findings. Its docstring is the user-facing
explanation of why the restriction matters (the restriction page shows it).
"""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from assessments.checks.restrictions import BY_ID
from assessments.facts import Facts, Unavailable

# Bumped whenever a check's logic changes; stamped on every result.
RULESET_VERSION = "2026.12.3"


def ruleset_version(disabled: Iterable[str] = ()) -> str:
    """The version stamped on results: RULESET_VERSION, with a short mark of the restriction
    classes switched off (`RULESET_DISABLED`), so results judged without them never pass
    for results of the full ruleset."""
    off = sorted(set(disabled))
    if not off:
        return RULESET_VERSION
    mark = hashlib.sha256(",".join(off).encode()).hexdigest()[:6]
    return f"{RULESET_VERSION}-{mark}"


class Severity(StrEnum):
    """How much a finding matters; the one list of severities (the model's choices derive
    from it: `assessments.choices.SEVERITY_CHOICES`)."""

    BLOCKER = "blocker"
    WARNING = "warning"
    INFO = "info"
    PASS = "pass"  # noqa: S105 (a severity, not a password)
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The word the pages show: "Blocker"."""
        return self.value.capitalize()


@dataclass(frozen=True)
class Finding:
    """One conclusion of one check, with the evidence it was judged on."""

    restriction: str
    check: str
    severity: Severity
    title: str
    evidence: str
    remediation: str = ""

    @property
    def beyond_document(self) -> bool:
        """The restriction class is beyond the Parallels document (restrictions.md 3)."""
        restriction = BY_ID.get(self.restriction)
        return restriction is not None and restriction.beyond_document

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "restriction": self.restriction,
            "check": self.check,
            "severity": str(self.severity),
            "title": self.title,
            "evidence": self.evidence,
            "remediation": self.remediation,
            "beyond_document": self.beyond_document,
        }


MAX_EVIDENCE_LINES = 40


def evidence(command: str, lines: Iterable[str], limit: int = MAX_EVIDENCE_LINES) -> str:
    """The command and the lines a finding was judged on, cut to `limit` lines."""
    shown = list(lines)
    text = [f"$ {command}", *shown[:limit]]
    if len(shown) > limit:
        text.append(f"... ({len(shown) - limit} more lines)")
    return "\n".join(text)


class Check(ABC):
    """Base of every check; subclasses set the class attributes and `evaluate`."""

    id: ClassVar[str]
    restriction: ClassVar[str]
    os_family: ClassVar[str]  # "linux" | "windows"
    # The probes whose data decides the conclusion: when one the check read has failed, it
    # says `unknown` (or a problem that other evidence proves), never pass or info.
    probes: ClassVar[Sequence[str]]
    # Probes read for the evidence only (sizes shown next to a count): never the severity.
    extras: ClassVar[Sequence[str]] = ()
    # Groups of this check's probes that tell the same fact another way (beyond the probes'
    # own `alternatives`): the check may use any one that answers.
    alternatives: ClassVar[Sequence[Sequence[str]]] = ()
    title: ClassVar[str]  # short name of what is checked, for lists

    @abstractmethod
    def evaluate(self, facts: Facts) -> list[Finding]:
        """Findings for this host; at least one (a `pass` when nothing was found)."""

    def finding(
        self, severity: Severity, title: str, evidence: str, remediation: str = ""
    ) -> Finding:
        return Finding(self.restriction, self.id, severity, title, evidence, remediation)

    def unknown(
        self, missing: Unavailable | Sequence[Unavailable], remediation: str = ""
    ) -> Finding:
        """`unknown`, quoting why each probe it needed is unavailable."""
        if not isinstance(missing, Unavailable):
            missing = Unavailable(
                missing[0].probe,
                "; ".join(m.reason for m in missing),
                "\n".join(m.evidence or f"probe {m.probe}: {m.reason}" for m in missing),
            )
        return self.finding(
            Severity.UNKNOWN,
            f"Could not check: {missing.reason}",
            missing.evidence or f"probe {missing.probe}: {missing.reason}",
            remediation or "Collect this probe again (as root or with sudo), or check by hand.",
        )

    @classmethod
    def explanation(cls) -> str:
        return (cls.__doc__ or "").strip()
