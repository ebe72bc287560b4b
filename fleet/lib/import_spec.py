"""What an import parser produces and what an import reports: plain data, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, overload

CSV = "csv"
ANSIBLE_INI = "ansible-ini"
ANSIBLE_YAML = "ansible-yaml"
FORMATS = {
    CSV: "CSV",
    ANSIBLE_INI: "Ansible inventory (INI)",
    ANSIBLE_YAML: "Ansible inventory (YAML)",
}

# Host fields an import may set, with the model default used for an empty value.
SCALAR_FIELDS = [
    "address",
    "port",
    "os_family",
    "owner",
    "site",
    "notes",
    "enabled",
    "jump_host",
    "use_sudo",
    "allow_legacy_ssh",
    "winrm_scheme",
    "winrm_port",
    "winrm_transport",
]


@dataclass
class Problem:
    """One error or warning, with the line (or CSV row start line) it comes from."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class HostSpec:
    """One host as the file describes it; `values` holds only what the file sets."""

    name: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    groups: list[str] | None = None
    tags: list[str] | None = None
    # A credential/target name, "" to clear, None when the file says nothing.
    credential: str | None = None
    target: str | None = None
    # From ansible_user: found by convention, a warning (not an error) when absent.
    credential_user: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class GroupSpec:
    """A group the file declares, with its parent groups (Ansible `children`)."""

    name: str
    line: int
    parents: list[str] = field(default_factory=list)


@dataclass
class ParsedInventory:
    """What a parser returns: hosts, groups, and every problem it found."""

    format: str
    hosts: list[HostSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


@dataclass
class VarFiles:
    """Ansible `group_vars/` and `host_vars/` found next to an inventory (command only)."""

    group_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RowResult:
    """What the import did (or would do) to one host."""

    line: int
    name: str
    action: str  # created, updated, unchanged
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome: per-host results, or every error (then nothing was changed)."""

    format: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.format, self.format)

    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def lines(self) -> list[str]:
        """The report as text lines (for the command; the page renders the same data)."""
        mode = " (dry run: nothing was saved)" if self.dry_run else ""
        if self.errors:
            head = f"{self.format_label}: {len(self.errors)} error(s), nothing was imported"
            return [head, *(f"  {problem}" for problem in self.errors)]
        out = []
        for row in self.rows:
            detail = f" ({', '.join(row.changes)})" if row.changes else ""
            out.append(f"line {row.line}: {row.name}: {row.action}{detail}")
            out.extend(f"line {row.line}: {row.name}: warning: {w}" for w in row.warnings)
        if self.groups_created:
            out.append(f"groups created: {', '.join(self.groups_created)}")
        counts = self.counts()
        out.append(
            f"{self.format_label}{mode}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged"
        )
        return out


@overload
def ancestors(name: str, parents: dict[str, list[str]]) -> list[str]: ...
@overload
def ancestors(name: str, parents: dict[str, list[str]], limit: int) -> list[str] | None: ...
def ancestors(
    name: str, parents: dict[str, list[str]], limit: int | None = None
) -> list[str] | None:
    """The group and all its ancestors, each once (cycles are cut, parsers report them).

    With `limit`: None as soon as there are more than `limit` of them (the group included),
    having looked at no more than that many.
    """
    out = [name]
    seen = {name}
    index = 0
    while index < len(out):
        for parent in parents.get(out[index], []):
            if parent not in seen:
                seen.add(parent)
                out.append(parent)
                if limit is not None and len(out) > limit:
                    return None
        index += 1
    return out


def split_list(value: str) -> list[str]:
    """`a; b;;c` -> ["a", "b", "c"], keeping order, each once."""
    return list(dict.fromkeys(item.strip() for item in value.split(";") if item.strip()))


# The form the SSH collector accepts (assessments/collectors/target.py, parse_jump): one hop.
JUMP_HOST = re.compile(r"^(?:[^@\s]+@)?(?:\[[^\]]+\]|[^:@\s,]+)(?::\d{1,5})?$")


def check_jump_host(value: str) -> str:
    """`[user@]host[:port]` (IPv6 in brackets), a single hop."""
    if not JUMP_HOST.match(value):
        raise ValueError(f"jump host {value!r} is not [user@]host[:port] (one hop)")
    return value
