"""The write phase of an import: resolve names, create or update hosts, groups and tags.

Runs inside the transaction `imports.import_hosts` opens; problems are appended to the
report and the caller rolls everything back if there are any.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field

from fleet.choices import CredentialKind, OsFamily
from fleet.lib.import_spec import (
    SCALAR_FIELDS,
    HostSpec,
    ImportReport,
    ParsedInventory,
    Problem,
    RowResult,
    ancestors,
)
from fleet.models import Credential, Host, HostGroup, Tag, TargetNode


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


def apply(parsed: ParsedInventory, report: ImportReport) -> None:
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
        if credential is None and host.credential_id is None:
            warnings.append(
                f"no credential for user {spec.credential_user!r}: create one named "
                f"{spec.credential_user!r} (manage.py add_credential) and import again"
            )
        elif credential is not None:
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
