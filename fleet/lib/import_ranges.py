"""Ansible host ranges: `web[01:03]`, `db-[a:c]`, `[1:9:2]`, several in one name.

A range is counted before it is expanded (the product of the lengths of a name's ranges),
so that `h[0:99999999999999]` is refused at once instead of building a list of that size.
"""

import re

from fleet.lib.import_limits import MAX_HOSTS

RANGE = re.compile(r"\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\]")


def _range_items(first: str, last: str, step_text: str | None, pattern: str) -> range:
    step = int(step_text or 1)
    if step < 1:
        raise ValueError(f"the range [{first}:{last}:{step}] in {pattern!r} has no positive step")
    if first.isdigit() and last.isdigit():
        items = range(int(first), int(last) + 1, step)
    elif len(first) == 1 and len(last) == 1 and first.isalpha() and last.isalpha():
        items = range(ord(first), ord(last) + 1, step)
    else:
        raise ValueError(f"cannot expand the range [{first}:{last}] in {pattern!r}")
    if not items:
        raise ValueError(f"the range [{first}:{last}] in {pattern!r} is empty")
    return items


def range_count(pattern: str) -> int:
    """How many names `pattern` expands to, from its ranges' lengths alone: the product.

    Refused past MAX_HOSTS, one range or several together."""
    count = 1
    for match in RANGE.finditer(pattern):
        first, last, step_text = match.groups()
        count *= len(_range_items(first, last, step_text, pattern))
        if count > MAX_HOSTS:
            raise _too_many(pattern)
    return count


def expand(pattern: str) -> list[str]:
    """`web[01:03].x` -> web01.x, web02.x, web03.x; `db-[a:c]`; `[1:9:2]` steps.

    Counted first (`range_count`), and again while expanding: a range can hide inside
    another (`[[1:9]:99999]` becomes `[1:99999]`, ...), which the count cannot see.
    """
    if "[" not in pattern:
        return [pattern]
    range_count(pattern)
    done: list[str] = []
    todo = [pattern]
    while todo:
        name = todo.pop()
        match = RANGE.search(name)
        if not match:
            done.append(name)
            continue
        first, last, step_text = match.groups()
        numbers = _range_items(first, last, step_text, pattern)
        if len(done) + len(todo) + len(numbers) > MAX_HOSTS:
            raise _too_many(pattern)
        width = len(first) if first.isdigit() and first.startswith("0") else 0
        items = [str(i).zfill(width) if first.isdigit() else chr(i) for i in numbers]
        head, tail = name[: match.start()], name[match.end() :]
        todo.extend(head + item + tail for item in reversed(items))
    return done


def _too_many(pattern: str) -> ValueError:
    return ValueError(
        f"{pattern!r} expands to more than {MAX_HOSTS:,} hosts, more than one import takes"
    )
