"""Which programs a process runs, for checks that look for daemons in `ps`.

`Process.command` is the first word's basename; daemons started through an interpreter
(`/bin/bash /usr/sbin/xe-daemon`, `/usr/bin/python2 -s /usr/bin/...`) show the interpreter
there, so the script is taken too.
"""

import re

from assessments.parsers.linux.processes import Process

_INTERPRETERS = re.compile(r"^(?:ba|da|k)?sh$|^perl|^python|^ruby|^php")


def programs(process: Process) -> tuple[str, ...]:
    """The process's program name, and the script's when an interpreter runs one."""
    words = process.args.split()
    names = [process.command]
    if words and _INTERPRETERS.match(process.command):
        script = next((w for w in words[1:] if not w.startswith("-")), "")
        if script:
            names.append(script.rsplit("/", 1)[-1])
    return tuple(name for name in names if name)


def running(processes: list[Process], names: dict[str, str]) -> list[tuple[Process, str]]:
    """Processes one of whose programs fully matches a key of `names` (a regex)."""
    found: list[tuple[Process, str]] = []
    for process in processes:
        for pattern, what in names.items():
            if any(re.fullmatch(pattern, name) for name in programs(process)):
                found.append((process, what))
                break
    return found
