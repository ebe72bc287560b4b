"""L8: if the rsync transfer fails, /vz/private/CT_ID keeps the partial copy."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import local_usage, probe_label
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.df import by_target, human_kib, parse_df
from assessments.parsers.linux.rsync import parse_rsync

LEFTOVER = (
    "If the transfer fails, the data copied so far stays in /vz/private/CT_ID on the "
    "destination: keep it to make a retry incremental, or remove it to free the space."
)


class RsyncAvailable(Check):
    """The migration copies the data with rsync, which must exist on the source.

    The Parallels document: the files are transferred with rsync, and "if the rsync
    transfer fails, /vz/private/CT_ID on the destination keeps the data copied so far".
    Without rsync on the source the copy cannot start.
    """

    id = "transfer.rsync"
    restriction = "transfer"
    os_family = "linux"
    probes = ("rsync",)
    title = "rsync on the source"

    def evaluate(self, facts: Facts) -> list[Finding]:
        version = facts.parsed("rsync", parse_rsync)
        label = probe_label("rsync")
        if isinstance(version, Unavailable):
            if facts.absent("rsync"):
                return [
                    self.finding(
                        Severity.WARNING,
                        "rsync is not installed on the source",
                        evidence(label, [version.reason]),
                        "Install rsync on the source server before migrating.",
                    )
                ]
            return [self.unknown(version)]
        return [
            self.finding(
                Severity.INFO,
                f"rsync {version.version} is installed. {LEFTOVER}",
                evidence(label, [version.line]),
            )
        ]


class TransferVolume(Check):
    """How much data the transfer copies, and what a failed run leaves behind.

    The Parallels document: "If the rsync transfer fails, the data already copied stays in
    /vz/private/CT_ID" on the destination. Plan for the volume to copy and for the room a
    retry needs next to the leftovers.
    """

    id = "transfer.volume"
    restriction = "transfer"
    os_family = "linux"
    probes = ("df", "mountinfo", "proc_mounts")
    extras = ("df_inodes",)  # the number of files, for the operator
    title = "Data volume to transfer"

    def evaluate(self, facts: Facts) -> list[Finding]:
        usage = local_usage(facts)
        if isinstance(usage, Unavailable):
            return [self.unknown(usage)]
        used = usage.used_kib
        lines = [row.line for row in usage.rows]
        if not usage.complete:
            lines.append(usage.note)
            return [
                self.finding(
                    Severity.UNKNOWN,
                    f"Could not check: about {human_kib(used)} to copy by df alone, but the "
                    "mount table could not be read to tell which file systems are copied",
                    evidence(probe_label("df"), lines),
                    "Collect /proc/mounts (or /proc/self/mountinfo) with df and assess again.",
                )
            ]
        inodes = facts.parsed("df_inodes", parse_df)
        files = ""
        if not isinstance(inodes, Unavailable):
            rows = by_target(inodes)
            counted = [rows[row.target] for row in usage.rows if row.target in rows]
            count = sum(row.used for row in counted)
            # btrfs and FAT print no inode counts (0 inodes): their files are not in it.
            uncounted = [row.target for row in counted if row.total == 0]
            least = "at least " if uncounted else ""
            files = f", {least}{count:,} files and directories"
            lines.append(f"inodes in use: {count}")
            if uncounted:
                lines.append(f"(no inode counts for {', '.join(uncounted)})")
        if usage.missing:
            lines.append(usage.note)
        least = "At least " if usage.missing else ""
        title = f"{least}{human_kib(used)} to copy{files}. {LEFTOVER}"
        label = f"{probe_label('df')}; {probe_label('df_inodes')}"
        destination = facts.destination
        if destination and destination.free_bytes is not None:
            free_kib = destination.free_bytes // 1024
            lines.append(f"free on {destination.name}: {human_kib(free_kib)}")
            if free_kib < 2 * used:
                return [
                    self.finding(
                        Severity.WARNING,
                        f"{destination.name} has less than twice the data volume free: "
                        "no room for a retry next to the leftovers of a failed run. " + title,
                        evidence(label, lines),
                        "Free space on the destination, or remove /vz/private/CT_ID after a "
                        "failed run before retrying.",
                    )
                ]
        return [self.finding(Severity.INFO, title, evidence(label, lines))]


CHECKS: list[type[Check]] = [RsyncAvailable, TransferVolume]
