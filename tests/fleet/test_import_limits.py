"""Inventory imports are bounded: alias bombs, host ranges, hosts, groups, rows, cells, size.

The hostile inputs run under a cap on this process's address space (`bounded_memory`), so
that a regression fails with MemoryError instead of taking the machine's memory.
"""

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fleet.lib import import_csv
from fleet.lib.import_ansible_vars import KNOWN_VARIABLES, apply_vars
from fleet.lib.import_limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_GROUP_ANCESTORS,
    MAX_HOSTS,
    MAX_IMPORT_BYTES,
)
from fleet.lib.import_spec import HostSpec
from fleet.lib.import_vars import load_var_files
from fleet.lib.imports import import_hosts, parse
from fleet.models import Host

pytestmark = pytest.mark.django_db

# The classic "billion laughs", 9 levels of 9, as a host variable: 9**9 strings once expanded.
ALIAS_BOMB = (
    b"all:\n"
    b"  hosts:\n"
    b"    h1:\n"
    b'      a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + b"".join(
        f"      {name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n".encode()
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"      ansible_host: *i\n"
)


@contextmanager
def bounded_memory(extra_mib: int = 512) -> Iterator[None]:
    """At most `extra_mib` more address space for the block."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    cap = pages * resource.getpagesize() + extra_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard < 0 else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def errors_of(data: bytes, name: str = "hosts") -> list[str]:
    with bounded_memory():
        report = import_hosts(name, data)
    assert not Host.objects.exists()
    return [str(problem) for problem in report.errors]


def test_it_refuses_a_yaml_file_of_more_nodes_than_the_bound_with_its_line(monkeypatch) -> None:
    monkeypatch.setattr("fleet.lib.import_yaml.MAX_YAML_NODES", 1000, raising=False)
    data = b"all:\n  hosts:\n    h1:\n      v: [" + b"1," * 1000 + b"1]\n"
    errors = errors_of(data, "hosts.yml")
    assert errors == [
        "line 4: more than 1,000 YAML nodes (values, keys, lists and mappings) in one file; "
        "split it"
    ]


@pytest.mark.slow
def test_a_yaml_file_at_the_size_cap_is_refused_within_the_memory_bound() -> None:
    import time

    data = b"all:\n  hosts:\n    h1:\n      v: [" + b"1," * (MAX_IMPORT_BYTES // 2 - 20) + b"1]\n"
    started = time.process_time()
    errors = errors_of(data, "hosts.yml")  # 10 million nodes; refused after the first million
    assert "more than 1,000,000 YAML nodes" in errors[0]
    assert time.process_time() - started < 30


def test_both_yaml_parsers_read_an_inventory_alike() -> None:
    from fleet.lib import import_yaml

    text = (
        "all:\n  vars: {ansible_user: root}\n  children:\n    web:\n      hosts:\n"
        "        w1: &v {ansible_host: 10.0.0.1, ansible_port: 2222}\n        w2: *v\n"
        "        'w3': {tags: [a, b], n: 0x1f, on: yes, when: 2026-12-04}\n"
    )
    python = import_yaml.yaml.load(text, Loader=import_yaml.InventoryLoader)
    assert import_yaml.load(text) == python
    assert import_yaml.LOADER.__name__ == (
        "CInventoryLoader" if import_yaml.yaml.__with_libyaml__ else "InventoryLoader"
    )


def test_it_refuses_a_yaml_alias_bomb_quickly_with_its_line() -> None:
    assert len(ALIAS_BOMB) < 700
    errors = errors_of(ALIAS_BOMB, "hosts.yml")
    assert len(errors) == 1
    assert errors[0].startswith("line 9: YAML aliases expand to more than 1,000,000")


def test_it_still_takes_the_aliases_ansible_inventory_writes() -> None:
    data = b"""all:
  children:
    web:
      hosts:
        w1: {ansible_host: 10.0.0.1, ntp: &id001 [ntp1, ntp2]}
        w2: {ansible_host: 10.0.0.2, ntp: *id001}
"""
    assert import_hosts("hosts.yml", data).ok
    assert Host.objects.get(name="w2").address == "10.0.0.2"


def test_it_refuses_a_recursive_alias() -> None:
    data = b"all:\n  hosts:\n    h1:\n      x: &loop [1, *loop]\n"
    assert "refers to a node around it" in errors_of(data, "hosts.yml")[0]


def test_it_refuses_a_list_where_a_single_value_is_needed() -> None:
    data = b"all:\n  hosts:\n    h1:\n      ansible_host: [10.0.0.1, 10.0.0.2]\n"
    assert "ansible_host must be a single value, not a list" in errors_of(data, "h.yml")[0]


def test_it_refuses_yaml_nested_too_deeply() -> None:
    data = b"all:\n  vars:\n    x: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    assert "nests too deeply" in errors_of(data, "hosts.yml")[0]


def test_it_refuses_a_range_of_a_hundred_trillion_hosts() -> None:
    errors = errors_of(b"[web]\nh[0:99999999999999]\n")
    assert errors == [
        "line 2: 'h[0:99999999999999]' expands to more than 100,000 hosts, "
        "more than one import takes"
    ]


def test_it_refuses_two_ranges_whose_product_is_too_many_hosts() -> None:
    assert "expands to more than 100,000" in errors_of(b"[web]\na[0:999]b[0:999]\n")[0]


def test_it_refuses_a_range_hidden_in_another() -> None:
    assert "expands to more than 100,000" in errors_of(b"[web]\nx[[1:9]:99999]\n")[0]


def test_it_still_expands_two_small_ranges() -> None:
    report = import_hosts("hosts", b"[web]\na[1:3]b[1:3]\n")
    assert report.ok and Host.objects.count() == 9
    assert Host.objects.filter(name="a2b3").exists()


def test_a_file_at_the_host_cap_parses() -> None:
    with bounded_memory():
        parsed = parse("hosts", f"[web]\nh[1:{MAX_HOSTS}]\n".encode())
    assert not parsed.errors and len(parsed.hosts) == MAX_HOSTS


def test_a_file_over_the_host_cap_is_refused_with_the_line() -> None:
    data = b"[web]\nh[1:60000]\n[db]\nd[1:60000]\n"
    assert errors_of(data) == ["line 4: more than 100,000 hosts in one import; split the file"]


def test_many_variables_on_a_big_range_are_not_copied_per_host() -> None:
    variables = " ".join(f"v{i}=x" for i in range(2000))
    with bounded_memory(300):
        parsed = parse("hosts", f"[web]\nh[1:{MAX_HOSTS}] {variables}\n".encode())
    assert not parsed.errors and len(parsed.hosts) == MAX_HOSTS


def test_it_refuses_groups_nested_too_deep() -> None:
    chain = "\n".join(f"[g{i}:children]\ng{i + 1}" for i in range(MAX_GROUP_ANCESTORS + 5))
    data = f"[g{MAX_GROUP_ANCESTORS + 5}]\nh1\n{chain}\n".encode()
    assert f"more than {MAX_GROUP_ANCESTORS} ancestor groups" in errors_of(data)[0]


def test_it_refuses_a_csv_file_over_the_row_cap(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(import_csv, "MAX_HOSTS", 5)
    rows = "".join(f"h{i}\n" for i in range(6))
    assert errors_of(f"name\n{rows}".encode(), "h.csv") == [
        "line 7: more than 5 rows in one import; split the file"
    ]


def test_a_csv_file_at_the_row_cap_imports(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(import_csv, "MAX_HOSTS", 5)
    rows = "".join(f"h{i}\n" for i in range(5))
    assert import_hosts("h.csv", f"name\n{rows}".encode()).ok
    assert Host.objects.count() == 5


def test_it_refuses_a_csv_cell_over_the_field_limit() -> None:
    data = b'name,notes\nh1,"' + b"x" * (MAX_CSV_FIELD_CHARS + 1) + b'"\n'
    assert (
        "line 2: the row cannot be read: field larger than field limit"
        in errors_of(data, "h.csv")[0]
    )


def test_it_refuses_a_file_over_the_size_cap() -> None:
    errors = errors_of(b"name\n" + b"h\n" * (MAX_IMPORT_BYTES // 2), "h.csv")
    assert errors == ["the file is 20.0 MiB; an import takes at most 20 MiB: split it"]


def test_the_command_refuses_a_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_bytes(b"name\n" + b"h\n" * (MAX_IMPORT_BYTES // 2))
    with pytest.raises(CommandError, match="an import takes at most 20 MiB"):
        call_command("import_hosts", str(path))


def test_it_refuses_an_alias_bomb_in_group_vars(tmp_path: Path) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "all.yml").write_bytes(ALIAS_BOMB.replace(b"all:\n", b"x:\n"))
    with bounded_memory():
        _, problems = load_var_files(tmp_path)
    assert "group_vars/all.yml line 9: unparsable YAML (YAML aliases expand" in str(problems[0])


class Recording(dict[str, Any]):
    """A dict that remembers which keys were looked up."""

    seen: set[str]

    def __init__(self) -> None:
        super().__init__()
        self.seen = set()

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)


def test_the_variables_merged_are_all_those_apply_vars_reads() -> None:
    variables = Recording()
    apply_vars(HostSpec(name="h1", line=1), variables)
    assert variables.seen == KNOWN_VARIABLES


def test_it_stops_after_a_thousand_problems() -> None:
    errors = errors_of(b"[web]\n" + b"x=\n" * 5000)
    assert len(errors) == 1001
    assert errors[-1] == "line 1002: stopped after 1,000 problems; fix these first"
