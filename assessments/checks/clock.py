"""B5 (beyond the document): a container cannot set the system clock: the node keeps time for
all its containers."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import listing, probe_label
from assessments.facts import Facts, Unavailable
from assessments.parsers.linux.clock import Directive, parse_ntp_config
from assessments.parsers.linux.processes import Process, matching, parse_ps

TIME_DAEMONS = {
    r"ntpd|xntpd": "ntpd",
    r"chronyd": "chronyd",
    r"systemd-timesyncd": "systemd-timesyncd",
    r"openntpd": "ntpd",
}
PTP_DAEMONS = {
    r"ptp4l": "PTP clock (linuxptp ptp4l)",
    r"phc2sys": "PTP hardware clock sync (phc2sys)",
    r"timemaster": "linuxptp timemaster",
    r"ts2phc": "PTP hardware clock from a time source (ts2phc)",
}
CLIENT_REMEDIATION = (
    "Disable the time daemon inside the container after migration (it cannot set the clock "
    "and some versions refuse to start); make sure the node itself synchronises its time."
)
SERVER_REMEDIATION = (
    "The container cannot discipline the clock (ntpd and chronyd cannot adjust it without "
    "the SYS_TIME capability), so it serves the node's time at best. Point the clients at "
    "the node or another NTP server, or keep this service on a VM; chronyd -x serves time "
    "without adjusting the clock."
)
HARDWARE_REMEDIATION = (
    "A container has no access to PTP hardware clocks, PPS or GPS devices: run the time "
    "service on the node (it then serves every container), or migrate this server to a VM "
    "with the device passed through."
)


def _daemons(processes: list[Process]) -> dict[str, list[Process]]:
    found: dict[str, list[Process]] = {}
    for process, daemon in matching(processes, TIME_DAEMONS):
        found.setdefault(daemon, []).append(process)
    return found


class TimeSync(Check):
    """A container cannot set the clock: time synchronisation belongs to the node.

    Beyond the document. Containers share the node's clock and are denied settimeofday /
    adjtimex (no SYS_TIME capability): ntpd or chronyd inside one cannot keep time and
    some versions refuse to start. A source that is an NTP server for other hosts can at
    best pass on the node's time.
    """

    id = "clock.time_sync"
    restriction = "clock"
    os_family = "linux"
    probes = ("ps", "ntp_config")
    title = "Time synchronisation"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        config = facts.parsed("ntp_config", parse_ntp_config)
        label = f"{probe_label('ps')}; {probe_label('ntp_config')}"
        if isinstance(processes, Unavailable) or isinstance(config, Unavailable):
            return [self.unknown([r for r in (processes, config) if isinstance(r, Unavailable)])]
        daemons = _daemons(processes)
        lines = [f"running: {p.args}" for found in daemons.values() for p in found]
        if not daemons:
            files = ", ".join(config.files) or "none"
            return [
                self.finding(
                    Severity.PASS,
                    "No time synchronisation daemon runs",
                    evidence(label, ["none running", f"configuration files: {files}"]),
                )
            ]
        # The configuration tells a client from a server only for a daemon that runs.
        serving: list[Directive] = []
        for daemon in daemons:
            serving += config.serving(daemon)
            lines += [f"{d.path}: {d.line}" for d in config.sources(daemon)[:6]]
        if serving:
            return [
                self.finding(
                    Severity.WARNING,
                    f"This host serves time to others ({listing(sorted(daemons))}): a "
                    "container cannot keep the time it serves",
                    evidence(label, lines + [f"{d.path}: {d.line}" for d in serving]),
                    SERVER_REMEDIATION,
                )
            ]
        return [
            self.finding(
                Severity.INFO,
                f"Time comes from the node after migration: disable {listing(sorted(daemons))} in "
                "the container",
                evidence(label, lines),
                CLIENT_REMEDIATION,
            )
        ]


class HardwareClock(Check):
    """PTP, PPS and GPS reference clocks are hardware a container cannot reach.

    Beyond the document. Precision time (PTP with ptp4l / phc2sys, PPS or GPS reference clocks
    feeding ntpd or chrony) reads a hardware clock device and sets the system clock: neither
    is possible in a container.
    """

    id = "clock.hardware"
    restriction = "clock"
    os_family = "linux"
    probes = ("ps", "ntp_config")
    title = "Hardware reference clocks"

    def evaluate(self, facts: Facts) -> list[Finding]:
        processes = facts.parsed("ps", parse_ps)
        config = facts.parsed("ntp_config", parse_ntp_config)
        label = f"{probe_label('ps')}; {probe_label('ntp_config')}"
        if isinstance(processes, Unavailable):
            return [self.unknown(processes)]
        ptp = matching(processes, PTP_DAEMONS)
        lines = [f"{what}: {p.args}" for p, what in ptp]
        lines += [f"GPS daemon: {p.args}" for p in processes if p.command == "gpsd"]
        clocks: list[Directive] = []
        if isinstance(config, Unavailable):
            if not ptp:  # a reference clock in the configuration cannot be ruled out
                return [self.unknown(config)]
            lines.append(f"({config.reason})")
        else:
            for daemon in sorted(_daemons(processes).keys() & {"ntpd", "chronyd"}):
                clocks += config.reference_clocks(daemon)
                lines += [
                    f"{d.path}: {d.line}  [the hypervisor's clock, no hardware]"
                    for d in config.hypervisor_clocks(daemon)
                ]
        lines += [f"{d.path}: {d.line}" for d in clocks]
        if ptp or clocks:
            what = [w for _, w in ptp] + [f"reference clock `{d.line}`" for d in clocks]
            return [
                self.finding(
                    Severity.BLOCKER,
                    f"This host keeps time from hardware clocks: {listing(what, 4)}",
                    evidence(label, lines),
                    HARDWARE_REMEDIATION,
                )
            ]
        return [
            self.finding(
                Severity.PASS,
                "No PTP daemon or hardware reference clock",
                evidence(label, lines or ["none"]),
            )
        ]


CHECKS: list[type[Check]] = [TimeSync, HardwareClock]
