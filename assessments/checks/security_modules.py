"""B8 (beyond the document): AppArmor and the kernel audit subsystem stay on the node."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.security import parse_aa_status, parse_auditctl, task_never

REMEDIATION = (
    "Accept that the services run unconfined (document compensating controls), or keep the "
    "workload on a VM when AppArmor is a compliance requirement."
)


class AppArmor(Check):
    """AppArmor confinement does not exist inside a container.

    Beyond the document, with the same consequence as the document's SELinux restriction:
    a container cannot load AppArmor profiles into the node's kernel, so services confined
    by enforce-mode profiles on the source (Ubuntu, SLES, Debian defaults for cupsd, mysqld,
    named, libvirt...) run unconfined after migration.
    """

    id = "security_modules.apparmor"
    restriction = "security_modules"
    os_family = "linux"
    probes = ("apparmor",)
    title = "AppArmor profiles"

    def evaluate(self, facts: Facts) -> list[Finding]:
        status = facts.parsed("apparmor", parse_aa_status)
        label = probe_label("apparmor")
        if isinstance(status, Absent):
            return [
                self.finding(Severity.PASS, "AppArmor not in use", evidence(label, [status.reason]))
            ]
        if isinstance(status, Unavailable):
            return [self.unknown(status)]
        enforce = status.count("profiles in enforce mode") + status.count("profiles in kill mode")
        complain = status.count("profiles in complain mode")
        confined = status.count("processes in enforce mode") + status.count(
            "processes in kill mode"
        )
        lines = status.lines + ([status.cut] if status.cut else [])
        if enforce:
            names = status.names.get("profiles in enforce mode", [])
            return [
                self.finding(
                    Severity.WARNING,
                    f"AppArmor confinement will be lost: {enforce} profiles in enforce mode, "
                    f"{confined} processes confined",
                    evidence(label, lines),
                    REMEDIATION + (f" Profiles enforced: {listing(names)}." if names else ""),
                )
            ]
        if "profiles in enforce mode" not in status.counts:
            return [
                self.unknown(
                    Unavailable("apparmor", "aa-status printed no profile counts", "\n".join(lines))
                )
            ]
        if complain:
            return [
                self.finding(
                    Severity.INFO,
                    f"AppArmor profiles in complain mode only ({complain}): nothing is enforced",
                    evidence(label, lines),
                )
            ]
        return [self.finding(Severity.PASS, "No AppArmor profile loaded", evidence(label, lines))]


class AuditRules(Check):
    """Kernel audit rules cannot be loaded from a container.

    Beyond the document. The kernel audit subsystem is not virtualised for containers:
    auditd fails to start inside one and rules such as file watches (`-w /etc/passwd`) and
    syscall rules, often there for compliance (PCI DSS, STIG), stop recording.
    """

    id = "security_modules.audit"
    restriction = "security_modules"
    os_family = "linux"
    probes = ("auditctl",)
    title = "Kernel audit rules"

    def evaluate(self, facts: Facts) -> list[Finding]:
        rules = facts.parsed("auditctl", parse_auditctl)
        label = probe_label("auditctl")
        if isinstance(rules, Absent):
            return [
                self.finding(
                    Severity.PASS, "No audit tools (no rules)", evidence(label, [rules.reason])
                )
            ]
        if isinstance(rules, Unavailable):
            return [self.unknown(rules)]
        lines = rules.rules + ([rules.cut] if rules.cut else [])
        if rules.effective:
            return [
                self.finding(
                    Severity.WARNING,
                    f"{len(rules.effective)} audit rules will stop recording"
                    + (" (more not listed)" if rules.cut else ""),
                    evidence(label, lines),
                    "Audit on the node instead (the node sees the container's processes and "
                    "files), or keep the workload on a VM when kernel auditing is a compliance "
                    "requirement; disable auditd in the container.",
                )
            ]
        if rules.cut:
            return [self.unknown(Unavailable("auditctl", rules.cut, "\n".join(lines)))]
        if any(task_never(rule) for rule in rules.rules):
            return [
                self.finding(
                    Severity.INFO,
                    "Only the stock rule that turns syscall auditing off is loaded",
                    evidence(label, lines),
                )
            ]
        return [self.finding(Severity.PASS, "No audit rules loaded", evidence(label, ["No rules"]))]


CHECKS: list[type[Check]] = [AppArmor, AuditRules]
