"""`ps -eo user,pid,args`: running programs, for licence managers and database engines."""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode


@dataclass(frozen=True)
class Process:
    user: str
    pid: int
    args: str

    @property
    def command(self) -> str:
        """The program name: basename of the first word, without `-` or brackets."""
        first = self.args.split()[0] if self.args.split() else ""
        return first.rsplit("/", 1)[-1].strip("[]:-")


def parse_ps(out: ProbeOutput) -> list[Process]:
    text = decode(out.stdout)
    processes: list[Process] = []
    for line in text.split("\n"):
        fields = line.split(None, 2)
        if len(fields) < 3 or not fields[1].isdigit():
            continue
        processes.append(Process(fields[0], int(fields[1]), fields[2].rstrip()))
    if not processes:
        raise ProbeUnavailable("ps listed no processes")
    return processes


def matching(processes: list[Process], names: dict[str, str]) -> list[tuple[Process, str]]:
    """Processes whose program name is a key of `names` (or matches it as a regex)."""
    found: list[tuple[Process, str]] = []
    for process in processes:
        for pattern, what in names.items():
            if re.fullmatch(pattern, process.command):
                found.append((process, what))
                break
    return found
