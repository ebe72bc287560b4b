"""B7 memory: `/proc/swaps`, `/proc/meminfo` and the sysctl configuration files.

/proc/swaps has a header (`Filename Type Size Used Priority`, TAB-separated on most
kernels) and a line per active swap area, paths octal-escaped like /proc/mounts. meminfo is
`Key: value [kB]`; RHEL 5 has no MemAvailable, kernels without hugetlbfs no HugePages_*
lines. The sysctl probe prints each file after a `==> path <==` header; settings are
`key = value` (spaces optional, `;` and `#` start comments, a leading `-` tells sysctl to
ignore a failure, `/` may separate the key's parts).
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.bounded import split_cut
from assessments.parsers.linux.mounts import unescape
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.text import decode


@dataclass(frozen=True)
class SwapArea:
    path: str
    kind: str  # "partition" | "file"
    size_kib: int
    used_kib: int
    line: str


def parse_swaps(out: ProbeOutput) -> list[SwapArea]:
    """The active swap areas (none: an empty list, the header alone)."""
    lines = [line.rstrip() for line in decode(out.stdout).split("\n") if line.strip()]
    if not lines or not lines[0].startswith("Filename"):
        raise ProbeUnavailable("/proc/swaps has no 'Filename Type Size Used Priority' header")
    areas: list[SwapArea] = []
    for line in lines[1:]:
        fields = line.split()
        if len(fields) < 4 or not (fields[2].isdigit() and fields[3].isdigit()):
            raise ProbeUnavailable(f"/proc/swaps line not understood: {line[:80]}")
        areas.append(SwapArea(unescape(fields[0]), fields[1], int(fields[2]), int(fields[3]), line))
    return areas


_MEMINFO = re.compile(r"^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$")


@dataclass(frozen=True)
class MemInfo:
    values: dict[str, int]  # kB for sizes, counts for HugePages_*
    lines: dict[str, str]

    def get(self, key: str) -> int | None:
        return self.values.get(key)


def parse_meminfo(out: ProbeOutput) -> MemInfo:
    values: dict[str, int] = {}
    lines: dict[str, str] = {}
    for line in decode(out.stdout).split("\n"):
        match = _MEMINFO.match(line.strip())
        if match:
            values[match.group(1)] = int(match.group(2))
            lines[match.group(1)] = line.strip()
    if not values:
        raise ProbeUnavailable("/proc/meminfo printed no 'Key: value' line")
    return MemInfo(values, lines)


@dataclass(frozen=True)
class Setting:
    file: str
    key: str  # normalised: dots, no leading "-"
    value: str
    line: str


@dataclass
class SysctlConf:
    settings: list[Setting] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    cut: str = ""

    def last(self, key: str) -> Setting | None:
        """The setting that wins (the last file read, the last line)."""
        found = [s for s in self.settings if s.key == key]
        return found[-1] if found else None


def parse_sysctl_conf(out: ProbeOutput) -> SysctlConf:
    lines, cut = split_cut(decode(out.stdout).split("\n"))
    conf = SysctlConf(cut=cut)
    for name, body in split_sections("\n".join(lines)):
        if not name:
            if any(line.strip() for line in body):
                raise ProbeUnavailable(
                    "the sysctl files were not printed under ==> path <== headers"
                )
            continue
        conf.files.append(name)
        for line in body:
            text = line.strip()
            if not text or text[0] in "#;" or "=" not in text:
                continue
            key, value = (part.strip() for part in text.split("=", 1))
            key = key.lstrip("-").strip().replace("/", ".")
            if key:
                conf.settings.append(Setting(name, key, value, text))
    return conf
