"""Import hosts from the files users already have: CSV, Ansible INI and Ansible YAML.

Two phases. A parser turns the file into `HostSpec`s and `GroupSpec`s (no database); then
`apply()` resolves names and writes everything in one transaction. Any problem anywhere rolls
the whole import back and is reported with its line number, so a bad file changes nothing.
A dry run does the same work and always rolls back, so what it reports is exactly what a
real run would do.

Policy for re-imports (hosts are matched by name):
- a value the file gives is set (an empty CSV cell means the default), a column the file
  lacks leaves the host's value alone;
- `os_family` is the exception: empty keeps what is known (scans learn it);
- groups and tags given by the file replace the host's groups and tags; a host in a child
  group also belongs to every ancestor group.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field

from fleet.choices import CredentialKind, OsFamily
from fleet.models import Credential, Host, HostGroup, Tag, TargetNode

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


class ImportFailed(Exception):
    """Raised inside the transaction to roll it back once problems are collected."""


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, or UTF-16 with BOM (Excel's "Unicode text")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"line {line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None


def detect_format(filename: str, text: str) -> str:
    """By extension first, then by content (Ansible inventories often have no extension)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return CSV
    if suffix in {".yml", ".yaml"}:
        return ANSIBLE_YAML
    if suffix in {".ini", ".cfg"}:
        return ANSIBLE_INI
    first = next(
        (
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith(("#", ";"))
        ),
        "",
    )
    header = [cell.strip().strip('"').lower() for cell in first.replace(";", ",").split(",")]
    if "name" in header and len(header) > 1:
        return CSV
    if first == "---" or (first.endswith(":") and not first.startswith("[")):
        return ANSIBLE_YAML
    return ANSIBLE_INI


def parse(filename: str, data: bytes, fmt: str | None = None) -> ParsedInventory:
    """Decode, detect the format and parse; never touches the database."""
    from fleet.lib import import_ansible, import_csv

    try:
        text = decode(data)
    except ValueError as exc:
        return ParsedInventory(fmt or CSV, errors=[Problem(None, str(exc))])
    fmt = fmt or detect_format(filename, text)
    if fmt == CSV:
        return import_csv.parse(text)
    if fmt == ANSIBLE_YAML:
        return import_ansible.parse_yaml(text)
    return import_ansible.parse_ini(text)


def import_hosts(
    filename: str, data: bytes, *, dry_run: bool = False, fmt: str | None = None
) -> ImportReport:
    """Parse and apply a file: the one entry point of the command and the upload page."""
    parsed = parse(filename, data, fmt)
    report = ImportReport(parsed.format, dry_run)
    _check_duplicates(parsed)
    report.errors = list(parsed.errors)
    try:
        with transaction.atomic():
            # Applied even when parsing found problems, so that problems only the database
            # reveals (unknown credential, too long a value) are reported in the same pass.
            _apply(parsed, report)
            if report.errors:
                raise ImportFailed
            if dry_run:
                transaction.set_rollback(True)
    except ImportFailed:
        report.errors.sort(key=_problem_order)
        report.rows = []
        report.groups_created = []
    return report


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.message)


def _check_duplicates(parsed: ParsedInventory) -> None:
    # Ansible lists a host under every group it is in: parsers merge those; this catches
    # CSV rows, where a repeated name is a mistake.
    if parsed.format != CSV:
        return
    seen: dict[str, int] = {}
    for spec in parsed.hosts:
        if spec.name in seen:
            parsed.errors.append(
                Problem(
                    spec.line, f"duplicate name {spec.name!r} (first on line {seen[spec.name]})"
                )
            )
        else:
            seen[spec.name] = spec.line


class _Resolver:
    """Name lookups done once per import (credentials, targets, existing hosts)."""

    def __init__(self, specs: list[HostSpec]) -> None:
        self.credentials = {c.name: c for c in Credential.objects.all()}
        self.targets = {t.name: t for t in TargetNode.objects.all()}
        wanted = [spec.name for spec in specs]
        self.hosts: dict[str, Host] = {}
        # Chunks keep each query under the bound-parameter limits of SQLite and PostgreSQL.
        for start in range(0, len(wanted), 500):
            chunk = Host.objects.filter(name__in=wanted[start : start + 500])
            self.hosts.update({h.name: h for h in chunk.prefetch_related("groups", "tags")})

    def credential_for_user(self, spec: HostSpec) -> Credential | None:
        """Convention: a credential named after the user, else the only one with that user."""
        user = spec.credential_user or ""
        if user in self.credentials:
            return self.credentials[user]
        windows = spec.values.get("os_family") == OsFamily.WINDOWS
        candidates = [
            c
            for c in self.credentials.values()
            if c.username == user and (c.kind == CredentialKind.WINRM) == windows
        ]
        return candidates[0] if len(candidates) == 1 else None


def _apply(parsed: ParsedInventory, report: ImportReport) -> None:
    groups, parents = _ensure_groups(parsed, report)
    resolver = _Resolver(parsed.hosts)
    links = _Links({tag.name: tag for tag in Tag.objects.all()})
    done: set[str] = set()
    for spec in parsed.hosts:
        if spec.name in done:  # a duplicate row, already reported
            continue
        done.add(spec.name)
        row = _apply_host(spec, resolver, groups, parents, links, report)
        if row:
            report.rows.append(row)
    if not report.errors:
        links.write()


class _Links:
    """Group and tag memberships to replace, written in bulk at the end.

    Per-host `.set()` costs several queries each; on thousands of hosts that is most of the
    import's time.
    """

    def __init__(self, tags: dict[str, Tag]) -> None:
        self.tags = tags
        self.host_groups: dict[int, set[int]] = {}
        self.host_tags: dict[int, set[int]] = {}

    def tag_ids(self, names: list[str]) -> set[int]:
        for name in names:
            if name not in self.tags:
                self.tags[name] = Tag.objects.create(name=name)
        return {self.tags[name].pk for name in names}

    def write(self) -> None:
        self._replace(Host.groups.through, "hostgroup_id", self.host_groups)
        self._replace(Host.tags.through, "tag_id", self.host_tags)

    @staticmethod
    def _replace(through: Any, column: str, pending: dict[int, set[int]]) -> None:
        host_ids = list(pending)
        for start in range(0, len(host_ids), 500):
            through.objects.filter(host_id__in=host_ids[start : start + 500]).delete()
        rows = [
            through(host_id=host_id, **{column: other})
            for host_id, others in pending.items()
            for other in others
        ]
        through.objects.bulk_create(rows, batch_size=500)


def _ensure_groups(
    parsed: ParsedInventory, report: ImportReport
) -> tuple[dict[str, HostGroup], dict[str, list[str]]]:
    wanted: dict[str, int] = {}
    for group_spec in parsed.groups:
        wanted.setdefault(group_spec.name, group_spec.line)
    for spec in parsed.hosts:
        for name in spec.groups or []:
            wanted.setdefault(name, spec.line)
    groups = {g.name: g for g in HostGroup.objects.all()}
    max_length = HostGroup._meta.get_field("name").max_length or 200
    for name, line in wanted.items():
        if len(name) > max_length:
            report.errors.append(Problem(line, f"group name longer than {max_length}: {name!r}"))
        elif name not in groups:
            groups[name] = HostGroup.objects.create(name=name)
            report.groups_created.append(name)
    parents: dict[str, list[str]] = {name: [] for name in groups}
    by_pk = {group.pk: name for name, group in groups.items()}
    for name, group in groups.items():
        if group.parent_id in by_pk:
            parents[name].append(by_pk[group.parent_id])
    for group_spec in parsed.groups:
        if group_spec.parents and group_spec.name in groups:
            group = groups[group_spec.name]
            first = groups.get(group_spec.parents[0])
            if first and group.parent_id != first.pk:
                group.parent = first
                group.save(update_fields=["parent"])
            parents[group_spec.name] = list(dict.fromkeys(group_spec.parents))
    return groups, parents


def ancestors(name: str, parents: dict[str, list[str]]) -> list[str]:
    """The group and all its ancestors, each once (cycles are cut, parsers report them)."""
    out: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        todo.extend(parents.get(current, []))
    return out


def _apply_host(
    spec: HostSpec,
    resolver: _Resolver,
    groups: dict[str, HostGroup],
    parents: dict[str, list[str]],
    links: _Links,
    report: ImportReport,
) -> RowResult | None:
    errors: list[str] = []
    warnings = list(spec.warnings)
    host = resolver.hosts.get(spec.name)
    created = host is None
    if host is None:
        host = Host(name=spec.name, address=spec.name)
    before = {name: getattr(host, name) for name in [*SCALAR_FIELDS, "credential_id", "target_id"]}
    for name, value in spec.values.items():
        if name == "os_family" and value in ("", None):
            continue
        if name == "address" and value in ("", None):
            value = spec.name
        setattr(host, name, _default(name) if value in ("", None) else value)
    if spec.credential is not None:
        credential = resolver.credentials.get(spec.credential) if spec.credential else None
        if spec.credential and credential is None:
            errors.append(f"unknown credential {spec.credential!r}")
        host.credential = credential
    elif spec.credential_user:
        credential = resolver.credential_for_user(spec)
        if credential is None:
            warnings.append(
                f"no credential for user {spec.credential_user!r}: create one named "
                f"{spec.credential_user!r} (manage.py add_credential) and import again"
            )
        else:
            host.credential = credential
    if spec.target is not None:
        target = resolver.targets.get(spec.target) if spec.target else None
        if spec.target and target is None:
            errors.append(f"unknown target {spec.target!r}")
        host.target = target
    errors.extend(f"tag longer than 100 characters: {t!r}" for t in spec.tags or [] if len(t) > 100)
    try:
        host.clean_fields(exclude=["verdict", "last_scanned", "latest_scan"])
    except ValidationError as exc:
        errors.extend(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    if errors:
        report.errors.extend(Problem(spec.line, f"{spec.name}: {message}") for message in errors)
        return None
    changes = [
        name.removesuffix("_id")
        for name, old in before.items()
        if getattr(host, name) != old and not created
    ]
    if created or changes:
        host.save()
    changes += _set_relations(host, spec, groups, parents, links, created)
    action = "created" if created else ("updated" if changes else "unchanged")
    return RowResult(spec.line, spec.name, action, [] if created else changes, warnings)


def _set_relations(
    host: Host,
    spec: HostSpec,
    groups: dict[str, HostGroup],
    parents: dict[str, list[str]],
    links: _Links,
    created: bool,
) -> list[str]:
    changes = []
    if spec.groups is not None:
        every = {g for name in spec.groups for g in ancestors(name, parents)}
        wanted = {groups[g].pk for g in every if g in groups}  # the rest were reported
        current = set() if created else {g.pk for g in host.groups.all()}
        if wanted != current:
            links.host_groups[host.pk] = wanted
            changes.append("groups")
    if spec.tags is not None:
        wanted = links.tag_ids(spec.tags)
        current = set() if created else {t.pk for t in host.tags.all()}
        if wanted != current:
            links.host_tags[host.pk] = wanted
            changes.append("tags")
    return changes


def _default(name: str) -> Any:
    model_field = Host._meta.get_field(name)
    assert isinstance(model_field, Field)
    return model_field.get_default()


def split_list(value: str) -> list[str]:
    """`a; b;;c` -> ["a", "b", "c"], keeping order, each once."""
    return list(dict.fromkeys(item.strip() for item in value.split(";") if item.strip()))
