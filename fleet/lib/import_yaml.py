"""YAML of inventories and variable files: PyYAML's safe loader, with aliases bounded.

Aliases are counted, not refused. `ansible-inventory --list --yaml`, which we tell users of
dynamic inventories to run, writes `&id001` and `*id001` whenever two hosts share a value, so
refusing every alias would refuse its output. PyYAML makes an alias a second reference to
one object, so loading stays cheap; what explodes is whatever later walks the result
(`str()`, a copy, a JSON dump): nine levels of nine aliases are 9**9 leaves from 600 bytes.
So the composer adds up, for each alias, the size of the tree it stands for (one per node
plus the characters of each scalar, memoised per node so the count costs one visit of each
distinct node) and stops once aliases add more than YAML_ALIAS_FACTOR times the file's
length. An alias to a node still being composed (a recursive structure) is refused outright.

The node tree costs memory in proportion to its nodes (about 350 bytes each once parsed,
bench/yaml_inventory.py), and a 20 MiB file can hold ten million of them: past
MAX_YAML_NODES the file is refused. libyaml's scanner and parser are used when PyYAML has
them (three to five times less CPU than the pure-Python ones), under the same composer.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from fleet.lib.import_limits import MAX_YAML_NODES, YAML_ALIAS_FACTOR, YAML_ALIAS_FLOOR


class Refused(yaml.YAMLError):
    """A document past one of our bounds (its message is for users, as it is)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


class AliasBomb(Refused):
    """Aliases expand past the budget, or refer to a node that contains them."""


class TooManyNodes(Refused):
    """More nodes than MAX_YAML_NODES: the node tree alone would take too much memory."""


class AliasBudget(Composer):
    """The composer's side of the bound: counts what each alias stands for."""

    def start_budget(self, length: int) -> None:
        self.alias_budget = max(YAML_ALIAS_FLOOR, YAML_ALIAS_FACTOR * length)
        self.alias_total = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()  # anchors of collections still being composed
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise TooManyNodes(
                f"more than {MAX_YAML_NODES:,} YAML nodes (values, keys, lists and mappings) "
                "in one file; split it",
                event.start_mark,
            )
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise AliasBomb(
                    f"alias *{event.anchor} refers to a node around it", event.start_mark
                )
            node = super().compose_node(parent, index)
            if node is not None:
                self._count(node, event)
            return node
        collection = isinstance(event, yaml.CollectionStartEvent) and event.anchor is not None
        if collection:
            self._open.add(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._open.discard(event.anchor)

    def _count(self, node: yaml.Node, event: yaml.AliasEvent) -> None:
        self.alias_total += self._size(node)
        if self.alias_total > self.alias_budget:
            raise AliasBomb(
                f"YAML aliases expand to more than {self.alias_budget:,} nodes and characters "
                f"(at *{event.anchor}; an alias bomb?); write the values out",
                event.start_mark,
            )

    def _size(self, node: yaml.Node) -> int:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.ScalarNode):
            size = 1 + len(node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(child) for child in node.value)
        else:
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        self._sizes[id(node)] = size
        return size


class InventoryLoader(AliasBudget, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader whose aliases may add at most a bounded amount."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.start_budget(len(stream))


# The loader class the imports use: libyaml's below when PyYAML has it (yaml's own typing
# knows only its own loader classes, hence Any).
LOADER: Any = InventoryLoader

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class CInventoryLoader(AliasBudget, CParser, SafeConstructor, Resolver):
        """The same on libyaml's scanner and parser (`CParser`, as `yaml.CSafeLoader`), with
        PyYAML's composer on top of its events, so that aliases are still counted (the C
        composer of `CSafeLoader` offers no hook for that)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.start_budget(len(stream))

    LOADER = CInventoryLoader


@contextmanager
def _depth_as_recursion() -> Iterator[None]:
    """libyaml stops at its own nesting limit with a parse error; the pure-Python parser
    runs out of stack (RecursionError): callers see the latter either way."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):
            raise RecursionError(exc.problem) from exc
        raise


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (yaml.YAMLError, RecursionError as PyYAML's)."""
    with _depth_as_recursion():
        return yaml.compose(text, Loader=LOADER)


def load(text: str) -> Any:
    """The data of one YAML document, with the same bounds."""
    with _depth_as_recursion():
        return yaml.load(text, Loader=LOADER)  # noqa: S506 (a SafeLoader)
