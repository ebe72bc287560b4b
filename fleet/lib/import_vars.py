"""Read Ansible `group_vars/` and `host_vars/` beside an inventory, as Ansible does.

`group_vars/web.yml`, `group_vars/web` (no extension), `group_vars/web.json` or a directory
`group_vars/web/` of such files (read in name order). Vault-encrypted files are skipped: they
hold passwords, which we never take from inventories. Only the command can use this; an
uploaded file has no neighbours.
"""

from pathlib import Path
from typing import Any

import yaml

from fleet.lib import import_yaml
from fleet.lib.import_limits import MAX_IMPORT_BYTES
from fleet.lib.import_spec import Problem, VarFiles

EXTENSIONS = {"", ".yml", ".yaml", ".json"}
VAULT_HEADER = "$ANSIBLE_VAULT"


def load_var_files(base: Path) -> tuple[VarFiles, list[Problem]]:
    var_files = VarFiles()
    problems: list[Problem] = []
    for kind, target in (("group_vars", var_files.group_vars), ("host_vars", var_files.host_vars)):
        folder = base / kind
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            name, files = _files_of(entry)
            for path in files:
                variables = _read(path, base, problems)
                if variables:
                    target.setdefault(name, {}).update(variables)
    return var_files, problems


def _files_of(entry: Path) -> tuple[str, list[Path]]:
    if entry.is_dir():
        files = [p for p in sorted(entry.iterdir()) if p.is_file() and _wanted(p)]
        return entry.name, files
    return entry.stem if entry.suffix in EXTENSIONS else entry.name, [entry] if _wanted(
        entry
    ) else []


def _wanted(path: Path) -> bool:
    return path.suffix in EXTENSIONS and not path.name.startswith(".") and path.is_file()


def _read(path: Path, base: Path, problems: list[Problem]) -> dict[str, Any]:
    where = path.relative_to(base)
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            problems.append(Problem(None, f"{where}: larger than {MAX_IMPORT_BYTES:,} bytes"))
            return {}
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(None, f"{where}: cannot be read ({exc})"))
        return {}
    if text.lstrip().startswith(VAULT_HEADER):
        return {}
    try:
        data = import_yaml.load(text)
    except RecursionError:
        problems.append(Problem(None, f"{where}: the YAML nests too deeply"))
        return {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problems.append(
            Problem(None, f"{where}{line}: unparsable YAML ({getattr(exc, 'problem', exc)})")
        )
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(None, f"{where}: expected variables (a mapping)"))
        return {}
    return data
