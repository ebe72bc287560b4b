"""L4: SELinux kernels are not supported; SELinux features are lost in the container."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import explained, mount_table, probe_label
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.selinux import (
    parse_enforce_file,
    parse_getenforce,
    parse_selinux_config,
    parse_sestatus,
)

REMEDIATION = (
    "SELinux confinement will not exist in the container. Accept the loss (document "
    "compensating controls) or keep the workload on a VM or physical host when SELinux is a "
    "compliance requirement. After migration set SELINUX=disabled in the container's "
    "/etc/selinux/config and remove /.autorelabel so tooling stops complaining."
)


# Policies whose confinement is a compliance matter (multi-level security, strict).
MULTI_LEVEL = ("mls", "strict")


class SELinuxMode(Check):
    """SELinux is not supported inside a container; its protection is lost.

    The Parallels document: "SELinux kernels are not supported", and containers share the
    node's kernel, which does not enforce a per-container SELinux policy. A server that
    runs SELinux in enforcing (or permissive, i.e. configured to enforce later) mode loses
    that confinement after migration.
    """

    id = "selinux.mode"
    restriction = "selinux"
    os_family = "linux"
    probes = ("getenforce", "sestatus", "selinux_enforce", "selinux_config")
    title = "SELinux mode"

    def evaluate(self, facts: Facts) -> list[Finding]:
        runtime, source, lines = self._runtime(facts)
        configured = self._configured(facts, lines)
        policy, policy_line = self._policy(facts)
        if policy_line and policy_line not in lines:
            lines.append(policy_line)
        shown = evidence(f"{source or 'getenforce'}; {probe_label('selinux_config')}", lines)
        if policy in MULTI_LEVEL and runtime in ("enforcing", "permissive"):
            # restrictions.md L4: mls/strict policies mean a compliance profile: at least a
            # warning, whatever the mode.
            return [
                self._warning(
                    f"{runtime} with the {policy} policy (multi-level security, usually a "
                    "compliance requirement)",
                    shown,
                )
            ]
        if runtime is None:
            if configured == "enforcing":
                return [self._warning(f"configured {configured} (runtime mode unknown)", shown)]
            missing = Unavailable("getenforce", "SELinux state could not be read", shown)
            return [self.unknown(missing)]
        if runtime == "enforcing":
            return [self._warning(f"enforcing (configured: {configured})", shown)]
        if runtime == "disabled" and configured == "enforcing":
            return [self._warning("disabled now but configured enforcing for the next boot", shown)]
        # restrictions.md L4: permissive and disabled are INFO (nothing is enforced now).
        title = f"SELinux is {runtime} (configured: {configured}): nothing is enforced to lose"
        return [
            self.finding(Severity.INFO, title, shown, REMEDIATION if runtime != "disabled" else "")
        ]

    def _warning(self, state: str, shown: str) -> Finding:
        return self.finding(
            Severity.WARNING,
            f"SELinux is {state}; its protection will be lost in the container",
            shown,
            REMEDIATION,
        )

    @staticmethod
    def _policy(facts: Facts) -> tuple[str, str]:
        """The policy loaded (sestatus) or configured (SELINUXTYPE=), lowercased, and the
        line that names it."""
        status = facts.parsed("sestatus", parse_sestatus)
        if not isinstance(status, Unavailable) and status.policy:
            line = next((x for x in status.lines if status.policy in x and "olicy" in x), "")
            return status.policy.lower(), line
        config = facts.parsed("selinux_config", parse_selinux_config)
        if isinstance(config, Unavailable) or not config.policy_type:
            return "", ""
        line = next((x for x in config.lines if x.startswith("SELINUXTYPE")), "")
        return config.policy_type.lower(), line

    @staticmethod
    def _configured(facts: Facts, lines: list[str]) -> str:
        """The mode configured for the next boot: /etc/selinux/config, else what sestatus
        read from it ("Mode from config file"); "not configured" without a config file."""
        config = facts.parsed("selinux_config", parse_selinux_config)
        if not isinstance(config, Unavailable):
            lines.extend(config.lines)
            if config.mode != "unknown":
                return config.mode
            lines.append(f"(configured value {config.raw_mode!r} is not a valid mode)")
        else:
            lines.extend(explained(config))
        status = facts.parsed("sestatus", parse_sestatus)
        if not isinstance(status, Unavailable) and status.config_mode != "unknown":
            return status.config_mode
        if isinstance(config, Absent):
            return "not configured"
        return "unknown"

    def _runtime(self, facts: Facts) -> tuple[str | None, str, list[str]]:
        """Runtime mode, the probe it came from, and the lines judged on."""
        notes: list[str] = []
        mode = facts.parsed("getenforce", parse_getenforce)
        if not isinstance(mode, Unavailable):
            return mode, probe_label("getenforce"), [f"getenforce: {mode}"]
        notes.extend(explained(mode))
        status = facts.parsed("sestatus", parse_sestatus)
        if not isinstance(status, Unavailable):
            return status.current_mode, probe_label("sestatus"), [*notes, *status.lines]
        notes.extend(explained(status))
        table = mount_table(facts)
        selinuxfs = not isinstance(table, Unavailable) and any(
            mount.fstype == "selinuxfs" for mount in table.mounts
        )
        enforce = facts.parsed("selinux_enforce", parse_enforce_file)
        if not isinstance(enforce, Unavailable) and (enforce != "disabled" or not selinuxfs):
            label = probe_label("selinux_enforce")
            return enforce, label, [*notes, f"enforce file: {enforce}"]
        # Debian/Ubuntu default: no SELinux tools and no selinuxfs means not installed.
        if facts.absent("getenforce") and not isinstance(table, Unavailable) and not selinuxfs:
            notes.append(f"no selinuxfs in {table.label}")
            return "disabled", "getenforce; mounts", [*notes, "SELinux is not installed"]
        return None, "", notes


CHECKS: list[type[Check]] = [SELinuxMode]
