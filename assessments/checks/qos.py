"""QoS Packet Scheduler (W3): it is disabled inside the container."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.facts import Facts, ProbeOutput, Unavailable
from assessments.parsers.windows.reg import RegQuery, parse_reg_query
from assessments.parsers.windows.sc import START_TYPE_NAMES, STATE_NAMES, ScResult, parse_sc
from assessments.probes import label

_REMEDIATION = (
    "Re-implement the bandwidth shaping and traffic prioritisation on the destination node "
    "(Virtuozzo traffic shaping / network classes) or on the network equipment (DSCP marking "
    "by switch or router ACLs), and remove the policies from the container."
)
# Packet Scheduler group-policy values that change its behaviour.
_TUNING = {
    "nonbesteffortlimit": "reserved bandwidth limit",
    "timerresolution": "timer resolution",
    "maxoutstandingsends": "outstanding packets limit",
}


def parse_sc_query_psched(out: ProbeOutput) -> ScResult:
    return parse_sc(out, "sc query psched")


def parse_sc_qc_psched(out: ProbeOutput) -> ScResult:
    return parse_sc(out, "sc qc psched")


def parse_qos_policies(out: ProbeOutput) -> RegQuery:
    return parse_reg_query(out, "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\QoS")


def parse_psched_policy(out: ProbeOutput) -> RegQuery:
    return parse_reg_query(out, "reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Psched")


class WindowsQosScheduler(Check):
    """The QoS Packet Scheduler does not work in a container.

    The Parallels document "Migration Restrictions for Containers": the QoS Packet Scheduler
    is disabled inside the container after migration. Hosts that only have the scheduler
    installed lose nothing; hosts with QoS policies (policy-based QoS: DSCP marking,
    throttle rates) or Packet Scheduler group-policy tuning lose that traffic
    prioritisation, which the node or the network must then take over.
    """

    id = "qos.scheduler"
    restriction = "qos"
    os_family = "windows"
    probes = ("sc_psched", "reg_qos_policies", "reg_psched")
    extras = ("sc_qc_psched",)  # the start type, shown next to the state
    title = "QoS Packet Scheduler and QoS policies"

    def evaluate(self, facts: Facts) -> list[Finding]:
        service = facts.parsed("sc_psched", parse_sc_query_psched)
        if isinstance(service, Unavailable):
            return [self.unknown(service, "Run `sc query psched` on the host.")]
        shown = [evidence(label("windows", "sc_psched"), service.lines)]
        configured: list[str] = []
        missing: list[Unavailable] = []
        for probe, parser in (
            ("reg_qos_policies", parse_qos_policies),
            ("reg_psched", parse_psched_policy),
        ):
            result = facts.parsed(probe, parser)
            if isinstance(result, Unavailable):
                missing.append(result)
            elif result.found and _settings(probe, result):
                shown.append(evidence(label("windows", probe), result.lines()))
                configured.extend(_settings(probe, result))
        text = "\n".join(shown)
        if not service.installed:
            return [self._not_installed(configured, text)]
        state = _state(service, facts.parsed("sc_qc_psched", parse_sc_qc_psched))
        if configured:
            return [
                self.finding(
                    Severity.WARNING,
                    f"QoS Packet Scheduler ({state}) will be disabled, and with it "
                    + "; ".join(configured),
                    text,
                    _REMEDIATION,
                )
            ]
        findings = [
            self.finding(
                Severity.INFO,
                f"QoS Packet Scheduler ({state}) will be disabled; no QoS policy uses it",
                text,
            )
        ]
        findings.extend(
            self.unknown(m, f"Run `{label('windows', m.probe)}` on the host.") for m in missing
        )
        return findings

    def _not_installed(self, configured: list[str], text: str) -> Finding:
        if configured:
            return self.finding(
                Severity.INFO,
                "QoS settings exist but the QoS Packet Scheduler is not installed: "
                + "; ".join(configured),
                text,
                "The settings have no effect today; nothing changes after migration.",
            )
        return self.finding(
            Severity.PASS, "QoS Packet Scheduler is not installed: nothing to lose", text
        )


def _settings(probe: str, query: RegQuery) -> list[str]:
    """What is configured, in words: one entry per QoS policy or Packet Scheduler value."""
    if probe == "reg_qos_policies":
        found: list[str] = []
        for key in query.keys:
            if key.path.rstrip("\\").lower().endswith("\\windows\\qos"):
                found.extend(f"QoS setting {v.name} = {v.data}" for v in key.values)
            elif key.values:
                name = key.path.rstrip("\\").rsplit("\\", 1)[-1]
                found.append(f"QoS policy '{name}'")
        return found
    tuned = []
    for key in query.keys:
        for value in key.values:
            what = _TUNING.get(value.name.lower(), f"setting {value.name}")
            tuned.append(f"Packet Scheduler {what} = {value.data}")
    return tuned


def _state(service: ScResult, config: ScResult | Unavailable) -> str:
    """ "running", "stopped, start type DISABLED"... from the numbers, not sc's words."""
    current = service.services[0].state if service.services else None
    words = [STATE_NAMES.get(current, f"state {current}").lower() if current else "state unknown"]
    if not isinstance(config, Unavailable) and config.services:
        start = config.services[0].start_type
        if start is not None:
            words.append(f"start type {START_TYPE_NAMES.get(start, str(start)).lower()}")
    return ", ".join(words)


CHECKS: list[type[Check]] = [WindowsQosScheduler]
