"""Checks os_version.generation and os_version.server_role (W1)."""

from assessments.checks.base import Severity
from assessments.checks.os_version import WindowsGeneration, WindowsServerRole
from tests.assessments.parsers.windows.samples import (
    crcrlf,
    crlf,
    node,
    not_recognized,
    reg_value,
    sample,
    windows,
)

OS_2008R2 = sample("windows-wmic-os-list-2008r2-crcrlf.txt")
OS_2012R2 = sample("windows-wmic-os-list-2012r2-crcrlf.txt")
OS_WIN7 = sample("windows-wmic-os-list-win7-32bit-crcrlf.txt")
SYSTEMINFO_2003 = sample("windows-systeminfo-2003sp2-x86.txt")
VER_61 = sample("windows-cmd-ver-2008r2.txt")
OPTIONS = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions"


def generation(facts):
    return WindowsGeneration().evaluate(facts)


def test_ids_are_the_registered_ones():
    assert WindowsGeneration.id == "os_version.generation"
    assert WindowsServerRole.id == "os_version.server_role"


def test_it_passes_2008r2_on_a_2008r2_node():
    (finding,) = generation(windows(node("2008r2"), wmic_os=OS_2008R2))
    assert finding.severity == Severity.PASS
    assert "$ wmic os get /value" in finding.evidence
    assert "Version=6.1.7601" in finding.evidence


def test_it_blocks_2008r2_on_a_2008_node():
    (finding,) = generation(windows(node("2008"), wmic_os=OS_2008R2))
    assert finding.severity == Severity.BLOCKER
    assert "different generations" in finding.title
    assert "Windows Server 2008 R2 node" in finding.remediation


def test_it_blocks_2003_on_a_2008_node():
    (finding,) = generation(windows(node("2008"), systeminfo=SYSTEMINFO_2003))
    assert finding.severity == Severity.BLOCKER
    assert "OS Version:                5.2.3790" in finding.evidence


def test_it_passes_2003_from_systeminfo_on_a_2003_node():
    (finding,) = generation(windows(node("2003"), systeminfo=SYSTEMINFO_2003))
    assert finding.severity == Severity.PASS


def test_it_says_which_node_is_needed_without_destination():
    (finding,) = generation(windows(None, wmic_os=OS_2008R2))
    assert finding.severity == Severity.INFO
    assert "needs a Windows Server 2008 R2 destination node" in finding.title


def test_a_node_without_windows_version_is_like_no_destination():
    (finding,) = generation(windows(node(""), wmic_os=OS_2008R2))
    assert finding.severity == Severity.INFO


def test_it_blocks_a_windows_host_on_a_linux_node():
    (finding,) = generation(windows(node(os_family="linux"), wmic_os=OS_2008R2))
    assert finding.severity == Severity.BLOCKER


def test_it_blocks_2012r2_as_an_unsupported_source():
    (finding,) = generation(windows(None, wmic_os=OS_2012R2))
    assert finding.severity == Severity.BLOCKER
    assert "Windows Server 2012r2" not in finding.title
    assert "2012 R2" in finding.title


def test_it_blocks_windows_7_as_a_client_edition():
    (finding,) = generation(windows(node("2008r2"), wmic_os=OS_WIN7))
    assert finding.severity == Severity.BLOCKER
    assert "Windows 7" in finding.title and "client" in finding.title


def test_it_blocks_2016_from_the_aligned_cim_sample():
    facts = windows(None, wmic_os=sample("windows-cim-os-aligned-2016-nano.txt"))
    (finding,) = generation(facts)
    assert finding.severity == Severity.BLOCKER and "2016" in finding.title


def test_it_treats_2003_r2_as_the_2003_generation():
    out = crcrlf(
        "Caption=Microsoft(R) Windows(R) Server 2003, Standard Edition\n"
        "OtherTypeDescription=R2\nProductType=3\nVersion=5.2.3790\n"
    )
    (finding,) = generation(windows(node("2003"), wmic_os=out))
    assert finding.severity == Severity.PASS


def test_it_falls_back_to_ver_and_product_options_when_wmic_is_missing():
    options = reg_value(OPTIONS, "ProductType", "REG_SZ", "ServerNT")
    facts = windows(
        node("2008r2"), wmic_os=not_recognized("wmic"), ver=VER_61, reg_product_options=options
    )
    (finding,) = generation(facts)
    assert finding.severity == Severity.PASS
    assert "ServerNT" in finding.evidence


def test_ver_alone_cannot_tell_2008r2_from_windows_7():
    (finding,) = generation(windows(node("2008r2"), ver=VER_61))
    assert finding.severity == Severity.UNKNOWN


def test_it_is_unknown_when_no_probe_answered():
    (finding,) = generation(windows(node("2008"), wmic_os=not_recognized("wmic")))
    assert finding.severity == Severity.UNKNOWN
    assert "not installed" in finding.title


def test_it_warns_about_a_domain_controller():
    out = crcrlf(
        "Caption=Microsoft Windows Server 2008 Enterprise\nProductType=2\nVersion=6.0.6002\n"
    )
    (finding,) = WindowsServerRole().evaluate(windows(None, wmic_os=out))
    assert finding.severity == Severity.WARNING
    assert "ProductType=2" in finding.evidence


def test_it_warns_about_server_core():
    out = crlf(
        "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"
        "    CurrentVersion    REG_SZ    6.1\n    CurrentBuildNumber    REG_SZ    7601\n"
        "    ProductName    REG_SZ    Windows Server 2008 R2 Enterprise\n"
        "    InstallationType    REG_SZ    Server Core\n"
    )
    options = reg_value(OPTIONS, "ProductType", "REG_SZ", "ServerNT")
    findings = WindowsServerRole().evaluate(
        windows(None, reg_product=out, reg_product_options=options)
    )
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "Server Core" in findings[0].title


def test_it_passes_a_member_server():
    (finding,) = WindowsServerRole().evaluate(windows(None, systeminfo=SYSTEMINFO_2003))
    assert finding.severity == Severity.PASS


def test_role_is_unknown_without_a_product_type():
    (finding,) = WindowsServerRole().evaluate(windows(None, wmic_os=OS_2008R2))
    assert finding.severity == Severity.UNKNOWN
