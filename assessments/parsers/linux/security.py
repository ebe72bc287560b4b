"""B8 security modules: `aa-status` (AppArmor) and `auditctl -l` (kernel audit rules).

aa-status prints counts (`7 profiles are in enforce mode.`) each followed by the names,
indented; old apparmor_status (Ubuntu 10.04, SLES 11) ends some count lines with ` :`.
auditctl -l prints one rule a line: `-w /etc/passwd -p wa -k identity`, `-a always,exit ...`;
before audit 2.x (RHEL 5/6) `LIST_RULES: exit,always watch=/etc/passwd perm=wa key=...`;
`No rules` when none is loaded.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.bounded import split_cut
from assessments.parsers.text import decode

_COUNT = re.compile(r"^(\d+) (profiles|processes) (?:are|have) (.+?)\s*[.:]?\s*$")


@dataclass
class AppArmorStatus:
    loaded: bool = False  # "apparmor module is loaded."
    counts: dict[str, int] = field(default_factory=dict)  # "profiles in enforce mode": 7
    names: dict[str, list[str]] = field(default_factory=dict)  # same keys: the listed names
    lines: list[str] = field(default_factory=list)
    cut: str = ""

    def count(self, what: str) -> int:
        return self.counts.get(what, 0)


def parse_aa_status(out: ProbeOutput) -> AppArmorStatus:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    status = AppArmorStatus(cut=cut)
    current = ""
    for line in lines:
        text = line.rstrip()
        if not text.strip():
            continue
        status.lines.append(text)
        if text.strip() == "apparmor module is loaded.":
            status.loaded = True
            continue
        match = _COUNT.match(text.strip())
        if match:
            current = f"{match.group(2)} {match.group(3)}"
            status.counts[current] = int(match.group(1))
            status.names[current] = []
        elif text[0].isspace() and current and text.strip() != "...":
            status.names[current].append(text.strip())
    if not status.counts and not status.loaded:
        raise ProbeUnavailable("aa-status printed no AppArmor status")
    return status


@dataclass
class AuditRules:
    rules: list[str] = field(default_factory=list)
    cut: str = ""

    @property
    def effective(self) -> list[str]:
        """Rules other than the stock one that turns syscall auditing off."""
        return [rule for rule in self.rules if not task_never(rule)]


_NEVER_TASK = re.compile(r"^(?:-a\s+(?:never,task|task,never)|LIST_RULES:\s+task,never)\s*$")


def task_never(rule: str) -> bool:
    """`-a never,task` (`LIST_RULES: task,never` before audit 2.x): no syscall auditing."""
    return bool(_NEVER_TASK.match(rule))


def parse_auditctl(out: ProbeOutput) -> AuditRules:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    result = AuditRules(cut=cut)
    unknown: list[str] = []
    none = False
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text == "No rules":
            none = True
        elif text.startswith(("-", "LIST_RULES:")):
            result.rules.append(text)
        else:
            unknown.append(text)
    if unknown and not (result.rules or none):
        raise ProbeUnavailable(f"auditctl -l printed no rule: {unknown[0][:80]}")
    return result
