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

from fleet.lib.import_ansible_vars import apply_vars
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
BAD_HOST_CHARACTERS = re.compile(r"[\s,;/\\\"'=]")
RANGE = re.compile(r"\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\]")


@dataclass
class Inventory:
    """Groups, memberships and variables as read, before they become specs."""

    format: str
    errors: list[Problem] = field(default_factory=list)
    group_lines: dict[str, int] = field(default_factory=dict)
    group_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    host_lines: dict[str, int] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    memberships: dict[str, list[str]] = field(default_factory=dict)
    var_files: VarFiles = field(default_factory=VarFiles)

    def variables(self, host: str, groups: list[str]) -> dict[str, Any]:
        """Ansible's precedence: the inventory's group vars, then group_vars/ files (each
        `all` first, then `groups` shallow to deep), the inventory's host vars, host_vars/."""
        merged: dict[str, Any] = {}
        for source in (self.group_vars, self.var_files.group_vars):
            for group in ["all", *groups]:
                merged.update(source.get(group, {}))
        merged.update(self.host_vars.get(host, {}))
        merged.update(self.var_files.host_vars.get(host, {}))
        return merged

    def add_group(self, name: str, line: int) -> None:
        self.group_lines.setdefault(name, line)

    def add_host(self, name: str, group: str, line: int, variables: dict[str, Any]) -> None:
        if BAD_HOST_CHARACTERS.search(name):
            raise ValueError(
                f"{name!r} is not a host name (a CSV file needs a header with a name column)"
                if "," in name
                else f"{name!r} is not a host name"
            )
        self.host_lines.setdefault(name, line)
        self.host_vars.setdefault(name, {}).update(variables)
        groups = self.memberships.setdefault(name, [])
        if group not in IMPLICIT and group not in groups:
            groups.append(group)

    def add_child(self, parent: str, child: str, line: int) -> None:
        self.add_group(child, line)
        kids = self.children.setdefault(parent, [])
        if child not in kids:
            kids.append(child)


def expand(pattern: str) -> list[str]:
    """`web[01:03].x` -> web01.x, web02.x, web03.x; `db-[a:c]`; `[1:9:2]` steps."""
    match = RANGE.search(pattern)
    if not match:
        return [pattern]
    first, last, step_text = match.groups()
    step = int(step_text or 1)
    head, tail = pattern[: match.start()], pattern[match.end() :]
    if first.isdigit() and last.isdigit():
        width = len(first) if first.startswith("0") else 0
        items = [str(i).zfill(width) for i in range(int(first), int(last) + 1, step)]
    elif len(first) == 1 and len(last) == 1 and first.isalpha() and last.isalpha():
        items = [chr(c) for c in range(ord(first), ord(last) + 1, step)]
    else:
        raise ValueError(f"cannot expand the range [{first}:{last}] in {pattern!r}")
    if not items:
        raise ValueError(f"the range [{first}:{last}] in {pattern!r} is empty")
    return [name for item in items for name in expand(head + item + tail)]


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
            else:
                inventory.add_group(group, number)
            continue
        try:
            _ini_line(inventory, group, kind, line, number)
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
            tokens = shlex.split(line, comments=True)
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
        pattern = _split_port(pattern, variables)
        for name in expand(pattern):
            inventory.add_host(name, group, number, variables)


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
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        inventory.errors.append(Problem(line, f"unparsable YAML inventory: {problem}"))
        return _to_parsed(inventory)
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
    return _to_parsed(inventory)


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
    variables = _construct(value) or {}
    if not isinstance(variables, dict):
        inventory.errors.append(Problem(_line(key), "host variables must be a mapping"))
        return
    try:
        pattern = _split_port(_scalar(key), variables)
        for name in expand(pattern):
            inventory.add_host(name, group, _line(key), variables)
    except ValueError as exc:
        inventory.errors.append(Problem(_line(key), str(exc)))


def _to_parsed(inventory: Inventory) -> ParsedInventory:
    parsed = ParsedInventory(inventory.format, errors=inventory.errors)
    parents: dict[str, list[str]] = {}
    for parent, kids in inventory.children.items():
        for kid in kids:
            parents.setdefault(kid, []).append(parent)
    _check_cycles(inventory, parents)
    for name, line in inventory.group_lines.items():
        if name not in IMPLICIT:
            real = [p for p in parents.get(name, []) if p not in IMPLICIT]
            parsed.groups.append(GroupSpec(name, line, real))
    depth = {name: len(ancestors(name, parents)) for name in inventory.group_lines}
    for name, line in inventory.host_lines.items():
        direct = inventory.memberships.get(name, [])
        every = {g for group in direct for g in ancestors(group, parents)}
        ordered = sorted(every - {"all"}, key=lambda g: (depth.get(g, 0), g))
        variables = inventory.variables(name, ordered)
        spec = HostSpec(name=name, line=line, groups=[g for g in direct if g not in IMPLICIT])
        try:
            apply_vars(spec, variables)
        except ValueError as exc:
            parsed.errors.append(Problem(line, f"{name}: {exc}"))
        parsed.hosts.append(spec)
    if not parsed.hosts and not parsed.errors:
        parsed.errors.append(Problem(None, "no hosts found in the inventory"))
    return parsed


def _check_cycles(inventory: Inventory, parents: dict[str, list[str]]) -> None:
    for name, direct in parents.items():
        if any(name in ancestors(parent, parents) for parent in direct):
            inventory.errors.append(
                Problem(inventory.group_lines.get(name), f"group {name!r} is its own ancestor")
            )
