"""Windows generation (W1): a Windows container runs the node's own Windows.

Rule for 2008 R2: Windows Server 2008 (NT 6.0) and 2008 R2 (NT 6.1) are different
generations with different kernels and system files, and a container shares the node's, so
a 2008 R2 source needs a 2008 R2 node and a 2008 source a 2008 (RTM/SP2) node. Server 2003
R2 is the 2003 generation (same NT 5.2 kernel) and goes to a 2003 node.
"""

from dataclasses import replace

from assessments.checks.base import Check, Finding, Severity
from assessments.checks.windows_facts import (
    DESTINATION_GENERATIONS,
    Identified,
    display,
    generation,
    identify,
    judged_generation,
)
from assessments.facts import Facts, Unavailable
from assessments.parsers.windows.release import DOMAIN_CONTROLLER, WORKSTATION

_RELEASE_PROBES = ("wmic_os", "reg_product", "reg_product_options", "systeminfo", "ver")
_2008S = {"2008", "2008r2"}
_UNSUPPORTED = (
    "No container node runs {name}: migrate this host to a virtual machine (P2V) instead, "
    "or rebuild its workload on Windows Server 2003, 2008 or 2008 R2 (changing the OS "
    "before migration is a project of its own)."
)
_MISMATCH = (
    "Assign this host to a {needed} node: a container runs its node's Windows, so the "
    "generations must be the same."
)


class WindowsGeneration(Check):
    """Windows Server 2003 sources go only to 2003 nodes, 2008 only to 2008.

    The Parallels document "Migration Restrictions for Containers" allows Windows Server
    2008 sources only into Windows Server 2008 containers and Windows Server 2003 sources
    only into Windows Server 2003 containers. A Windows container shares the kernel and
    system files of its node, so the source must be the generation the node runs. 2008 R2
    is treated as its own generation: a 2008 R2 source needs a 2008 R2 node, and 2008 and
    2008 R2 do not mix. Client editions (XP, Vista, 7) and Windows Server 2012 or later have
    no container node to go to.
    """

    id = "os_version.generation"
    restriction = "os_version"
    os_family = "windows"
    probes = _RELEASE_PROBES
    title = "Windows generation matches the destination node"

    def evaluate(self, facts: Facts) -> list[Finding]:
        found = identify(facts)
        if isinstance(found, Unavailable):
            return [self.unknown(found, "Run `wmic os get /value` or `ver` on the host.")]
        release, name = found.release, display(found.release)
        gen = generation(release)
        if release.is_server is False:
            title = f"{name} is a client edition: not a supported source"
            return [self._blocker(found, title, _UNSUPPORTED.format(name=name))]
        if gen not in DESTINATION_GENERATIONS:
            title = f"{name} is not a supported source (no container node runs it)"
            return [self._blocker(found, title, _UNSUPPORTED.format(name=name))]
        if not judged_generation(release):
            twin = display(replace(release, product_type=WORKSTATION))
            mismatch = self._neither_matches(facts, found, gen, f"{name} or {twin}")
            if mismatch is not None:
                return [mismatch]
            return [
                self.finding(
                    Severity.UNKNOWN,
                    f"Could not tell {name} from {twin} (both NT {release.version})",
                    found.evidence,
                    "Collect `wmic os get /value` or the ProductOptions registry value.",
                )
            ]
        return [self._against_destination(facts, found, gen, name)]

    def _against_destination(self, facts: Facts, found: Identified, gen: str, name: str) -> Finding:
        dest = facts.destination
        needed = DESTINATION_GENERATIONS[gen]
        if dest is None or (dest.os_family == "windows" and not dest.windows_version):
            return self.finding(
                Severity.INFO,
                f"{name}: needs a {needed} destination node",
                found.evidence,
                f"Assign this host to a {needed} node.",
            )
        if dest.os_family != "windows":
            title = f"{name} cannot go to {dest.name}, a Linux node"
            return self._blocker(found, title, _MISMATCH.format(needed=needed))
        wanted = DESTINATION_GENERATIONS.get(dest.windows_version, dest.windows_version)
        if dest.windows_version != gen:
            pair = {dest.windows_version, gen}
            extra = " (2008 and 2008 R2 are different generations)" if pair == _2008S else ""
            title = f"{name} cannot go to {dest.name}, a {wanted} node{extra}"
            return self._blocker(found, title, _MISMATCH.format(needed=needed))
        return self.finding(Severity.PASS, f"{name} matches {dest.name} ({wanted})", found.evidence)

    def _neither_matches(
        self, facts: Facts, found: Identified, gen: str, names: str
    ) -> Finding | None:
        """A blocker when the server reading (`gen`) does not match the destination node
        either: the client twin never matches, so server or client, the host cannot go."""
        dest = facts.destination
        if dest is None or (dest.os_family == "windows" and not dest.windows_version):
            return None
        if dest.os_family == "windows" and dest.windows_version == gen:
            return None
        needed = DESTINATION_GENERATIONS[gen]
        where = (
            "a Linux node"
            if dest.os_family != "windows"
            else "a "
            + DESTINATION_GENERATIONS.get(dest.windows_version, dest.windows_version)
            + " node"
        )
        title = f"{names} (NT {found.release.version}): neither can go to {dest.name}, {where}"
        return self._blocker(found, title, _MISMATCH.format(needed=needed))

    def _blocker(self, found: Identified, title: str, remediation: str) -> Finding:
        return self.finding(Severity.BLOCKER, title, found.evidence, remediation)


class WindowsServerRole(Check):
    """Domain controllers and Server Core installations need a closer look.

    A domain controller's directory service and its bindings to the machine's network
    identity may not be supported inside a container (verify against the destination
    product's documentation before migrating one); Server Core installations lack the GUI
    tools some container management agents expect.
    """

    id = "os_version.server_role"
    restriction = "os_version"
    os_family = "windows"
    probes = _RELEASE_PROBES
    title = "Domain controller or Server Core"

    def evaluate(self, facts: Facts) -> list[Finding]:
        found = identify(facts)
        if isinstance(found, Unavailable):
            return [self.unknown(found, "Run `wmic os get /value` on the host.")]
        release = found.release
        findings = []
        if release.product_type == DOMAIN_CONTROLLER:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "Host is a domain controller",
                    found.evidence,
                    "Check that the destination product supports domain controllers in "
                    "containers; otherwise move the role to another server first.",
                )
            )
        if release.server_core:
            findings.append(
                self.finding(
                    Severity.WARNING,
                    "Host is a Server Core installation",
                    found.evidence,
                    "Check that the migration and management tools support Server Core.",
                )
            )
        if findings:
            return findings
        if release.product_type is None:
            return [
                self.finding(
                    Severity.UNKNOWN,
                    "Could not tell whether the host is a domain controller",
                    found.evidence,
                    "Collect `wmic os get /value` (ProductType) or the ProductOptions registry "
                    "value.",
                )
            ]
        return [self.finding(Severity.PASS, "Not a domain controller", found.evidence)]


CHECKS: list[type[Check]] = [WindowsGeneration, WindowsServerRole]
