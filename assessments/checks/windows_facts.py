"""What the Windows checks know about a host, from whichever probe answered.

Not a restriction module (registers no checks): the os_version and architecture checks
share it. Sources are tried from the most to the least precise, and the answer says which
probe it came from so the evidence shows the command that was judged.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from assessments.checks.base import evidence
from assessments.facts import Facts, ProbeOutput, Unavailable
from assessments.parsers.windows.release import (
    Release,
    parse_product_options,
    parse_reg_product,
    parse_ver,
    parse_wmic_os,
)
from assessments.parsers.windows.systeminfo import parse_systeminfo
from assessments.probes import label

T = TypeVar("T")

# Destination generations a Parallels Virtuozzo Containers for Windows node can run.
DESTINATION_GENERATIONS = {
    "2003": "Windows Server 2003",
    "2008": "Windows Server 2008",
    "2008r2": "Windows Server 2008 R2",
}
_SERVER_10_BUILDS = {14393: "2016", 17763: "2019", 20348: "2022", 26100: "2025"}
_SERVER = {(5, 0): "2000", (5, 2): "2003", (6, 0): "2008", (6, 1): "2008r2", (6, 2): "2012"}
_SERVER[(6, 3)] = "2012r2"
_CLIENT = {(5, 0): "2000 Professional", (5, 1): "XP", (5, 2): "XP x64", (6, 0): "Vista"}
_CLIENT.update({(6, 1): "7", (6, 2): "8", (6, 3): "8.1"})


@dataclass(frozen=True)
class Identified:
    """A release and the evidence (per command) it was read from."""

    release: Release
    evidence: str
    edition_source: str  # probe that told server from client, "" when none did


def generation(release: Release) -> str:
    """ "2003", "2008", "2008r2", "2012r2", "2016"... for servers; "client" for the rest."""
    key = (release.major, release.minor)
    if release.is_server is False:
        return "client"
    if key == (10, 0):
        return _SERVER_10_BUILDS.get(release.build, "2016+")
    return _SERVER.get(key, f"nt{release.major}.{release.minor}")


def judged_generation(release: Release) -> str:
    """The generation os_version.generation judges the host by; "" when it cannot tell a
    server from the client of the same NT version (2008 from Vista, 2008 R2 from 7)."""
    gen = generation(release)
    return "" if release.is_server is None and gen in DESTINATION_GENERATIONS else gen


def display(release: Release) -> str:
    """Human name of the release, e.g. "Windows Server 2008 R2", "Windows 7"."""
    key = (release.major, release.minor)
    if release.is_server is False:
        if key == (10, 0):
            return "Windows 11" if release.build >= 22000 else "Windows 10"
        return f"Windows {_CLIENT.get(key, f'NT {release.major}.{release.minor}')}"
    gen = generation(release)
    if gen == "2003" and release.r2:
        return "Windows Server 2003 R2"  # the 2003 generation (same NT 5.2 kernel)
    if gen in DESTINATION_GENERATIONS:
        return DESTINATION_GENERATIONS[gen]
    if gen == "2000":
        return "Windows 2000 Server"
    if gen.startswith("nt"):
        return f"Windows NT {release.major}.{release.minor}"
    name = gen.replace("r2", " R2").replace("+", " or later")
    return f"Windows Server {name} (build {release.build})"


def parsed_from(
    facts: Facts, sources: list[tuple[str, Callable[[ProbeOutput], T]]]
) -> tuple[list[tuple[str, T]], list[Unavailable]]:
    """Every source's answer, and why the others gave none."""
    answers: list[tuple[str, T]] = []
    missing: list[Unavailable] = []
    for probe, parser in sources:
        result = facts.parsed(probe, parser)
        if isinstance(result, Unavailable):
            missing.append(result)
        else:
            answers.append((probe, result))
    return answers, missing


def _systeminfo_release(out: ProbeOutput) -> Release:
    return parse_systeminfo(out).release


RELEASE_SOURCES: list[tuple[str, Callable[[ProbeOutput], Release]]] = [
    ("wmic_os", parse_wmic_os),
    ("reg_product", parse_reg_product),
    ("systeminfo", _systeminfo_release),
    ("ver", parse_ver),
]


def identify(facts: Facts) -> Identified | Unavailable:
    """The release from the best source, completed by the others (edition, R2, caption)."""
    answers, missing = parsed_from(facts, RELEASE_SOURCES)
    if not answers:
        reasons = "; ".join(m.reason for m in missing)
        return Unavailable("wmic_os", f"no probe told the Windows version ({reasons})")
    probe, release = answers[0]
    blocks = [evidence(label("windows", probe), release.lines)]
    edition_source = probe if release.product_type is not None else ""
    product = facts.parsed("reg_product_options", parse_product_options)
    if release.product_type is None and not isinstance(product, Unavailable):
        release = replace(release, product_type=product[0])
        edition_source = "reg_product_options"
        blocks.append(evidence(label("windows", "reg_product_options"), [product[1]]))
    for other_probe, other in answers[1:]:
        if (other.major, other.minor) != (release.major, release.minor):
            continue
        if release.product_type is None and other.product_type is not None:
            release = replace(release, product_type=other.product_type)
            edition_source = other_probe
            blocks.append(evidence(label("windows", other_probe), other.lines))
        if not release.caption and other.caption:
            release = replace(release, caption=other.caption, r2=release.r2 or other.r2)
            blocks.append(evidence(label("windows", other_probe), other.lines))
        if release.server_core is None and other.server_core is not None:
            release = replace(release, server_core=other.server_core)
    if not edition_source and release.caption:
        edition_source = probe
    return Identified(release, "\n".join(dict.fromkeys(blocks)), edition_source)
