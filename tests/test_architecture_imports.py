"""The rooms hold: no import cycle, a pure judging core, collectors that never touch the ORM.

Walks the module-level imports of every module of the project (AST, nothing is imported).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("assessments", "fleet", "p2c")
CORE = (
    "assessments.facts",
    "assessments.engine",
    "assessments.probes",
    "assessments.parsers",
    "assessments.checks",
)
ORM = (
    "django",
    "fleet",
    "assessments.models",
    "assessments.choices",
    "assessments.scanning",
    "assessments.pages",
)
# The rooms, bottom up: the judging core and capture files (pure), scanning (collectors, jobs,
# the ORM services of scans and results), and the pages (views and what they read).
CAPTURES = ("assessments.captures",)
SCANNING = ("assessments.collectors", "assessments.jobs", "assessments.scanning", "assessments.lab")
PAGES = ("assessments.pages", "assessments.views", "assessments.tables", "assessments.filtersets")
# The REST API sits beside the views, on top: it reads through pages/ and acts through scanning/
# like the views do, never through the views themselves (and nothing below imports it).
API = ("p2c.api", "fleet.api", "assessments.api")
VIEWS = ("assessments.views", "fleet.views")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def top_level_imports(path: Path, name: str, known: frozenset[str] = frozenset()) -> set[str]:
    """Modules imported when `name` is imported (not those inside functions). `from pkg
    import sub` depends on the submodule `pkg.sub`, not on the rest of `pkg`."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = {f"{base}.{alias.name}" for alias in node.names}
            found.update(subs & known or {base})
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    names = frozenset(known)
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        imported = top_level_imports(path, name, names)
        edges[name] = {m for m in imported if m in known and m != name}
    return edges


def inside(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_there_is_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, f"import cycles: {cycles[:5]}"


# (a room, what it must never import at module level)
RULES = {
    "the judging core never imports Django or the database": (CORE, ORM),
    "collectors never import the ORM": (("assessments.collectors",), ORM),
    "capture files are read without Django": (CAPTURES, ORM),
    "scanning never imports the pages": (SCANNING, PAGES),
    "the API never imports the views": (API, VIEWS),
    "scanning and pages never import the API": ((*SCANNING, "assessments.pages"), API),
}


@pytest.mark.parametrize("rule", RULES)
def test_each_room_imports_only_what_it_may(rule: str) -> None:
    room, forbidden = RULES[rule]
    for name, path in modules().items():
        if inside(name, room):
            bad = {m for m in top_level_imports(path, name) if inside(m, forbidden)}
            assert not bad, f"{name} imports {sorted(bad)}"


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("import os\nfrom django.db import models\n")
    found = top_level_imports(module, "assessments.probes.probe")
    assert {m for m in found if inside(m, ORM)} == {"django.db"}


def test_the_walk_sees_the_imports_it_judges():
    edges = graph()
    assert "assessments.probes.outcomes" in edges["assessments.facts"]
    assert "assessments.collectors.errors" in edges["assessments.collectors.deadline"]
    assert inside("django.db", ORM) and not inside("djangox", ORM)
