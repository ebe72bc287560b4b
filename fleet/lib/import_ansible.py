"""Ansible inventories, INI and YAML: hosts, groups, `children`, group and host vars.

Variables are merged as Ansible does: `all`, then groups from the shallowest to the deepest
(same depth by name), then the host's own. What we read from them:
`ansible_host`, `ansible_port`, `ansible_user` (and their old `ansible_ssh_*` names),
`ansible_connection` (`winrm`/`psrp` -> Windows, `ssh`/`paramiko`/`smart`/`local`/absent ->
Linux), `ansible_winrm_scheme`, `ansible_winrm_transport`, `ansible_winrm_port`,
`ansible_become` (-> sudo), `ProxyJump`/`-J` in `ansible_ssh_common_args` (-> jump host),
and our own `p2c_credential`, `p2c_target`, `p2c_tags`, `p2c_owner`, `p2c_site`, `p2c_notes`.
Jinja templates are not evaluated: a templated value we need is reported.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import yaml

from fleet.lib import import_yaml
from fleet.lib.import_ansible_vars import KNOWN_VARIABLES, apply_vars
from fleet.lib.import_limits import (
    MAX_GROUP_ANCESTORS,
    MAX_GROUPS,
    MAX_HOST_ENTRIES,
    MAX_HOSTS,
    MAX_MEMBERSHIPS,
    ImportTooLarge,
    stop_if_full,
    too_many,
)
from fleet.lib.import_ranges import RANGE, expand
from fleet.lib.import_spec import (
    ANSIBLE_INI,
    ANSIBLE_YAML,
    GroupSpec,
    HostSpec,
    ParsedInventory,
    Problem,
    VarFiles,
    ancestors,
)

IMPLICIT = {"all", "ungrouped"}
SHELL_SPECIAL = re.compile(r"[\"'\\#]")
BAD_HOST_CHARACTERS = re.compile(r"[\s,;/\\\"'=]")


@dataclass
class Inventory:
    """Groups, memberships and variables as read, before they become specs.

    A host range shares one variables dict among its hosts, and only the variables we read
    are ever merged (KNOWN_VARIABLES): `h[1:100000]` with a thousand variables is one dict
    of a thousand, not a hundred million entries. Members and children are dicts used as
    ordered sets, so that adding stays constant-time however many a group or host has.
    """

    format: str
    errors: list[Problem] = field(default_factory=list)
    group_lines: dict[str, int] = field(default_factory=dict)
    group_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str, dict[str, None]] = field(default_factory=dict)
    host_lines: dict[str, int] = field(default_factory=dict)
    host_vars: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    memberships: dict[str, dict[str, None]] = field(default_factory=dict)
    var_files: VarFiles = field(default_factory=VarFiles)
    entries: int = 0

    def variables(self, host: str, groups: list[str]) -> dict[str, Any]:
        """Ansible's precedence: the inventory's group vars, then group_vars/ files (each
        `all` first, then `groups` shallow to deep), the inventory's host vars, host_vars/."""
        sources = [
            source.get(group, {})
            for source in (self.group_vars, self.var_files.group_vars)
            for group in ["all", *groups]
        ]
        sources += [*self.host_vars.get(host, []), self.var_files.host_vars.get(host, {})]
        return {key: source[key] for source in sources for key in KNOWN_VARIABLES if key in source}

    def add_group(self, name: str, line: int) -> None:
        if name not in self.group_lines and len(self.group_lines) >= MAX_GROUPS:
            raise too_many("groups", MAX_GROUPS)
        self.group_lines.setdefault(name, line)

    def add_hosts(self, pattern: str, group: str, line: int, variables: dict[str, Any]) -> None:
        """The hosts of a name or range, all sharing `variables`."""
        names = expand(pattern)
        self.entries += len(names)
        if self.entries > MAX_HOST_ENTRIES:
            raise too_many(
                "host entries (a host under several groups counts for each)", MAX_HOST_ENTRIES
            )
        for name in names:
            self.add_host(name, group, line, variables)

    def add_host(self, name: str, group: str, line: int, variables: dict[str, Any]) -> None:
        if BAD_HOST_CHARACTERS.search(name):
            raise ValueError(
                f"{name!r} is not a host name (a CSV file needs a header with a name column)"
                if "," in name
                else f"{name!r} is not a host name"
            )
        if name not in self.host_lines and len(self.host_lines) >= MAX_HOSTS:
            raise too_many("hosts", MAX_HOSTS)
        self.host_lines.setdefault(name, line)
        if variables:
            self.host_vars.setdefault(name, []).append(variables)
        groups = self.memberships.setdefault(name, {})
        if group not in IMPLICIT:
            groups[group] = None

    def add_child(self, parent: str, child: str, line: int) -> None:
        self.add_group(child, line)
        self.children.setdefault(parent, {})[child] = None


def _ini_value(raw: str) -> Any:
    # Ansible evaluates INI values as Python literals when it can ("22" -> 22, "'x'" -> x).
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return raw


def parse_ini(text: str, var_files: VarFiles | None = None) -> ParsedInventory:
    inventory = Inventory(ANSIBLE_INI, var_files=var_files or VarFiles())
    group, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            group, _, kind = line[1:-1].strip().partition(":")
            kind = kind or "hosts"
            if (
                not line.endswith("]")
                or not group
                or kind not in {"hosts", "vars", "children"}
                or " " in group
            ):
                inventory.errors.append(Problem(number, f"unparsable section header {line!r}"))
                group, kind = "ungrouped", "ignore"
                continue
        try:
            stop_if_full(inventory.errors)
            if line.startswith("["):
                inventory.add_group(group, number)
            else:
                _ini_line(inventory, group, kind, line, number)
        except ImportTooLarge as exc:
            inventory.errors.append(Problem(number, str(exc)))
            return ParsedInventory(inventory.format, errors=inventory.errors)
        except ValueError as exc:
            inventory.errors.append(Problem(number, str(exc)))
    return _to_parsed(inventory)


def _ini_line(inventory: Inventory, group: str, kind: str, line: str, number: int) -> None:
    if kind == "ignore":
        return
    if kind == "vars":
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected key=value in [{group}:vars], got {line!r}")
        inventory.group_vars.setdefault(group, {})[key.strip()] = _ini_value(value.strip())
    elif kind == "children":
        inventory.add_child(group, line.split()[0], number)
    else:
        try:
            # shlex costs ~25 us a line; without quotes, escapes or comments it is split().
            plain = not SHELL_SPECIAL.search(line)
            tokens = line.split() if plain else shlex.split(line, comments=True)
        except ValueError as exc:
            raise ValueError(f"unparsable host line ({exc}): {line!r}") from None
        if not tokens:
            return
        pattern, variables = tokens[0], {}
        for token in tokens[1:]:
            key, sep, value = token.partition("=")
            if not sep or not key:
                raise ValueError(f"expected key=value after the host name, got {token!r}")
            variables[key] = _ini_value(value)
        inventory.add_hosts(_split_port(pattern, variables), group, number, variables)


def _split_port(pattern: str, variables: dict[str, Any]) -> str:
    # `host:2222` is a port; an IPv6 address (several colons) is not.
    if pattern.count(":") == 1 and not RANGE.search(pattern):
        host, port = pattern.split(":")
        if not port.isdigit():
            raise ValueError(f"bad port in {pattern!r}")
        variables.setdefault("ansible_port", int(port))
        return host
    return pattern


def parse_yaml(text: str, var_files: VarFiles | None = None) -> ParsedInventory:
    inventory = Inventory(ANSIBLE_YAML, var_files=var_files or VarFiles())
    try:
        root = import_yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if not isinstance(exc, import_yaml.Refused):
            problem = f"unparsable YAML inventory: {problem}"
        inventory.errors.append(Problem(line, problem))
        return _to_parsed(inventory)
    except RecursionError:
        inventory.errors.append(Problem(None, "the YAML inventory nests too deeply"))
        return _to_parsed(inventory)
    try:
        _yaml_root(inventory, root)
    except ImportTooLarge as exc:
        inventory.errors.append(Problem(None, str(exc)))
        return ParsedInventory(inventory.format, errors=inventory.errors)
    return _to_parsed(inventory)


def _yaml_root(inventory: Inventory, root: yaml.Node | None) -> None:
    if root is None:
        inventory.errors.append(Problem(1, "the inventory is empty"))
    elif not isinstance(root, yaml.MappingNode):
        inventory.errors.append(Problem(_line(root), "expected groups at the top (like all:)"))
    elif any(_scalar(key) == "plugin" for key, _ in root.value):
        inventory.errors.append(
            Problem(
                1,
                "this is a dynamic inventory (plugin:); export it first with "
                "`ansible-inventory -i FILE --list --yaml > hosts.yml` and import that",
            )
        )
    else:
        for key, value in root.value:
            _yaml_group(inventory, _scalar(key), value, _line(key))


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _scalar(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _construct(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _mapping(inventory: Inventory, node: yaml.Node, what: str) -> list[tuple[yaml.Node, Any]]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return []
    if not isinstance(node, yaml.MappingNode):
        inventory.errors.append(Problem(_line(node), f"{what} must be a mapping"))
        return []
    return list(node.value)


def _yaml_group(inventory: Inventory, name: str, node: yaml.Node, line: int) -> None:
    if not name:
        inventory.errors.append(Problem(line, "a group name must be text"))
        return
    stop_if_full(inventory.errors)
    inventory.add_group(name, line)
    for key, value in _mapping(inventory, node, f"group {name!r}"):
        section = _scalar(key)
        if section == "hosts":
            for host_key, host_value in _mapping(inventory, value, f"hosts of {name!r}"):
                _yaml_host(inventory, name, host_key, host_value)
        elif section == "vars":
            variables = _construct(value) or {}
            if not isinstance(variables, dict):
                inventory.errors.append(
                    Problem(_line(value), f"vars of {name!r} must be a mapping")
                )
                continue
            inventory.group_vars.setdefault(name, {}).update(variables)
        elif section == "children":
            for child_key, child_value in _mapping(inventory, value, f"children of {name!r}"):
                child = _scalar(child_key)
                inventory.add_child(name, child, _line(child_key))
                _yaml_group(inventory, child, child_value, _line(child_key))
        else:
            inventory.errors.append(
                Problem(
                    _line(key),
                    f"unknown key {section!r} in group {name!r} (expected hosts, vars, children)",
                )
            )


def _yaml_host(inventory: Inventory, group: str, key: yaml.Node, value: yaml.Node) -> None:
    stop_if_full(inventory.errors)
    variables = _construct(value) or {}
    if not isinstance(variables, dict):
        inventory.errors.append(Problem(_line(key), "host variables must be a mapping"))
        return
    try:
        inventory.add_hosts(_split_port(_scalar(key), variables), group, _line(key), variables)
    except ImportTooLarge as exc:
        raise ImportTooLarge(f"line {_line(key)}: {exc}") from None
    except ValueError as exc:
        inventory.errors.append(Problem(_line(key), str(exc)))


def _to_parsed(inventory: Inventory) -> ParsedInventory:
    parsed = ParsedInventory(inventory.format, errors=inventory.errors)
    parents: dict[str, list[str]] = {}
    for parent, kids in inventory.children.items():
        for kid in kids:
            parents.setdefault(kid, []).append(parent)
    try:
        _to_specs(inventory, parents, parsed)
    except ImportTooLarge as exc:
        parsed.errors.append(Problem(None, str(exc)))
        parsed.hosts, parsed.groups = [], []
    if not parsed.hosts and not parsed.errors:
        parsed.errors.append(Problem(None, "no hosts found in the inventory"))
    return parsed


class _Ancestry:
    """Each group's ancestors, computed once, bounded by MAX_GROUP_ANCESTORS."""

    def __init__(self, inventory: Inventory, parents: dict[str, list[str]]) -> None:
        self.inventory = inventory
        self.parents = parents
        self.known: dict[str, frozenset[str]] = {}

    def of(self, group: str) -> frozenset[str]:
        if group not in self.known:
            found = ancestors(group, self.parents, limit=MAX_GROUP_ANCESTORS + 1)
            if found is None:
                line = self.inventory.group_lines.get(group)
                where = f"line {line}: " if line else ""
                raise ImportTooLarge(
                    f"{where}group {group!r} has more than {MAX_GROUP_ANCESTORS} ancestor "
                    "groups (children nested too deep)"
                )
            self.known[group] = frozenset(found)
        return self.known[group]


def _to_specs(inventory: Inventory, parents: dict[str, list[str]], parsed: ParsedInventory) -> None:
    ancestry = _Ancestry(inventory, parents)
    _check_cycles(inventory, parents, ancestry)
    for name, line in inventory.group_lines.items():
        if name not in IMPLICIT:
            real = [p for p in parents.get(name, []) if p not in IMPLICIT]
            parsed.groups.append(GroupSpec(name, line, real))
    depth = {name: len(ancestry.of(name)) for name in inventory.group_lines}
    memberships = 0
    for name, line in inventory.host_lines.items():
        direct = list(inventory.memberships.get(name, {}))
        every = {g for group in direct for g in ancestry.of(group)}
        memberships += len(every)
        if memberships > MAX_MEMBERSHIPS:
            raise too_many("host-group memberships (ancestor groups included)", MAX_MEMBERSHIPS)
        ordered = sorted(every - {"all"}, key=lambda g: (depth.get(g, 0), g))
        variables = inventory.variables(name, ordered)
        stop_if_full(parsed.errors)
        spec = HostSpec(name=name, line=line, groups=[g for g in direct if g not in IMPLICIT])
        try:
            apply_vars(spec, variables)
        except ValueError as exc:
            parsed.errors.append(Problem(line, f"{name}: {exc}"))
        parsed.hosts.append(spec)


def _check_cycles(inventory: Inventory, parents: dict[str, list[str]], ancestry: _Ancestry) -> None:
    for name, direct in parents.items():
        if any(name in ancestry.of(parent) for parent in direct):
            inventory.errors.append(
                Problem(inventory.group_lines.get(name), f"group {name!r} is its own ancestor")
            )
