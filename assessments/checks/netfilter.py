"""B4 (beyond the document): a container's firewall is limited by what the node grants it
(netfilter modes and modules; no nftables or ipset on legacy kernels)."""

import re

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.checks.linux_common import counted, failures, listing, probe_label
from assessments.checks.platforms import LEGACY, destination_platform
from assessments.facts import Absent, Facts, Unavailable
from assessments.parsers.linux.modules import parse_proc_modules
from assessments.parsers.linux.netfilter import (
    IptablesSave,
    NftTable,
    parse_iptables_save,
    parse_nft_ruleset,
)

NAT = re.compile(r"-j (MASQUERADE|SNAT|DNAT|REDIRECT|NETMAP)\b")
CONNTRACK = re.compile(
    r"-m (state|conntrack|helper|connmark|connlimit)\b|--ctstate|-j (NOTRACK|CT|CONNMARK)\b"
)
IPSET = re.compile(r"-m set\b|--match-set\b|-j SET\b")
# nft rules that need NAT (netfilter mode full) or connection tracking (stateful).
NFT_NAT = re.compile(r"\b(masquerade|snat|dnat|redirect|netmap)\b", re.IGNORECASE)
NFT_CONNTRACK = re.compile(
    r"\bct (state|status|mark|helper|zone|direction)\b|\bnotrack\b|\bflow add\b"
    r'|xt match "(conntrack|state|connmark|helper)"'
)
NETFILTER_MODULES = re.compile(
    r"(nf|xt|ipt|ip6t|iptable|ip6table|nft|ebt|ip_set)_?\w*|ip_tables|ip6_tables|x_tables"
)

IPTABLES_REMEDIATION = (
    "Re-create the rules inside the container and give it what they need: on Virtuozzo 6u6 "
    "and 7 the netfilter mode (prlctl set CT --netfilter stateful for connection tracking, "
    "full for NAT); on legacy OpenVZ / PVC 4.x the modules in the container's IPTABLES= "
    "list (ipt_state, iptable_nat, ipt_MASQUERADE...). ipset is available in containers on "
    "Virtuozzo 7 only. NAT for other hosts belongs on the node or a router."
)
NFT_REMEDIATION = (
    "Legacy OpenVZ / PVC 4.x kernels (2.6.18 / 2.6.32) have no nftables: rewrite the rules for "
    "iptables or choose a Virtuozzo 7 destination. On Virtuozzo 7, check that the container's "
    "netfilter mode allows the rules (prlctl set CT --netfilter full for NAT)."
)


def _kinds(save: IptablesSave) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {"ipset": [], "nat": [], "conntrack": [], "filter": []}
    for rule in save.rules:
        if IPSET.search(rule):
            kinds["ipset"].append(rule)
        elif rule.startswith("*nat:") or NAT.search(rule):
            kinds["nat"].append(rule)
        elif CONNTRACK.search(rule):  # in *raw too: only NOTRACK / CT rules touch conntrack
            kinds["conntrack"].append(rule)
        else:
            kinds["filter"].append(rule)
    return kinds


def _closed_policies(save: IptablesSave) -> list[str]:
    return [
        f"*{table.name}: :{chain} {policy}"
        for table in save.tables
        for chain, policy in table.policies.items()
        if policy in ("DROP", "REJECT")
    ]


class IptablesRules(Check):
    """Firewall rules need netfilter features the node must grant the container.

    Beyond the document. Containers get only the netfilter modules (legacy OpenVZ / PVC 4.x:
    the IPTABLES= list) or the netfilter mode (Virtuozzo 6u6 and 7: disabled, stateless,
    stateful, full) the node allows. NAT needs full, connection tracking stateful; ipset is
    not available in containers on legacy nodes. Rules the container may not load fail when
    the firewall starts.
    """

    id = "netfilter.iptables"
    restriction = "netfilter"
    os_family = "linux"
    probes = ("iptables_save", "ip6tables_save")
    extras = ("proc_modules",)  # the netfilter modules loaded, next to the rules
    title = "iptables rules"

    def evaluate(self, facts: Facts) -> list[Finding]:
        saves = {p: facts.parsed(p, parse_iptables_save) for p in self.probes}
        failed = failures(*saves.values())
        kinds: dict[str, list[str]] = {"ipset": [], "nat": [], "conntrack": [], "filter": []}
        lines: list[str] = []
        notes = [f"({r.reason})" for r in saves.values() if isinstance(r, Unavailable)]
        hidden = False  # tables only nft shows, or a listing cut at its limit
        for probe, save in saves.items():
            if isinstance(save, Unavailable):
                continue
            family = "IPv6" if probe == "ip6tables_save" else "IPv4"
            for kind, rules in _kinds(save).items():
                kinds[kind] += rules
                lines += [f"{family} {rule}" for rule in rules]
            lines += [f"{family} {p}" for p in _closed_policies(save)]
            notes += [
                f"{family}: table {t} is managed by nft (see netfilter.nftables)"
                for t in save.incompatible
            ]
            notes += [f"{family}: output cut, more rules exist"] if save.cut else []
            hidden = hidden or save.cut or bool(save.incompatible)
        notes += self._modules(facts)
        platform = destination_platform(facts)
        label = f"{probe_label('iptables_save')}; {probe_label('ip6tables_save')}"
        needs = []
        if kinds["ipset"]:
            needs.append(f"ipset matches ({counted(len(kinds['ipset']), 'rule')})")
        if kinds["nat"]:
            needs.append(f"NAT ({counted(len(kinds['nat']), 'rule')}: netfilter mode full)")
        if kinds["conntrack"]:
            needs.append(
                f"connection tracking ({counted(len(kinds['conntrack']), 'rule')}: mode stateful)"
            )
        if needs:
            blocker = bool(kinds["ipset"]) and platform.id == LEGACY
            return [
                self.finding(
                    Severity.BLOCKER if blocker else Severity.WARNING,
                    "The firewall rules need netfilter features the node must grant the "
                    f"container: {'; '.join(needs)}",
                    evidence(label, [*notes, platform.note, *lines]),  # notes first: rules are cut
                    IPTABLES_REMEDIATION,
                )
            ]
        if failed:
            return [self.unknown(failed)]
        if lines or hidden:
            return [
                self.finding(
                    Severity.INFO,
                    f"Stateless firewall rules ({counted(len(kinds['filter']), 'rule')}): "
                    "re-create them inside the container",
                    evidence(label, notes + lines),
                    IPTABLES_REMEDIATION,
                )
            ]
        return [
            self.finding(
                Severity.PASS,
                "No iptables rules",
                evidence(label, notes or ["no rule, all policies ACCEPT"]),
            )
        ]

    @staticmethod
    def _modules(facts: Facts) -> list[str]:
        modules = facts.parsed("proc_modules", parse_proc_modules)
        if isinstance(modules, Unavailable):
            return []
        names = [m.name for m in modules if NETFILTER_MODULES.fullmatch(m.name)]
        return [f"netfilter modules loaded: {listing(names, 12)}"] if names else []


class NftablesRuleset(Check):
    """nftables rulesets need a kernel the legacy platforms do not have.

    Beyond the document. nftables appeared in Linux 3.13: legacy OpenVZ / Parallels Virtuozzo
    Containers 4.x nodes (2.6.18 / 2.6.32 kernels) cannot load an nft ruleset at all;
    Virtuozzo 7 grants containers nftables within their netfilter mode. firewalld on RHEL 8+
    and Debian 10+ writes its rules with nftables, iptables-nft too.
    """

    id = "netfilter.nftables"
    restriction = "netfilter"
    os_family = "linux"
    probes = ("nft_ruleset",)
    title = "nftables ruleset"

    def evaluate(self, facts: Facts) -> list[Finding]:
        ruleset = facts.parsed("nft_ruleset", parse_nft_ruleset)
        label = probe_label("nft_ruleset")
        if isinstance(ruleset, Absent):
            return [
                self.finding(
                    Severity.PASS, "nftables is not installed", evidence(label, [ruleset.reason])
                )
            ]
        if isinstance(ruleset, Unavailable):
            return [self.unknown(ruleset)]
        used = [t for t in ruleset.tables if not t.inert]
        lines = [
            f"{t.label}: {counted(len(t.chains), 'chain')}, "
            f"{counted(sum(len(c.rules) for c in t.chains), 'rule')}"
            + (f", sets {', '.join(t.sets)}" if t.sets else "")
            for t in ruleset.tables
        ]
        lines += ["(output cut: more rules exist)"] if ruleset.cut else []
        platform = destination_platform(facts)
        if used:
            legacy = platform.id == LEGACY
            compat = all(
                t.family in ("ip", "ip6")
                and t.name in ("filter", "nat", "mangle", "raw", "security")
                for t in used
            )
            what = " (iptables-nft tables)" if compat else ""
            needs, shown = _nft_needs(used)
            return [
                self.finding(
                    Severity.BLOCKER if legacy else Severity.WARNING,
                    f"An nftables ruleset is loaded{what}: "
                    + (
                        "legacy kernels have no nftables"
                        if legacy
                        else "the container's netfilter mode must allow it"
                    )
                    + (f" ({'; '.join(needs)})" if needs else "")
                    + f": {listing([t.label for t in used])}",
                    evidence(label, [*lines, *shown, platform.note]),
                    NFT_REMEDIATION,
                )
            ]
        if ruleset.tables:
            return [
                self.finding(
                    Severity.INFO,
                    "Only nftables tables that filter nothing (no rule, no set, every chain "
                    "accepts): drop them or re-create them inside the container",
                    evidence(label, lines),
                )
            ]
        return [
            self.finding(Severity.PASS, "No nftables ruleset", evidence(label, ["empty ruleset"]))
        ]


def _nft_needs(tables: list[NftTable]) -> tuple[list[str], list[str]]:
    """What the rules need of the container's netfilter mode, and the rules that say so."""
    nat = [
        f"{t.label} {c.name}: {rule}"
        for t in tables
        for c in t.chains
        for rule in c.rules
        if NFT_NAT.search(rule)
    ]
    nat_chains = [c for t in tables for c in t.chains if c.hook.startswith("nat ")]
    tracked = [
        f"{t.label} {c.name}: {rule}"
        for t in tables
        for c in t.chains
        for rule in c.rules
        if NFT_CONNTRACK.search(rule)
    ]
    needs = ["NAT: mode full"] if nat or nat_chains else []
    needs += ["connection tracking: mode stateful"] if tracked else []
    return needs, (nat + tracked)[:12]


CHECKS: list[type[Check]] = [IptablesRules, NftablesRuleset]
