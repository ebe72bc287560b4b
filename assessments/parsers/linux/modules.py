"""Kernel modules: `/proc/modules` (or `lsmod`), `/proc/sys/kernel/tainted`, and the module
configuration files (`modules_config`, framed under `==> path <==`).

`/proc/modules`: `name size refcount deps state address [(flags)]`; the flags are the taints
the module brought (`P` proprietary, `O` out-of-tree since 3.2, `E` unsigned since 3.15, `F`
force-loaded, `C` staging, `K` live patch, `X` auxiliary (RHEL: technology preview; SUSE:
externally supported), SUSE's `N` unsupported and old SUSE kernels' `U`), and `+`/`-` while
it is loading or unloading. Kernels before 3.2 mark out-of-tree modules only when they are
proprietary. `lsmod` prints the same file as `name size used-by-count [users]` under a
`Module Size Used by` header, without flags.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode

_MODULE = re.compile(r"^([A-Za-z0-9_.-]+)\s+(\d+)\s+(-|\d+)(?:\s+(.*))?$")
_FLAGS = re.compile(r"\(([A-Z+-]+)\)\s*$")
# The used-by field of /proc/modules, `dep1,dep2, Live 0x...` (or `-`), before the state.
_STATE = re.compile(r"^(.*?)\s*\b(Live|Loading|Unloading)\b")


@dataclass(frozen=True)
class Module:
    name: str
    size: int
    flags: str  # taint letters, "" when none (lsmod never shows them)
    line: str
    refcount: int = -1  # -1: "-" (no unload support)
    users: tuple[str, ...] = ()  # the modules using it, as listed
    state: str = ""  # Live, Loading, Unloading; "" in lsmod output (which shows no flags)


def parse_proc_modules(out: ProbeOutput) -> list[Module]:
    """Every loaded module; an empty file (no module loaded) is an empty list."""
    text = decode(out.stdout)
    modules: list[Module] = []
    unread = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or re.match(r"^Module\s+Size\s+Used by", line):
            continue
        found = _MODULE.match(line)
        if not found:
            unread += 1
            continue
        rest = found.group(4) or ""
        flags = _FLAGS.search(rest)
        letters = flags.group(1).replace("+", "").replace("-", "") if flags else ""
        state = _STATE.match(rest)
        used_by = state.group(1) if state else rest
        users = tuple(u for u in re.split(r"[,\s]+", used_by) if u and u != "-" and u[0] != "[")
        refcount = -1 if found.group(3) == "-" else int(found.group(3))
        modules.append(
            Module(
                found.group(1),
                int(found.group(2)),
                letters,
                line,
                refcount,
                users,
                state.group(2) if state else "",
            )
        )
    if unread and not modules:
        raise ProbeUnavailable("no module line in the output")
    return modules


# Bit number -> letter, as the kernel prints them (Documentation/admin-guide/tainted-kernels).
TAINT_LETTERS = {
    0: ("P", "a proprietary module was loaded"),
    1: ("F", "a module was force-loaded"),
    2: ("S", "SMP with a CPU not designed for it"),
    3: ("R", "a module was force-unloaded"),
    4: ("M", "a machine check occurred"),
    5: ("B", "bad page referenced"),
    6: ("U", "tainted on user request"),
    7: ("D", "the kernel died (oops or BUG)"),
    8: ("A", "an ACPI table was overridden"),
    9: ("W", "the kernel issued a warning"),
    10: ("C", "a staging driver was loaded"),
    11: ("I", "a firmware bug workaround is active"),
    12: ("O", "an out-of-tree module was loaded"),
    13: ("E", "an unsigned module was loaded"),
    14: ("L", "a soft lockup occurred"),
    15: ("K", "the kernel was live patched"),
    16: (
        "X",
        "an auxiliary taint (RHEL: a technology-preview driver; SUSE: an externally "
        "supported module)",
    ),
    17: ("T", "built with struct randomisation"),
    18: ("N", "an in-kernel test (KUnit) was run"),
    19: ("J", "a mutating fwctl debug operation was used"),
    31: ("N", "SUSE: an unsupported module was loaded"),  # SLES 12+ set it (TID 000016321)
}
# The bits that mean "an out-of-tree or proprietary module was loaded" (the catalogue's
# ruling): P, O, E.
MODULE_TAINT = (1 << 0) | (1 << 12) | (1 << 13)


@dataclass(frozen=True)
class Taint:
    value: int

    @property
    def out_of_tree(self) -> bool:
        return bool(self.value & MODULE_TAINT)

    def described(self) -> list[str]:
        """One line per bit set, `P (1): a proprietary module was loaded`."""
        lines = []
        for bit in range(64):
            if self.value & (1 << bit):
                letter, meaning = TAINT_LETTERS.get(bit, ("?", "taint bit not known here"))
                lines.append(f"{letter} ({1 << bit}): {meaning}")
        return lines


def parse_tainted(out: ProbeOutput) -> Taint:
    text = decode(out.stdout).strip()
    if not text.isdigit():
        raise ProbeUnavailable(f"not a taint value: {text[:40]!r}")
    return Taint(int(text))


@dataclass(frozen=True)
class ModuleSetting:
    """One line of module configuration that matters in a container: a module loaded at boot,
    or modprobe `options` / `install` for it."""

    kind: str  # "load" | "options" | "install"
    module: str
    path: str
    line: str


@dataclass(frozen=True)
class ModulesConfig:
    settings: list[ModuleSetting] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def loaded_at_boot(self) -> list[str]:
        return list(dict.fromkeys(s.module for s in self.settings if s.kind == "load"))


_MODPROBE = re.compile(r"^(options|install)\s+(\S+)")
# /etc/sysconfig/modules/*.modules are shell scripts; the modules they load, by modprobe.
_SCRIPT_LOAD = re.compile(r"\bmodprobe\s+(?:-\S+\s+)*([A-Za-z0-9_-]+)")
_SUSE_BOOT = re.compile(r"""^MODULES_LOADED_ON_BOOT\s*=\s*["']?([^"']*)["']?""")


def parse_modules_config(out: ProbeOutput) -> ModulesConfig:
    """Modules loaded at boot (`/etc/modules`, `modules-load.d`, RHEL's sysconfig/modules
    scripts, SLES's MODULES_LOADED_ON_BOOT) and modprobe options/install lines. Blacklists and
    aliases are not listed: a container loads no module either way."""
    settings: list[ModuleSetting] = []
    files: list[str] = []
    reading = Reading("the module configuration", "==> path <== file")
    for path, lines in split_sections(decode(out.stdout)):
        if not path:
            for line in lines:
                reading.skip(line)
            continue
        reading.known()
        files.append(path)
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            settings.extend(_settings(path, line))
    reading.refuse(len(files))
    return ModulesConfig(settings, files)


def _settings(path: str, line: str) -> list[ModuleSetting]:
    if path == "/etc/modules" or path.startswith("/etc/modules-load.d/"):
        return [ModuleSetting("load", line.split()[0], path, line)]
    if path.startswith("/etc/sysconfig/modules/"):
        return [ModuleSetting("load", m, path, line) for m in _SCRIPT_LOAD.findall(line)]
    if path == "/etc/sysconfig/kernel":
        boot = _SUSE_BOOT.match(line)
        names = boot.group(1).split() if boot else []
        return [ModuleSetting("load", name, path, line) for name in names]
    found = _MODPROBE.match(line)
    return [ModuleSetting(found.group(1), found.group(2), path, line)] if found else []
