"""L4: SELinux kernels are not supported; SELinux features are lost in the container."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import mount_table, probe_label, tool_missing
from assessments.facts import Facts, Unavailable
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
        config = facts.parsed("selinux_config", parse_selinux_config)
        configured = "unknown"
        if isinstance(config, Unavailable):
            lines.append(f"{probe_label('selinux_config')}: {config.reason}")
        else:
            configured = config.mode
            lines.extend(config.lines)
            if config.mode == "unknown":
                lines.append(f"(configured value {config.raw_mode!r} is not a valid mode)")
        if runtime is None:
            if configured in ("enforcing", "permissive"):
                return [self._warning(f"configured {configured}", lines)]
            missing = Unavailable("getenforce", "SELinux state could not be read")
            return [self.unknown(missing)]
        shown = evidence(source, lines)
        if runtime in ("enforcing", "permissive"):
            return [self._warning(f"{runtime} (configured: {configured})", lines)]
        if configured in ("enforcing", "permissive"):
            return [
                self._warning(f"disabled now but configured {configured} for the next boot", lines)
            ]
        return [self.finding(Severity.PASS, f"SELinux is {runtime}", shown)]

    def _warning(self, state: str, lines: list[str]) -> Finding:
        return self.finding(
            Severity.WARNING,
            f"SELinux is {state}; its protection will be lost in the container",
            evidence("getenforce; sestatus; cat /etc/selinux/config", lines),
            REMEDIATION,
        )

    def _runtime(self, facts: Facts) -> tuple[str | None, str, list[str]]:
        """Runtime mode, the probe it came from, and the lines judged on."""
        notes: list[str] = []
        mode = facts.parsed("getenforce", parse_getenforce)
        if not isinstance(mode, Unavailable):
            return mode, probe_label("getenforce"), [f"getenforce: {mode}"]
        notes.append(f"getenforce: {mode.reason}")
        status = facts.parsed("sestatus", parse_sestatus)
        if not isinstance(status, Unavailable):
            return status.current_mode, probe_label("sestatus"), [*notes, *status.lines]
        notes.append(f"sestatus: {status.reason}")
        table = mount_table(facts)
        selinuxfs = not isinstance(table, Unavailable) and any(
            mount.fstype == "selinuxfs" for mount in table.mounts
        )
        enforce = facts.parsed("selinux_enforce", parse_enforce_file)
        if not isinstance(enforce, Unavailable) and (enforce != "disabled" or not selinuxfs):
            label = probe_label("selinux_enforce")
            return enforce, label, [*notes, f"enforce file: {enforce}"]
        # Debian/Ubuntu default: no SELinux tools and no selinuxfs means not installed.
        if (
            tool_missing(facts, "getenforce")
            and not isinstance(table, Unavailable)
            and not selinuxfs
        ):
            notes.append(f"no selinuxfs in {table.label}")
            return "disabled", "getenforce; mounts", [*notes, "SELinux is not installed"]
        return None, "", notes


CHECKS: list[type[Check]] = [SELinuxMode]
