"""How much one inventory import may hold (docs/inventory.md, "Limits").

A file of a few hundred bytes can describe billions of hosts (`h[0:99999999999999]`) or
gigabytes of YAML (aliases of aliases), and a host range times a few thousand variables is a
copy of those variables per host. The parsers check these bounds before they build anything,
so a hostile or mistaken file is refused quickly, with its line, like any other import error
(and, the import being all-or-nothing, changes nothing).
"""

from fleet.lib.import_spec import ParsedInventory, Problem

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # the file, uploaded or read by the command
MAX_HOSTS = 100_000  # distinct hosts in one file (CSV rows; Ansible hosts once ranges are expanded)
# Ansible lists a host under every group it is in: listings after range expansion, repeats
# included, so that a million lines naming the same range cannot cost a million expansions.
MAX_HOST_ENTRIES = 10 * MAX_HOSTS
MAX_GROUPS = 10_000  # distinct groups in one file
MAX_TAGS = 10_000  # distinct tags in one file
MAX_GROUP_ANCESTORS = 100  # groups above one group (Ansible `children` nesting)
MAX_MEMBERSHIPS = 20 * MAX_HOSTS  # host-group pairs, ancestor groups included, and host-tag pairs
MAX_PROBLEMS = 1000  # problems reported: past them the parse stops (a junk file has millions)
MAX_CSV_FIELD_CHARS = 64 * 1024  # one CSV cell (`notes` is the only long one)
# YAML aliases may add this many times the file's length (at least YAML_ALIAS_FLOOR): an
# alias counts the nodes and scalar characters of what it stands for (fleet/lib/import_yaml.py).
YAML_ALIAS_FACTOR = 10
YAML_ALIAS_FLOOR = 1_000_000
# Nodes of one YAML document (each scalar, list and mapping; aliases count once), 10 per
# host of MAX_HOSTS (a host with four variables takes 10): the node tree, not the file's
# size, is what a parse costs, about 350 MiB at this bound; twice as many nodes did not fit
# the test's 512 MiB (bench/yaml_inventory.py, docs/inventory.md "Limits").
MAX_YAML_NODES = 10 * MAX_HOSTS


class ImportTooLarge(ValueError):
    """A bound of this module was passed: the parse stops here, the file is refused."""


def too_many(what: str, limit: int, count: int | None = None) -> ImportTooLarge:
    found = f" ({count:,})" if count is not None else ""
    return ImportTooLarge(f"more than {limit:,} {what} in one import{found}; split the file")


def stop_if_full(errors: list[Problem]) -> None:
    """Raise ImportTooLarge once MAX_PROBLEMS problems are known: enough to act on."""
    if len(errors) >= MAX_PROBLEMS:
        raise ImportTooLarge(f"stopped after {MAX_PROBLEMS:,} problems; fix these first")


def check_limits(parsed: ParsedInventory) -> None:
    """The bounds every format shares, on what a parser produced; problems appended."""
    names = {spec.name for spec in parsed.hosts}
    groups = {g.name for g in parsed.groups} | {g for s in parsed.hosts for g in s.groups or []}
    tags = {tag for spec in parsed.hosts for tag in spec.tags or []}
    links = sum(len(s.groups or []) + len(s.tags or []) for s in parsed.hosts)
    for count, what, limit in [
        (len(names), "hosts", MAX_HOSTS),
        (len(groups), "groups", MAX_GROUPS),
        (len(tags), "tags", MAX_TAGS),
        (links, "group and tag memberships", MAX_MEMBERSHIPS),
    ]:
        if count > limit:
            parsed.errors.append(Problem(None, str(too_many(what, limit, count))))
