"""L3: only one partition keeps its quotas, and its limits apply to the whole container."""

from dataclasses import dataclass, field

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import mount_table, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.mounts import parse_fstab
from assessments.parsers.linux.quotas import parse_quotaon, quota_options

REMEDIATION = (
    "Choose the partition whose quotas should survive. Enable second-level (per-user and "
    "per-group) quotas for the container (vzctl set CTID --quotaugidlimit N, or the "
    "equivalent in your Virtuozzo version), save a `repquota -a` dump before migrating and "
    "re-apply the other limits afterwards (setquota / edquota -p). Project quotas must be "
    "re-created by hand."
)


@dataclass
class QuotaTarget:
    target: str
    options: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)  # "user (enforced)"...
    configured_only: bool = False

    def describe(self) -> str:
        parts = []
        if self.options:
            parts.append("options " + ",".join(self.options))
        if self.active:
            parts.append("on: " + ", ".join(self.active))
        if self.configured_only:
            parts.append("configured in /etc/fstab, not mounted with quotas")
        return f"{self.target} ({'; '.join(parts)})"


class QuotaPartitions(Check):
    """Only one partition keeps its quotas; its limits then apply to the whole container.

    The Parallels document: if disk quotas are enabled on several partitions, only the
    quotas of one partition are kept after migration, and that partition's per-user and
    per-group limits apply to the whole container file system: a user limited to 1 GB on
    /home is now limited across /, /var and /tmp as well.
    """

    id = "quotas.partitions"
    restriction = "quotas"
    os_family = "linux"
    probes = ("mountinfo", "proc_mounts", "quotaon", "fstab")
    # quotaon -p lists every file system mounted with quota options: either source tells
    # which file systems have quotas.
    alternatives = (("mountinfo", "proc_mounts", "quotaon"),)
    title = "Partitions with disk quotas"

    def evaluate(self, facts: Facts) -> list[Finding]:
        table = mount_table(facts)
        states = facts.parsed("quotaon", parse_quotaon)
        if isinstance(table, Unavailable) and isinstance(states, Unavailable):
            return [self.unknown([table, states])]
        targets: dict[str, QuotaTarget] = {}
        lines: list[str] = []
        notes: list[str] = []
        failed: list[Unavailable] = []
        aliases: dict[str, str] = {}
        not_merged: set[str] = set()  # tmpfs and other mounts whose data is not copied
        if isinstance(table, Unavailable):
            # quotaon -p names every file system mounted with quota options, and its state.
            notes.append(f"({table.reason}; judged from quotaon alone)")
        else:
            # One file system mounted at several places (a bind mount) is one partition:
            # its other mount points (and their quotaon lines) name the first one.
            not_merged = {m.target for m in table.mounts} - {m.target for m in table.disk_backed()}
            for mounts in table.filesystems().values():
                first = mounts[0]
                aliases.update({m.target: first.target for m in mounts[1:]})
                options = list(dict.fromkeys(o for m in mounts for o in quota_options(m.options)))
                if options:
                    targets.setdefault(first.target, QuotaTarget(first.target)).options = options
                    lines += [m.line for m in mounts]
        if isinstance(states, Unavailable):
            notes.append(f"({states.reason})")
        else:
            for state in states:
                lines.append(state.line)
                if state.target in not_merged:
                    continue  # a tmpfs's quotas go with its contents: nothing is copied
                if state.on:  # quota switched off by quotaoff does not limit anyone today
                    target = aliases.get(state.target, state.target)
                    entry = targets.setdefault(target, QuotaTarget(target))
                    mode = f" ({state.mode})" if state.mode else ""
                    if f"{state.kind}{mode}" not in entry.active:
                        entry.active.append(f"{state.kind}{mode}")
        fstab = facts.parsed("fstab", parse_fstab)
        if isinstance(fstab, Unavailable):
            notes.append(f"({fstab.reason})")
            failed += [] if isinstance(fstab, Absent) else [fstab]
        else:
            for configured in fstab:
                configured_target = aliases.get(configured.target, configured.target)
                if configured.fstype in ("tmpfs", "ramfs") or configured_target in not_merged:
                    continue
                if quota_options(configured.options) and configured_target not in targets:
                    targets[configured.target] = QuotaTarget(
                        configured.target, configured_only=True
                    )
                    lines.append(configured.line)
        source = table.label if not isinstance(table, Unavailable) else "mounts"
        label = f"{source}; {probe_label('quotaon')}; {probe_label('fstab')}"
        shown = evidence(label, lines + notes)
        project = [
            t.target
            for t in targets.values()
            if any(o.startswith(("prj", "pquota", "pqnoenforce")) for o in t.options)
            or any(a.startswith("project") for a in t.active)
        ]
        if not targets and failed:
            return [self.unknown(failed)]
        if not targets:
            return [self.finding(Severity.PASS, "No disk quotas configured", shown)]
        described = "; ".join(t.describe() for t in targets.values())
        extra = (
            f" Project quotas on {', '.join(project)} need manual re-creation." if project else ""
        )
        if len(targets) == 1:
            title = (
                "Quotas on one file system; its limits will apply to the whole container: "
                + described
            )
        else:
            title = (
                f"Quotas on {len(targets)} file systems; only one keeps its limits, which then"
                f" apply to the whole container: {described}"
            )
        return [self.finding(Severity.WARNING, title + extra, shown, REMEDIATION)]


CHECKS: list[type[Check]] = [QuotaPartitions]
