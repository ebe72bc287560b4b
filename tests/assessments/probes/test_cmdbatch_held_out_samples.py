"""Real Windows outputs carried through one batch line, split, and judged as the product does."""

from assessments.checks.architecture import WindowsBitness
from assessments.checks.base import Severity
from assessments.checks.os_version import WindowsGeneration
from assessments.checks.windows_limits import WindowsMacAddresses, WindowsRoles
from assessments.facts import ProbeOutput
from assessments.lab.cmdexe import run_cmd
from assessments.probes import WINDOWS, cmdbatch
from tests.assessments.parsers.windows.samples import blocks, node, windows

TOKEN = "fedcba9876543210"
IDS = ("ver", "reg_processor_arch", "sc_services", "driverquery", "ipconfig")


def console(raw: bytes, codepage: str = "cp850") -> bytes:
    """A pasted (UTF-8, LF) output as a German console writes it: OEM code page, CRLF."""
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode(codepage)


def test_real_outputs_survive_the_batch_and_give_the_catalogue_verdicts():
    probes = [WINDOWS[probe_id] for probe_id in IDS]
    assert all(map(cmdbatch.batchable, probes))
    raw = {
        "ver": b"\r\n" + blocks("windows-cmd-banner-ver-nt5-nt6-ru-collection.txt")[0],
        "reg_processor_arch": b"\r\n"
        + blocks("windows-reg-query-processor-architecture-htb-collection.txt")[0]
        + b"\r\n",
        "sc_services": blocks("windows-sc-query-ntds-netlogon-dc-collection.txt")[0],
        "driverquery": blocks("windows-driverquery-v-csv-win10.txt")[0],
        "ipconfig": blocks("windows-ipconfig-all-xp-de-ppp.txt")[0],
    }
    outputs = {p.script: ProbeOutput(console(raw[p.id]), b"", 0) for p in probes}
    (line,) = [cmdbatch.command_line(group, TOKEN) for group in cmdbatch.batches(probes, TOKEN)]
    out = run_cmd(line, lambda command: outputs[command])
    split = cmdbatch.split(out.stdout, out.stderr, TOKEN, probes)
    assert split.understood and split.current is None
    facts = windows(node("2008", "x86"), **split.finished)

    (generation,) = WindowsGeneration().evaluate(facts)
    assert generation.severity == Severity.BLOCKER  # NT 5.2: 2003 or XP x64, never 2008
    (bits,) = WindowsBitness().evaluate(facts)
    assert bits.severity == Severity.PASS and "REG_SZ    x86" in bits.evidence
    roles = WindowsRoles().evaluate(facts)
    assert roles[0].severity == Severity.WARNING and "domain controller" in roles[0].title
    (macs,) = WindowsMacAddresses().evaluate(facts)
    assert macs.title.startswith("1 MAC address ") and "Realtek RTL8139" in macs.evidence
    assert "00-50-22-E3-A1-26" in macs.evidence
