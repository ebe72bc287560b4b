"""Firewall rules: `iptables-save` / `ip6tables-save` and `nft list ruleset`."""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import capped_lines
from assessments.parsers.text import decode


@dataclass
class IptablesTable:
    name: str  # filter, nat, mangle, raw, security
    policies: dict[str, str] = field(default_factory=dict)  # built-in chain -> ACCEPT/DROP
    rules: list[str] = field(default_factory=list)  # "-A INPUT ..." lines


@dataclass(frozen=True)
class IptablesSave:
    tables: list[IptablesTable]
    # Tables iptables-nft could not show (`# Table `filter' is incompatible, use 'nft' tool.`)
    incompatible: list[str] = field(default_factory=list)
    cut: bool = False

    @property
    def rules(self) -> list[str]:
        return [rule for table in self.tables for rule in table.rules]


_INCOMPATIBLE = re.compile(r"^# Table `(\S+)' is incompatible")
_TABLE_LINE = re.compile(r"\*[a-z_]+\s*")


def parse_iptables_save(out: ProbeOutput) -> IptablesSave:
    """`*TABLE`, `:CHAIN POLICY [packets:bytes]`, `-A CHAIN ...` (with `-c`, a leading
    `[packets:bytes]`), `COMMIT`; comments start with `#`."""
    lines, cut = capped_lines(decode(out.stdout))
    tables: list[IptablesTable] = []
    incompatible: list[str] = []
    for raw in lines:
        line = re.sub(r"^\[\d+:\d+\]\s+", "", raw.strip())
        if found := _INCOMPATIBLE.match(line):
            incompatible.append(found.group(1))
        elif _TABLE_LINE.fullmatch(line):  # `*filter`; `* Documentation: ...` is a MOTD's
            tables.append(IptablesTable(line[1:].strip()))
        elif line.startswith(":") and tables:
            chain, _, rest = line[1:].partition(" ")
            tables[-1].policies[chain] = rest.split()[0] if rest.split() else "-"
        elif line.startswith(("-A ", "-I ")) and tables:
            tables[-1].rules.append(f"*{tables[-1].name}: {line}")
        elif line and not line.startswith("#") and line != "COMMIT":
            raise ProbeUnavailable(f"not iptables-save output: {line[:80]!r}")
    return IptablesSave(tables, incompatible, cut)


@dataclass
class NftChain:
    name: str
    hook: str = ""  # "filter hook input priority 0", "" for a regular chain
    policy: str = ""
    rules: list[str] = field(default_factory=list)


@dataclass
class NftTable:
    family: str  # ip, ip6, inet, arp, bridge, netdev
    name: str
    chains: list[NftChain] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)  # set and map names

    @property
    def label(self) -> str:
        return f"table {self.family} {self.name}"

    @property
    def inert(self) -> bool:
        """Nothing in it acts on a packet: no set, no rule, and every base chain accepts (the
        ruleset Debian's stock /etc/nftables.conf loads)."""
        return not self.sets and all(
            not chain.rules and chain.policy in ("", "accept") for chain in self.chains
        )


@dataclass(frozen=True)
class NftRuleset:
    tables: list[NftTable]
    cut: bool = False


_TABLE = re.compile(r"^table\s+(\S+)\s+(\S+)\s*\{")
_CHAIN = re.compile(r"^chain\s+(\S+)\s*\{")
_SET = re.compile(r"^(?:set|map)\s+(\S+)\s*\{")
_HOOK = re.compile(r"^type\s+(.+?);\s*(?:policy\s+(\w+);)?")


def parse_nft_ruleset(out: ProbeOutput) -> NftRuleset:
    """`nft list ruleset`: tables of chains (a base chain starts with `type ... hook ...;`,
    optionally `policy ...;`) holding one rule a line, and sets / maps."""
    lines, cut = capped_lines(decode(out.stdout))
    tables: list[NftTable] = []
    chain: NftChain | None = None
    depth = 0
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if depth == 0:
            found = _TABLE.match(line)
            if not found:
                raise ProbeUnavailable(f"not nft ruleset output: {line[:80]!r}")
            tables.append(NftTable(found.group(1), found.group(2)))
        elif depth == 1 and (found := _CHAIN.match(line)):
            chain = NftChain(found.group(1))
            tables[-1].chains.append(chain)
        elif depth == 1 and (found := _SET.match(line)):
            tables[-1].sets.append(found.group(1))
            chain = None
        elif depth == 2 and chain is not None and line != "}":
            _chain_line(chain, line)
        depth += line.count("{") - line.count("}")
        if depth < 2:
            chain = None
    return NftRuleset(tables, cut)


def _chain_line(chain: NftChain, line: str) -> None:
    hook = _HOOK.match(line)
    if hook and "hook" in hook.group(1):
        chain.hook, chain.policy = hook.group(1), hook.group(2) or ""
    elif line.startswith("policy "):
        chain.policy = line.removeprefix("policy ").rstrip(";").strip()
    else:
        chain.rules.append(line)
