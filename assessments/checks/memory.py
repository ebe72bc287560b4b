"""B7 (beyond the document): the container's memory model is the node's."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.hardware import parse_cmdline
from assessments.parsers.linux.memory import (
    MemInfo,
    Setting,
    SysctlConf,
    parse_meminfo,
    parse_swaps,
    parse_sysctl_conf,
)


class Swap(Check):
    """Swap areas are not migrated: the node decides a container's swap.

    Beyond the document. A container has no swap devices of its own; its memory and swap
    limits are set on the node (vSwap on OpenVZ / Virtuozzo). Swap partitions stay behind;
    a swap file is copied like any file and only wastes space in the container.
    """

    id = "memory.swap"
    restriction = "memory"
    os_family = "linux"
    probes = ("proc_swaps", "meminfo")
    alternatives = (("proc_swaps", "meminfo"),)  # SwapTotal tells less, but tells
    title = "Swap areas"

    def evaluate(self, facts: Facts) -> list[Finding]:
        areas = facts.parsed("proc_swaps", parse_swaps)
        label = probe_label("proc_swaps")
        if isinstance(areas, Absent):
            return [
                self.finding(
                    Severity.PASS, "No swap support in this kernel", evidence(label, [areas.reason])
                )
            ]
        if isinstance(areas, Unavailable):
            return self._from_meminfo(facts, areas)
        if not areas:
            return [self.finding(Severity.PASS, "No swap in use", evidence(label, []))]
        files = [a.path for a in areas if a.kind == "file"]
        total = sum(a.size_kib for a in areas) // 1024
        remediation = (
            "Set the container's memory and swap on the node (vzctl/prlctl set --swap, or "
            "vSwap limits) to what this server had."
        )
        if files:
            remediation += f" Exclude the swap files ({', '.join(files)}) from the copy."
        return [
            self.finding(
                Severity.INFO,
                f"Swap is not migrated: {len(areas)} swap area(s), {total} MiB "
                f"({listing([a.path for a in areas])})",
                evidence(label, [a.line for a in areas]),
                remediation,
            )
        ]

    def _from_meminfo(self, facts: Facts, areas: Unavailable) -> list[Finding]:
        info = facts.parsed("meminfo", parse_meminfo)
        if isinstance(info, Unavailable):
            return [self.unknown([areas, info])]
        total = info.get("SwapTotal")
        if total is None:
            return [self.unknown([areas, Unavailable("meminfo", "meminfo has no SwapTotal")])]
        lines = [areas.reason, info.lines["SwapTotal"]]
        label = probe_label("meminfo")
        if total == 0:
            return [self.finding(Severity.PASS, "No swap in use (meminfo)", evidence(label, lines))]
        return [
            self.finding(
                Severity.INFO,
                f"Swap is not migrated: {total // 1024} MiB of swap (meminfo; the swap areas "
                "could not be listed)",
                evidence(label, lines),
                "Set the container's memory and swap on the node to what this server had.",
            )
        ]


def _positive(setting: Setting | None) -> bool:
    return setting is not None and setting.value.split()[0:1] != ["0"] and bool(setting.value)


class HugePages(Check):
    """Huge pages cannot be reserved inside a container.

    Beyond the document. Reserved huge pages (HugePages_Total, vm.nr_hugepages), used by
    Oracle SGA, SAP, PostgreSQL and DPDK setups, are a node-wide kernel resource: a
    container cannot reserve them, and software configured to require them (Oracle
    use_large_pages=ONLY) does not start.
    """

    id = "memory.hugepages"
    restriction = "memory"
    os_family = "linux"
    probes = ("meminfo", "sysctl_conf")
    extras = ("proc_cmdline",)  # hugepages= on the kernel command line, for the evidence
    title = "Reserved huge pages"

    def evaluate(self, facts: Facts) -> list[Finding]:
        info = facts.parsed("meminfo", parse_meminfo)
        conf = facts.parsed("sysctl_conf", parse_sysctl_conf)
        failed = [r for r in (info, conf) if isinstance(r, Unavailable)]
        lines = [r.reason for r in failed]
        found = self._found(info, conf, lines)
        cmdline = facts.parsed("proc_cmdline", parse_cmdline)
        if not isinstance(cmdline, Unavailable):
            lines += [f"kernel command line: {w}" for w in cmdline.text.split() if "hugepage" in w]
        label = f"{probe_label('meminfo')}; {probe_label('sysctl_conf')}"
        if found:
            return [
                self.finding(
                    Severity.WARNING,
                    f"Huge pages are reserved: {listing(found)}",
                    evidence(label, lines),
                    "Reserve the huge pages on the node instead and check that the container's "
                    "software can use them (or run without: Oracle use_large_pages=TRUE, not "
                    "ONLY); drop vm.nr_hugepages from the container's sysctl files.",
                )
            ]
        if failed:
            return [self.unknown(failed)]
        return [self.finding(Severity.PASS, "No huge pages reserved", evidence(label, lines))]

    @staticmethod
    def _found(
        info: MemInfo | Unavailable, conf: SysctlConf | Unavailable, lines: list[str]
    ) -> list[str]:
        found: list[str] = []
        if not isinstance(info, Unavailable):
            total = info.get("HugePages_Total")
            if total:
                found.append(f"HugePages_Total {total}")
                lines.append(info.lines["HugePages_Total"])
        if not isinstance(conf, Unavailable):
            for key in ("vm.nr_hugepages", "vm.nr_overcommit_hugepages"):
                setting = conf.last(key)
                if setting is not None and _positive(setting):
                    found.append(f"{key} = {setting.value}")
                    lines.append(f"{setting.file}: {setting.line}")
        return found


# Keys a container sets in its own namespaces (IPC, UTS, network) on the strictest platform.
_NAMESPACED = re.compile(
    r"^(?:kernel\.(?:shmmax|shmall|shmmni|shm_rmid_forced|sem|msgmax|msgmnb|msgmni"
    r"|hostname|domainname)|net\.ipv4\..+|net\.ipv6\..+|net\.unix\..+|fs\.mqueue\..+)$"
)
# Network keys that are still global (not per network namespace) on 2.6.32 and 3.10 kernels.
_GLOBAL_NET = re.compile(
    r"^net\.ipv4\.(?:tcp_mem|tcp_rmem|tcp_wmem|udp_mem|tcp_max_orphans|tcp_congestion_control"
    r"|netfilter\..+|ip_conntrack_max)$"
)
# The stock /etc/sysctl.conf of RHEL/CentOS 5 and 6 (and its SLES/Debian peers): harmless
# errors at container start, nothing anybody tuned.
STOCK_DEFAULTS = {
    ("kernel.sysrq", "0"),
    ("kernel.core_uses_pid", "1"),
    ("net.bridge.bridge-nf-call-ip6tables", "0"),
    ("net.bridge.bridge-nf-call-iptables", "0"),
    ("net.bridge.bridge-nf-call-arptables", "0"),
}


def settable(key: str) -> bool:
    """Whether a container may set this key itself (judged for legacy OpenVZ / PVC 4.x)."""
    return bool(_NAMESPACED.match(key)) and not _GLOBAL_NET.match(key)


class KernelSettings(Check):
    """Kernel settings of the node cannot be changed from a container.

    Beyond the document. A container shares the node's kernel: only settings of its own
    namespaces (network `net.ipv4.*`/`net.ipv6.*`, System V IPC `kernel.shm*`/`sem`/`msg*`,
    host name) can be set inside it. Memory (`vm.*`), file (`fs.file-max`, `fs.aio-max-nr`),
    `net.core.*` and most `kernel.*` settings fail when the container starts: the tuning
    the application was given is gone unless it is applied on the node.
    """

    id = "memory.sysctls"
    restriction = "memory"
    os_family = "linux"
    probes = ("sysctl_conf",)
    title = "Kernel settings a container cannot set"

    def evaluate(self, facts: Facts) -> list[Finding]:
        conf = facts.parsed("sysctl_conf", parse_sysctl_conf)
        if isinstance(conf, Unavailable):
            return [self.unknown(conf)]
        label = probe_label("sysctl_conf")
        latest = {s.key: s for s in conf.settings}  # the last file and line win
        node = [s for s in latest.values() if not settable(s.key)]
        tuned = [s for s in node if (s.key, s.value) not in STOCK_DEFAULTS]
        lines = [f"{s.file}: {s.line}" for s in node] + ([conf.cut] if conf.cut else [])
        if tuned:
            return [
                self.finding(
                    Severity.WARNING,
                    f"{len(tuned)} kernel settings cannot be set in a container: "
                    + listing([s.key for s in tuned]),
                    evidence(label, lines),
                    "Apply the settings the application needs on the node (they then hold for "
                    "every container there), or give the container the matching resource "
                    "limits; remove them from the container's sysctl files so that its start "
                    "is clean.",
                )
            ]
        if conf.cut:
            return [self.unknown(Unavailable("sysctl_conf", conf.cut, "\n".join(lines)))]
        if node:
            return [
                self.finding(
                    Severity.INFO,
                    "Only the distribution's stock settings would fail in a container: "
                    + listing([s.key for s in node]),
                    evidence(label, lines),
                    "Nothing to move; the errors at container start are harmless.",
                )
            ]
        summary = f"No setting outside the container's own namespaces ({len(latest)} settings)"
        return [
            self.finding(
                Severity.PASS,
                summary,
                evidence(label, [f"files: {', '.join(conf.files) or 'none'}"]),
            )
        ]


CHECKS: list[type[Check]] = [Swap, HugePages, KernelSettings]
