"""Check architecture.bitness (W4)."""

from assessments.checks.architecture import WindowsBitness
from assessments.checks.base import Severity
from tests.assessments.parsers.windows.samples import (
    crcrlf,
    crlf,
    node,
    not_recognized,
    reg_value,
    sample,
    windows,
)

ENV_KEY = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
OS_2008R2 = sample("windows-wmic-os-list-2008r2-crcrlf.txt")
CPU_2003_X86 = sample("windows-wmic-cpu-list-2003sp2-utf16le.txt")
SYSTEMINFO_2003 = sample("windows-systeminfo-2003sp2-x86.txt")
WOW64_ENV = crlf("PROCESSOR_ARCHITECTURE=x86\nPROCESSOR_ARCHITEW6432=AMD64\n")


def bitness(facts):
    return WindowsBitness().evaluate(facts)


def registry(value):
    return reg_value(ENV_KEY, "PROCESSOR_ARCHITECTURE", "REG_SZ", value)


def test_id_is_the_registered_one():
    assert WindowsBitness.id == "architecture.bitness"


def test_it_passes_64bit_2008r2_on_an_x64_node():
    (finding,) = bitness(windows(node("2008r2", "x64"), wmic_os=OS_2008R2))
    assert finding.severity == Severity.PASS
    assert "OSArchitecture=64-bit" in finding.evidence


def test_it_blocks_32bit_2003_on_an_x64_node():
    facts = windows(node("2003", "x64"), wmic_cpu=CPU_2003_X86, systeminfo=SYSTEMINFO_2003)
    (finding,) = bitness(facts)
    assert finding.severity == Severity.BLOCKER
    assert "AddressWidth=32" in finding.evidence
    assert "System Type:               X86-based PC" in finding.evidence


def test_a_32bit_process_on_64bit_windows_counts_as_64bit():
    (finding,) = bitness(windows(node("2008", "x64"), env=WOW64_ENV))
    assert finding.severity == Severity.PASS
    assert "PROCESSOR_ARCHITEW6432=AMD64" in finding.evidence


def test_it_blocks_64bit_on_an_x86_node():
    (finding,) = bitness(windows(node("2008", "x86"), reg_processor_arch=registry("AMD64")))
    assert finding.severity == Severity.BLOCKER
    assert "32-bit (x86) node" in finding.title


def test_it_says_which_node_is_needed_without_destination():
    (finding,) = bitness(windows(None, reg_processor_arch=registry("x86")))
    assert finding.severity == Severity.INFO
    assert "needs a 32-bit (x86) destination node" in finding.title


def test_it_reads_x64_edition_from_a_2003_caption():
    out = crcrlf(
        "Caption=Microsoft Windows Server 2003 R2 Enterprise x64 Edition\nVersion=5.2.3790\n"
    )
    (finding,) = bitness(windows(node("2003", "x64"), wmic_os=out))
    assert finding.severity == Severity.PASS


def test_it_blocks_itanium():
    out = crcrlf("AddressWidth=64\nArchitecture=6\nDataWidth=64\n")
    (finding,) = bitness(
        windows(node("2008", "x64"), wmic_cpu=out, reg_processor_arch=registry("IA64"))
    )
    assert finding.severity == Severity.BLOCKER
    assert "Itanium" in finding.title


def test_it_is_unknown_when_sources_disagree():
    facts = windows(
        node("2003", "x86"), reg_processor_arch=registry("AMD64"), wmic_cpu=CPU_2003_X86
    )
    (finding,) = bitness(facts)
    assert finding.severity == Severity.UNKNOWN
    assert "64-bit (x64)" in finding.title and "32-bit (x86)" in finding.title


def test_it_is_unknown_without_any_source():
    (finding,) = bitness(windows(node("2003", "x86"), wmic_os=not_recognized("wmic")))
    assert finding.severity == Severity.UNKNOWN
    assert "not installed" in finding.title
