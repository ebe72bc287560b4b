"""A parser that recognised no line of an output is not "no items" (`parsers.linux.unread`).

Every line parser of a "list of things" probe is fed (a) real text a host printed instead of
the tool's answer (a MOTD, a nologin shell's message: `linux-probe-failure-texts-collection`)
and (b) the tool's real empty answer. The first is unavailable, quoting what was printed;
the second is an empty result.
"""

from collections.abc import Callable

import pytest

from assessments.facts import ProbeOutput, Unavailable
from assessments.parsers.linux.block import (
    parse_dmsetup,
    parse_lvs,
    parse_mdstat,
    parse_multipath,
)
from assessments.parsers.linux.clock import parse_ntp_config
from assessments.parsers.linux.hardware import parse_cmdline as parse_console_cmdline
from assessments.parsers.linux.hardware import parse_lspci, parse_lsusb, parse_tty_serial
from assessments.parsers.linux.identity import parse_dmi_ids
from assessments.parsers.linux.kernel import parse_cmdline, parse_uname
from assessments.parsers.linux.kernel_services import (
    parse_drbd,
    parse_exportfs,
    parse_exports,
    parse_ip_vs,
)
from assessments.parsers.linux.licenses import parse_license_scan
from assessments.parsers.linux.memory import parse_meminfo, parse_swaps, parse_sysctl_conf
from assessments.parsers.linux.modules import (
    parse_modules_config,
    parse_proc_modules,
    parse_tainted,
)
from assessments.parsers.linux.netfilter import parse_iptables_save, parse_nft_ruleset
from assessments.parsers.linux.netlinks import links_from_sys_net, parse_ip_link, parse_ip_xfrm
from assessments.parsers.linux.processes import parse_ps
from assessments.parsers.linux.security import parse_aa_status, parse_auditctl
from assessments.parsers.linux.virt import parse_virt_markers
from tests.assessments.parsers.linux.samples import blocks, judged, out, text

FAILURES = "linux-probe-failure-texts-collection.txt"
EMPTY = "linux-empty-answers-mdstat-ipvs-exports-multipath-collection.txt"
MOTD, NOLOGIN = 24, 29  # Ubuntu 12.10's MOTD; `This account is currently not available.`

PARSERS: list[tuple[str, Callable[..., object]]] = [
    ("mdstat", parse_mdstat),
    ("dmsetup", parse_dmsetup),
    ("multipath", parse_multipath),
    ("exports", parse_exports),
    ("exportfs", parse_exportfs),
    ("proc_drbd", parse_drbd),
    ("ip_vs", parse_ip_vs),
    ("proc_cmdline", parse_cmdline),
    ("proc_cmdline", parse_console_cmdline),
    ("virt_markers", parse_virt_markers),
    ("mac_addresses", links_from_sys_net),
    ("ntp_config", parse_ntp_config),
    ("modules_config", parse_modules_config),
    ("license_scan", parse_license_scan),
]
# Parsers that refused such text before this mechanism (in their own words): held to it.
REFUSING: list[tuple[str, Callable[..., object]]] = [
    ("lvs", parse_lvs),
    ("uname", parse_uname),
    ("proc_modules", parse_proc_modules),
    ("kernel_tainted", parse_tainted),
    ("iptables_save", parse_iptables_save),
    ("nft_ruleset", parse_nft_ruleset),
    ("lsusb", parse_lsusb),
    ("lspci", parse_lspci),
    ("tty_serial", parse_tty_serial),
    ("dmi_ids", parse_dmi_ids),
    ("proc_swaps", parse_swaps),
    ("meminfo", parse_meminfo),
    ("sysctl_conf", parse_sysctl_conf),
    ("apparmor", parse_aa_status),
    ("auditctl", parse_auditctl),
    ("ip_link", parse_ip_link),
    ("ip_xfrm", parse_ip_xfrm),
    ("ps", parse_ps),
]
ALL = PARSERS + REFUSING


@pytest.mark.parametrize("block", [MOTD, NOLOGIN])
@pytest.mark.parametrize(("probe", "parser"), ALL, ids=[f"{p}-{f.__name__}" for p, f in ALL])
def test_text_the_tool_never_prints_is_unavailable_and_quoted(
    probe: str, parser: Callable[..., object], block: int
) -> None:
    found = judged(probe, out(FAILURES, block), parser)
    assert isinstance(found, Unavailable)
    first = blocks(FAILURES)[block].decode().strip().split("\n")[0]
    assert first in found.evidence
    if (probe, parser) in PARSERS:  # `Reading` names the first line it could not read
        assert first[:40] in found.reason


@pytest.mark.parametrize(
    ("probe", "parser", "block"),
    [
        ("mdstat", parse_mdstat, 0),
        ("ip_vs", parse_ip_vs, 1),
        ("exports", parse_exports, 2),
        ("multipath", parse_multipath, 3),
        ("multipath", parse_multipath, 4),
    ],
)
def test_a_real_empty_answer_is_an_empty_result(
    probe: str, parser: Callable[..., object], block: int
) -> None:
    found = judged(probe, out(EMPTY, block), parser)
    assert not isinstance(found, Unavailable)
    assert not getattr(found, "services", found)


def test_drbd_9_with_only_its_version_lines_lists_no_resource() -> None:
    drbd = parse_drbd(out("linux-proc-drbd-collection.txt", 2))
    assert drbd.version.startswith("9") and drbd.resources == []


@pytest.mark.parametrize(
    ("probe", "parser"),
    [
        ("dmsetup", parse_dmsetup),
        ("multipath", parse_multipath),
        ("exportfs", parse_exportfs),
        ("virt_markers", parse_virt_markers),
        ("ntp_config", parse_ntp_config),
        ("modules_config", parse_modules_config),
    ],
)
def test_an_empty_output_is_still_none(probe: str, parser: Callable[..., object]) -> None:
    empty = "No devices found\n" if probe == "dmsetup" else ""
    found = judged(probe, text(empty), parser)
    assert not isinstance(found, Unavailable)


def test_a_motd_before_the_tools_own_empty_answer_leaves_it_empty() -> None:
    motd = blocks(FAILURES)[MOTD] + blocks(EMPTY)[0]
    assert judged("mdstat", ProbeOutput(motd, b"", 0), parse_mdstat) == []


def test_a_line_not_understood_inside_an_empty_table_is_unavailable() -> None:
    # The stock ip_vs header, then a line in no form this parser knows: it may be the service.
    lines = blocks(EMPTY)[1] + b"XYZ  something else\n"
    found = judged("ip_vs", ProbeOutput(lines, b"", 0), parse_ip_vs)
    assert isinstance(found, Unavailable)
    assert "XYZ  something else" in found.reason


def test_unread_lines_beside_items_stay_out_of_the_result() -> None:
    mdstat = blocks("linux-proc-mdstat-insights-collection.txt")[2]
    lines = blocks(FAILURES)[MOTD] + mdstat
    arrays = parse_mdstat(ProbeOutput(lines, b"", 0))
    assert arrays == parse_mdstat(ProbeOutput(mdstat, b"", 0))
    assert [a.name for a in arrays] == ["md1", "md2", "md3"]


def test_a_real_command_line_is_read_and_a_sentence_is_not() -> None:
    cmdline = out("linux-proc-cmdline-collection.txt", 1)
    assert "root=/dev/mapper/vg00-root" in parse_cmdline(cmdline)
    assert parse_console_cmdline(cmdline).text.startswith("BOOT_IMAGE=")
    assert parse_cmdline(text("")) == []  # an empty /proc/cmdline: no parameter
