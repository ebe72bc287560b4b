"""Facts several Linux checks share: the mount table, local usage, interfaces.

Each helper prefers the richer probe and falls back to the older one (mountinfo, then
/proc/mounts; `ip`, then `ifconfig`), and returns the evidence label of the probe it used.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from assessments.facts import Absent, Facts, ProbeOutput, Unavailable
from assessments.parsers.linux.addresses import Interfaces, parse_ifconfig, parse_ip_addr
from assessments.parsers.linux.df import DfRow, parse_df
from assessments.parsers.linux.mounts import (
    Kind,
    Mount,
    filesystem_key,
    parse_mountinfo,
    parse_proc_mounts,
)
from assessments.probes import label, probes_for
from assessments.probes.outcomes import shown as outcome_evidence

DISK_KINDS = (Kind.LOCAL, Kind.LOOP)
T = TypeVar("T")


def probe_label(probe: str) -> str:
    return label("linux", probe)


@dataclass(frozen=True)
class MountTable:
    mounts: list[Mount]
    probe: str

    @property
    def label(self) -> str:
        return probe_label(self.probe)

    def disk_backed(self) -> list[Mount]:
        return [mount for mount in self.mounts if mount.kind in DISK_KINDS]

    def filesystems(self) -> dict[str, list[Mount]]:
        """The disk-backed mounts by file system (`filesystem_key`), in mount order: a bind
        mount, a second mount of one device or a btrfs subvolume adds a mount point to its
        file system, not a file system."""
        found: dict[str, list[Mount]] = {}
        for mount in self.disk_backed():
            found.setdefault(filesystem_key(mount), []).append(mount)
        return found


def _preferred(
    facts: Facts,
    preferred: tuple[str, Callable[[ProbeOutput], T]],
    fallback: tuple[str, Callable[[ProbeOutput], T]],
    real: tuple[Callable[[T], bool], str] | None = None,
) -> tuple[T, str] | Unavailable:
    """The preferred probe's data when usable, else the fallback's, with the probe used.
    `real`: a test every real answer passes, and what it means when one does not (the
    probe printed lines, but none of the fact: login noise, another tool's message)."""

    def read(probe: str, parser: Callable[[ProbeOutput], T]) -> T | Unavailable:
        found = facts.parsed(probe, parser)
        if real is None or isinstance(found, Unavailable) or real[0](found):
            return found
        return nothing_read(facts, probe, f"{probe_label(probe)} {real[1]}")

    first = read(*preferred)
    if not isinstance(first, Unavailable):
        return first, preferred[0]
    second = read(*fallback)
    if isinstance(second, Unavailable):
        return joined(
            fallback[0], f"{second.reason}; {preferred[0]}: {first.reason}", second, first
        )
    return second, fallback[0]


def joined(probe: str, reason: str, *causes: Unavailable) -> Unavailable:
    """One fact that no probe gave, quoting what each probe tried printed (its evidence)."""
    shown = [cause.evidence or f"probe {cause.probe}: {cause.reason}" for cause in causes]
    return Unavailable(probe, reason, "\n".join(shown))


def nothing_read(facts: Facts, probe: str, reason: str) -> Unavailable:
    """A usable output that held nothing to measure: unavailable (never a pass on an empty
    list), quoting what the host printed."""
    out = facts.output(probe)
    shown = "" if out is None else outcome_evidence(probes_for("linux").get(probe), out, probe)
    return Unavailable(probe, reason, shown)


def explained(missing: Unavailable) -> list[str]:
    """Evidence lines for a probe that could not be used: why, then what it printed."""
    return [missing.reason, *(missing.evidence.split("\n") if missing.evidence else ())]


def mount_table(facts: Facts) -> MountTable | Unavailable:
    """mountinfo when collected and usable, else /proc/mounts."""
    found = _preferred(
        facts,
        ("mountinfo", parse_mountinfo),
        ("proc_mounts", parse_proc_mounts),
        (_has_root, "printed no root file system"),
    )
    return found if isinstance(found, Unavailable) else MountTable(*found)


def _has_root(mounts: list[Mount]) -> bool:
    """Every Linux mount table, a container's too, mounts something at /."""
    return any(mount.target == "/" for mount in mounts)


@dataclass(frozen=True)
class Usage:
    rows: list[DfRow]  # df rows of disk-backed file systems, one per file system
    # False when no mount table could be read: the rows are df's block-device rows, an
    # estimate (bind mounts counted twice) that may prove a problem but never its absence.
    complete: bool = True
    # Mount points of file systems the mount table lists and df does not: their data is
    # not in the total, which is then a lower bound.
    missing: tuple[str, ...] = ()

    @property
    def used_kib(self) -> int:
        return sum(row.used for row in self.rows)

    @property
    def note(self) -> str:
        if not self.complete:
            return "(estimate from df alone: the mount table could not be read)"
        if self.missing:
            return f"(df lists no size for {', '.join(self.missing)}: not in the total)"
        return ""


def local_usage(facts: Facts, table: MountTable | None = None) -> Usage | Unavailable:
    """df rows of the local disk-backed file systems (joined by mount point, not device),
    each file system once (bind mounts, second mounts and btrfs subvolumes show the same
    data again), with `table` or else the host's own mount table when one was collected;
    Unavailable when df lists none of them (nothing to measure is never 0 bytes)."""
    rows = facts.parsed("df", parse_df)
    if isinstance(rows, Unavailable):
        return rows
    if table is None:
        found = mount_table(facts)
        table = None if isinstance(found, Unavailable) else found
    if table is not None:
        by_target = {row.target: row for row in rows}
        kept: list[DfRow] = []
        missing: list[str] = []
        for mounts in table.filesystems().values():
            row = next((by_target[m.target] for m in mounts if m.target in by_target), None)
            if row is None:
                missing.append(mounts[0].target)
            else:
                kept.append(row)
        usage = Usage(kept, missing=tuple(missing))
    else:
        # Without a mount table, trust block devices only; loop devices are images (snap
        # squashfs, ISOs) whose backing files are counted where they live.
        devices: dict[str, DfRow] = {}
        for row in rows:  # a device listed twice (bind mount, subvolume) counts once
            if row.source.startswith("/dev/") and not _loop(row.source):
                devices.setdefault(row.source, row)
        usage = Usage(list(devices.values()), complete=False)
    if not usage.rows:
        return Unavailable(
            "df",
            "df lists no local disk-backed file system to measure",
            "\n".join([f"$ {probe_label('df')}", *(row.line for row in rows)]),
        )
    return usage


def _loop(source: str) -> bool:
    return source.startswith("/dev/loop")


@dataclass(frozen=True)
class InterfaceData:
    interfaces: Interfaces
    probe: str

    @property
    def label(self) -> str:
        return probe_label(self.probe)


def interfaces(facts: Facts) -> InterfaceData | Unavailable:
    """`ip addr` when usable, else `ifconfig -a`."""
    found = _preferred(facts, ("ip_addr", parse_ip_addr), ("ifconfig", parse_ifconfig))
    return found if isinstance(found, Unavailable) else InterfaceData(*found)


def listing(items: list[str], limit: int = 8) -> str:
    """Items for a title, comma-separated, the rest counted: titles stay one line."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def failures(*results: object) -> list[Unavailable]:
    """The results that are failures: unavailable, but not a benign absence."""
    return [r for r in results if isinstance(r, Unavailable) and not isinstance(r, Absent)]


def counted(number: int, noun: str) -> str:
    """`1 rule`, `3 rules`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
