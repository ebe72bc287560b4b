"""B1 (beyond the document): a container runs on the node's kernel: no kernel modules of its
own, no kernel parameters, and a userland the node's kernel must be able to run."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import counted, listing, probe_label
from assessments.checks.platforms import LEGACY, VZ7, TargetPlatform, destination_platform
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.kernel import (
    Distribution,
    Version,
    dotted,
    parse_cmdline,
    parse_distribution,
    parse_uname,
)
from assessments.parsers.linux.modules import (
    Module,
    ModulesConfig,
    Taint,
    parse_modules_config,
    parse_proc_modules,
    parse_tainted,
)

MODULE_REMEDIATION = (
    "A container cannot load kernel modules: it runs on the node's kernel. Load an "
    "equivalent module on the destination node and grant it to the container where the "
    "platform allows that module, use a function the node provides instead (its storage, "
    "its firewall), or migrate this server to a VM."
)
GUEST_REMEDIATION = (
    "Nothing to migrate: the container has no virtual hardware. Remove the hypervisor's guest "
    "tools inside the container after migration (open-vm-tools, VirtualBox or Parallels "
    "guest additions, Hyper-V daemons, qemu-guest-agent)."
)

# Taint flags a module carries when it is not part of the distribution's kernel: P
# proprietary, O out-of-tree, E unsigned, F force-loaded. C (staging), N and U (SUSE:
# unsupported) mark in-tree modules, and so does X alone: RHEL kernels set that auxiliary taint
# for technology-preview drivers (nvme_tcp on RHEL 8), while SUSE's externally supported
# modules, built out of tree, carry O as well.
OUT_OF_TREE_FLAGS = frozenset("POEF")
# Hypervisor guest modules (the catalogue's ruling): B10 guest tools, never a B1 blocker,
# even when tainted. VMware Tools before Linux 3.9 brought vmhgfs, vmmemctl, vmblock, vmsync,
# vmci and vsock.
GUEST_MODULES = re.compile(
    r"prl_\w+|vboxguest|vboxsf|vboxvideo|vmw_\w+|vmxnet\w*|vmhgfs|vmmemctl|vmblock|vmsync"
    r"|vmci|vsock|hv_\w+|hyperv_\w+|hid_hyperv|xen\w*front|virtio\w*"
)
KVM_MODULES = re.compile(r"kvm|kvm_intel|kvm_amd")
# Out-of-tree modules by name: kernels before 3.2 flag them only when proprietary, and
# lsmod never shows flags. Realtek's vendor drivers (r8168, r8125: ELRepo kmod-r8168; the
# in-tree driver is r8169) and flashcache are built out of tree. DRBD is named by the
# catalogue: on RHEL 5-7 it comes as kmod-drbd (ELRepo, LINBIT) and the in-tree one cannot be
# loaded by a container either.
KNOWN_OUT_OF_TREE = re.compile(
    r"zfs|spl|znvpair|zcommon|zunicode|zavl|zzstd|zlua|icp|nvidia\w*|fglrx|drbd|drbd_\w+"
    r"|vboxdrv|vboxnetflt|vboxnetadp|vboxpci|vmmon|vmnet|kvdo|uds|r8168|r8125|r8126|r8101"
    r"|flashcache\w*"
    r"|emcp\w*|mpp(?:Upper|Vhba)|vx(?:fs|portal|spec|io|dmp|glm|gms|odm)|fdd|veki"
    r"|oracle(?:asm|acfs|advm|oks|afd)|mmfs26|mmfslinux|tracedev|lustre|lnet"
    r"|snapapi\w*|veeamsnap|blksnap|dattobd|elastio_snap|symev\w*|symap\w*|falcon_\w+"
    r"|talpa\w*|mfe\w+|cbsensor|redirfs|gsch|tmhook|dsa_filter|bmhook|iscsi_trgt|scst\w*"
)


def _out_of_tree(module: Module) -> bool:
    return bool(OUT_OF_TREE_FLAGS & set(module.flags)) or bool(
        KNOWN_OUT_OF_TREE.fullmatch(module.name)
    )


def _flags_shown(loaded: list[Module], taint: Taint) -> bool:
    """Whether a module tainting the kernel would show its flag: /proc/modules (not lsmod) of
    a kernel that flags out-of-tree modules (the O and E taints exist since 3.2 and 3.15, and
    those kernels print every module's flags), or no module loaded at all."""
    if not loaded:
        return True
    listed = any(m.state for m in loaded)
    return listed and bool(taint.value & ((1 << 12) | (1 << 13)))


def _named(module: Module) -> str:
    return f"{module.name} ({module.flags})" if module.flags else module.name


class KernelModules(Check):
    """The container runs on the node's kernel: it cannot load modules of its own.

    Beyond the document. Out-of-tree or proprietary kernel modules (DRBD, ZFS, vendor storage
    and multipath drivers, GPU drivers, backup snapshot drivers, security agents) work only
    where the kernel that loads them runs: in a container they are not there, and what needs
    them stops. Hypervisor guest modules (VMware, VirtualBox, Parallels, Hyper-V, Xen,
    virtio) are simply not needed any more.
    """

    id = "kernel.modules"
    restriction = "kernel"
    os_family = "linux"
    probes = ("proc_modules", "kernel_tainted")
    # The taint value alone tells whether such a module was loaded (the catalogue's ruling),
    # not which one.
    alternatives = (("proc_modules", "kernel_tainted"),)
    title = "Kernel modules"

    def evaluate(self, facts: Facts) -> list[Finding]:
        modules = facts.parsed("proc_modules", parse_proc_modules)
        taint = facts.parsed("kernel_tainted", parse_tainted)
        label = f"{probe_label('proc_modules')}; {probe_label('kernel_tainted')}"
        taint_lines = (
            [f"({taint.reason})"]
            if isinstance(taint, Unavailable)
            else [f"tainted: {taint.value}", *taint.described()]
        )
        if isinstance(modules, Unavailable) and not isinstance(modules, Absent):
            if isinstance(taint, Unavailable):
                return [self.unknown([modules, taint])]
            return [self._taint_only(taint, evidence(label, [f"({modules.reason})", *taint_lines]))]
        loaded = [] if isinstance(modules, Unavailable) else modules
        notes = [f"({modules.reason}: no loadable modules)"] if isinstance(modules, Absent) else []
        guests = [m for m in loaded if GUEST_MODULES.fullmatch(m.name)]
        kvm = [m.name for m in loaded if KVM_MODULES.fullmatch(m.name)]
        foreign = [m for m in loaded if m not in guests and _out_of_tree(m)]
        if kvm:
            notes.append(f"KVM modules loaded (a hypervisor role: see nesting): {', '.join(kvm)}")
        findings = []
        if foreign:
            findings.append(
                self.finding(
                    Severity.BLOCKER,
                    "Out-of-tree or proprietary kernel modules are loaded; a container cannot "
                    f"load them: {listing([_named(m) for m in foreign])}",
                    evidence(label, [m.line for m in foreign] + notes + taint_lines),
                    MODULE_REMEDIATION,
                )
            )
        if guests:
            findings.append(
                self.finding(
                    Severity.INFO,
                    "Hypervisor guest modules loaded: remove the guest tools after migration "
                    f"(B10): {listing([_named(m) for m in guests])}",
                    evidence(label, [m.line for m in guests] + notes),
                    GUEST_REMEDIATION,
                )
            )
        flagged = any(OUT_OF_TREE_FLAGS & set(m.flags) for m in loaded)
        if not foreign and not isinstance(taint, Unavailable) and taint.out_of_tree and not flagged:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    (
                        "An out-of-tree or proprietary module was loaded since boot and is not "
                        "loaded now: something loads it on demand (a backup agent's snapshot "
                        "driver?)"
                    )
                    if _flags_shown(loaded, taint)
                    else "An out-of-tree or proprietary module is or was loaded (the kernel is "
                    "tainted); the module list shows no taint flags (lsmod, or a kernel "
                    "before 3.2), so which one is unknown",
                    evidence(label, notes + taint_lines),
                    MODULE_REMEDIATION,
                )
            )
        if not findings:
            findings.append(
                self.finding(
                    Severity.PASS,
                    "No out-of-tree or proprietary kernel module is loaded",
                    evidence(
                        label, [f"{counted(len(loaded), 'module')} loaded", *notes, *taint_lines]
                    ),
                )
            )
        return findings

    def _taint_only(self, taint: Taint, shown: str) -> Finding:
        """The catalogue's ruling for /proc/sys/kernel/tainted without a module list."""
        if taint.out_of_tree:
            return self.finding(
                Severity.WARNING,
                "An out-of-tree or proprietary module is loaded; which one is unknown (the "
                "module list could not be read)",
                shown,
                MODULE_REMEDIATION,
            )
        if taint.value:
            return self.finding(Severity.INFO, "The kernel is tainted, but not by a module", shown)
        return self.finding(Severity.PASS, "The kernel is not tainted", shown)


# Kernel parameters every installer writes: not the workload's tuning.
BOILERPLATE = re.compile(
    r"(BOOT_IMAGE|initrd|root|rootflags|rootfstype|rootwait|ro|rw|quiet|splash|nosplash|rhgb"
    r"|silent|showopts|auto|crashkernel|LANG|KEYTABLE|SYSFONT|KEYBOARDTYPE|rd[._].*|resume"
    r"|resume_offset|noresume|console|vconsole\..*|locale\..*|biosdevname|net\.ifnames|vga"
    r"|plymouth\..*|vt\.handoff|systemd\.show_status)(=.*)?"
)


class BootConfiguration(Check):
    """Kernel parameters and module settings of the source do not apply in a container.

    Beyond the document. The container boots no kernel: the node's command line, module
    options and loaded modules apply to it. Tuning set on the source's kernel command line
    (hugepages, isolcpus, transparent_hugepage, I/O elevator...) or in modprobe
    configuration (module options, modules loaded at boot) is silently gone.
    """

    id = "kernel.boot_config"
    restriction = "kernel"
    os_family = "linux"
    probes = ("proc_cmdline", "modules_config")
    title = "Kernel parameters and module settings"

    def evaluate(self, facts: Facts) -> list[Finding]:
        words = facts.parsed("proc_cmdline", parse_cmdline)
        config = facts.parsed("modules_config", parse_modules_config)
        if isinstance(words, Unavailable) or isinstance(config, Unavailable):
            return [self.unknown([r for r in (words, config) if isinstance(r, Unavailable)])]
        custom = [w for w in words if not BOILERPLATE.fullmatch(w)]
        lines = [f"kernel command line: {' '.join(words)}"]
        lines += [f"{s.path}: {s.line}" for s in config.settings]
        label = f"{probe_label('proc_cmdline')}; {probe_label('modules_config')}"
        if not custom and not config.settings:
            files = ", ".join(config.files) or "no module configuration file"
            return [
                self.finding(
                    Severity.PASS,
                    "No custom kernel parameter or module setting",
                    evidence(label, [*lines, f"read: {files}"]),
                )
            ]
        return [
            self.finding(
                Severity.INFO,
                "Kernel parameters and module settings of the source will not apply in the "
                f"container: {self._summary(custom, config)}",
                evidence(label, lines),
                "Set what the workload needs on the destination node (its kernel command "
                "line, module options, modules loaded for containers), or drop it.",
            )
        ]

    @staticmethod
    def _summary(custom: list[str], config: ModulesConfig) -> str:
        parts = []
        if custom:
            parts.append(f"parameters {listing(custom, 6)}")
        boot = config.loaded_at_boot()
        if boot:
            parts.append(f"modules loaded at boot {listing(boot, 6)}")
        tuned = list(dict.fromkeys(s.module for s in config.settings if s.kind != "load"))
        if tuned:
            parts.append(f"options or install commands for {listing(tuned, 6)}")
        return "; ".join(parts)


# The node's kernel: legacy OpenVZ / PVC 4.x nodes run 2.6.18 (RHEL 5 based) or 2.6.32
# (RHEL 6 based: OpenVZ 6, PVC 4.7); the newest of them is the bound. Virtuozzo 7: 3.10.
NODE_KERNEL: dict[str, Version] = {LEGACY: (2, 6, 32), VZ7: (3, 10, 0)}

# The oldest kernel a distribution's glibc runs on (`file -L /lib*/libc.so.6`: "for
# GNU/Linux X"; every glibc from 2.26 needs 3.2): (first release, glibc, kernel), by family.
USERLAND_KERNEL: dict[str, list[tuple[Version, str, Version]]] = {
    "rhel": [
        ((5,), "2.5", (2, 6, 9)),
        ((6,), "2.12", (2, 6, 18)),
        ((7,), "2.17", (2, 6, 32)),
        ((8,), "2.28", (3, 2)),
    ],
    "debian": [
        ((6,), "2.11", (2, 6, 18)),
        ((7,), "2.13", (2, 6, 26)),
        ((8,), "2.19", (2, 6, 32)),
        ((9,), "2.24", (3, 2)),
    ],
    "ubuntu": [
        ((10, 4), "2.11", (2, 6, 15)),
        ((12, 4), "2.15", (2, 6, 24)),
        ((16, 4), "2.23", (2, 6, 32)),
        ((17, 10), "2.26", (3, 2)),
    ],
    "sles": [((11,), "2.11", (2, 6, 16)), ((12,), "2.22", (2, 6, 32)), ((15,), "2.26", (3, 2))],
    "opensuse-leap": [((15,), "2.26", (3, 2))],
    "fedora": [((27,), "2.26", (3, 2))],
}


def userland_kernel(distribution: Distribution) -> tuple[str, Version] | None:
    """(glibc, oldest kernel) for a known release, None for one this table does not know."""
    if distribution.family == "opensuse-leap" and distribution.version[:1] == (42,):
        return "2.22", (2, 6, 32)  # Leap 42.x came before Leap 15
    entries = USERLAND_KERNEL.get(distribution.family, [])
    known = [e for e in entries if distribution.version and e[0] <= distribution.version]
    return (known[-1][1], known[-1][2]) if known else None


class Userland(Check):
    """The source's userland must run on the destination node's kernel.

    Beyond the document. A container keeps the source's userland but runs it on the node's
    kernel. A glibc built for newer kernels refuses older ones ("FATAL: kernel too old"):
    since glibc 2.26 (RHEL 8, Debian 9, Ubuntu 18.04, SLES 15) it needs Linux 3.2, which
    legacy OpenVZ / Parallels Virtuozzo Containers 4.x nodes (2.6.18 / 2.6.32) do not have.
    """

    id = "kernel.userland"
    restriction = "kernel"
    os_family = "linux"
    probes = ("os_release", "uname")
    # A source running a kernel no newer than the node's runs a userland that kernel takes.
    alternatives = (("os_release", "uname"),)
    title = "Userland against the node's kernel"

    def evaluate(self, facts: Facts) -> list[Finding]:
        platform = destination_platform(facts)
        node = NODE_KERNEL[platform.id]
        distribution = facts.parsed("os_release", parse_distribution)
        uname = facts.parsed("uname", parse_uname)
        lines = [f"{platform.name} nodes run Linux {dotted(node)} {platform.note}"]
        if not isinstance(uname, Unavailable):
            lines.insert(0, f"running kernel: {uname.release}")
        label = f"{probe_label('os_release')}; {probe_label('uname')}"
        needed = None
        if not isinstance(distribution, Unavailable):
            lines.insert(0, f"distribution: {distribution.name}")
            needed = userland_kernel(distribution)
        if needed is not None:
            glibc, kernel = needed
            lines.append(f"its glibc {glibc} runs on Linux {dotted(kernel)} or newer")
            return [self._judged(kernel <= node, distribution, platform, evidence(label, lines))]
        if isinstance(uname, Unavailable):
            reasons = [r for r in (distribution, uname) if isinstance(r, Unavailable)]
            return [self.unknown(reasons)]
        if isinstance(distribution, Unavailable):
            lines.append(f"({distribution.reason})")
        if uname.version <= node:
            lines.append("the source already runs a kernel no newer than the node's")
            return [self._judged(True, distribution, platform, evidence(label, lines))]
        return [
            self.finding(
                Severity.WARNING,
                f"Not known whether this userland runs on the node's Linux {dotted(node)}: "
                f"the source runs {uname.release}",
                evidence(label, lines),
                "Check that the destination offers an OS template for this distribution and "
                "that its glibc runs on the node's kernel (`file -L /lib*/libc.so.6` prints "
                "'for GNU/Linux X'), or migrate this server to a VM.",
            )
        ]

    def _judged(
        self,
        fits: bool,
        distribution: Distribution | Unavailable,
        platform: TargetPlatform,
        shown: str,
    ) -> Finding:
        name = "" if isinstance(distribution, Unavailable) else f" ({distribution.name})"
        if fits:
            return self.finding(
                Severity.PASS, f"The userland{name} runs on the {platform.name} kernel", shown
            )
        return self.finding(
            Severity.BLOCKER,
            f"The userland{name} needs a newer kernel than {platform.name} nodes run",
            shown,
            "Choose a destination whose kernel runs this userland (Virtuozzo 7 runs glibc "
            "built for Linux 3.2), or migrate this server to a VM.",
        )


CHECKS: list[type[Check]] = [KernelModules, BootConfiguration, Userland]
