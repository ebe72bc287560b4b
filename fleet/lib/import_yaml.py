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
"""

from typing import Any

import yaml

from fleet.lib.import_limits import YAML_ALIAS_FACTOR, YAML_ALIAS_FLOOR


class AliasBomb(yaml.YAMLError):
    """Aliases expand past the budget, or refer to a node that contains them."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


class InventoryLoader(yaml.SafeLoader):
    """SafeLoader whose aliases may add at most a bounded amount to the document."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_budget = max(YAML_ALIAS_FLOOR, YAML_ALIAS_FACTOR * len(stream))
        self.alias_total = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()  # anchors of collections still being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
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


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (yaml.YAMLError, RecursionError as PyYAML's)."""
    return yaml.compose(text, Loader=InventoryLoader)


def load(text: str) -> Any:
    """The data of one YAML document, with the same bounds."""
    return yaml.load(text, Loader=InventoryLoader)  # noqa: S506 (a SafeLoader)
