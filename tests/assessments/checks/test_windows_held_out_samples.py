"""Real Windows outputs nobody tuned the checks on, judged against restrictions.md (W1-W4, B12).

Each test feeds one real output (or a few of the same host) as the probe it stands for and
checks the verdict the catalogue asks for.
"""

import pytest

from assessments.checks.architecture import WindowsBitness
from assessments.checks.base import Severity
from assessments.checks.os_version import WindowsGeneration
from assessments.checks.volumes import WindowsVolumeFileSystems
from assessments.checks.windows_limits import (
    WindowsDevices,
    WindowsDrivers,
    WindowsMacAddresses,
    WindowsRoles,
)
from tests.assessments.parsers.windows.samples import crlf, node, sample, windows

OS_WIN7_FR = sample("windows-wmic-os-list-win7-fr-32bits-utf16le.txt")
ARCH = "windows-reg-query-processor-architecture-htb-collection.txt"
DC = "windows-sc-query-ntds-netlogon-dc-collection.txt"


def severities(findings):
    return [str(finding.severity) for finding in findings]


def test_a_french_windows_7_is_a_client_source_and_32_bits_reads_as_32_bit():
    facts = windows(node("2008r2", "x64"), wmic_os=OS_WIN7_FR)
    (generation,) = WindowsGeneration().evaluate(facts)
    assert generation.severity == Severity.BLOCKER and "client" in generation.title
    (bits,) = WindowsBitness().evaluate(facts)
    assert bits.severity == Severity.BLOCKER  # W4: a 32-bit source, a 64-bit node
    assert "OSArchitecture=32 bits" in bits.evidence


@pytest.mark.parametrize(
    ("name", "bits"),
    [
        ("windows-wmic-cpu-list-2003-two-xeon-utf16le.txt", 32),
        ("windows-wmic-cpu-list-2003r2-x64-fr-utf16le.txt", 64),
        ("windows-wmic-cpu-list-win7-32bit-on-x64-cpu-utf16le.txt", 32),
        ("windows-wmic-cpu-list-2008-two-cpu-models-utf16le.txt", 64),
        ("windows-wmic-cpu-list-2019-epyc-utf16le.txt", 64),
    ],
)
def test_the_os_bitness_is_the_address_width_not_the_cpu_architecture(name, bits):
    (finding,) = WindowsBitness().evaluate(windows(node("2008", "x64"), wmic_cpu=sample(name)))
    assert finding.severity == (Severity.PASS if bits == 64 else Severity.BLOCKER)
    assert f"AddressWidth={bits}" in finding.evidence


@pytest.mark.parametrize(("block", "bits"), [(0, "32-bit (x86)"), (1, "64-bit"), (2, "64-bit")])
def test_the_registry_processor_architecture_of_real_servers_gives_their_bitness(block, bits):
    facts = windows(None, reg_processor_arch=sample(ARCH, block))
    (finding,) = WindowsBitness().evaluate(facts)
    assert finding.severity == Severity.INFO and finding.title.startswith(bits)
    assert "PROCESSOR_ARCHITECTURE    REG_SZ" in finding.evidence


def test_a_hyper_v_capable_windows_10_is_a_64_bit_client():
    facts = windows(None, systeminfo=sample("windows-systeminfo-win10-hyperv-crlf.txt"))
    (generation,) = WindowsGeneration().evaluate(facts)
    assert generation.severity == Severity.BLOCKER and "Windows 10" in generation.title
    (bits,) = WindowsBitness().evaluate(facts)
    assert bits.title.startswith("64-bit")


def test_xp_network_drives_and_a_vmware_shared_folder_are_not_migrated():
    out = sample("windows-wmic-logicaldisk-list-xp-network-hgfs-utf16le.txt")
    findings = WindowsVolumeFileSystems().evaluate(windows(None, wmic_logicaldisk=out))
    assert severities(findings) == ["pass", "info"]
    assert findings[0].title.startswith("The local volume C: is NTFS")
    assert "Y: (network)" in findings[1].title and "N: (network)" in findings[1].title


def test_a_running_ntds_service_makes_a_domain_controller_warning():
    facts = windows(None, sc_services=sample(DC, 0), driverquery=_drivers())
    # the running NTDS proves the role: no ProductType probe is needed to say so
    (dc,) = WindowsRoles().evaluate(facts)
    assert dc.severity == Severity.WARNING  # W1/B12: a domain controller is a WARNING
    assert "domain controller" in dc.title and "service ntds" in dc.title
    assert "STATE              : 4  RUNNING" in dc.evidence


def test_a_running_netlogon_alone_is_no_role():
    facts = windows(None, sc_services=sample(DC, 1), driverquery=_drivers())
    findings = WindowsRoles().evaluate(facts)
    assert Severity.WARNING not in [f.severity for f in findings]
    assert Severity.BLOCKER not in [f.severity for f in findings]


def test_a_driverquery_table_is_unknown_not_a_pass():
    out = sample("windows-driverquery-table-xp-excerpt.txt")
    (finding,) = WindowsDrivers().evaluate(windows(None, driverquery=out))
    assert finding.severity == Severity.UNKNOWN
    assert "not its CSV form" in finding.title
    assert "ACPI         Microsoft ACPI Driver  Kernel" in finding.evidence


def test_the_ppp_pseudo_address_of_a_german_xp_is_not_listed_as_a_mac():
    out = sample("windows-ipconfig-all-xp-de-ppp.txt")
    (finding,) = WindowsMacAddresses().evaluate(windows(None, ipconfig=out))
    assert finding.severity == Severity.PASS and finding.title.startswith("1 MAC address ")
    assert "00-50-22-E3-A1-26 (Realtek RTL8139-Familie-PCI-Fast Eth)" in finding.evidence
    assert "00-53-45-00-00-00" not in finding.evidence


def _drivers():
    return sample("windows-driverquery-v-csv-win10.txt")


FLTMC = "windows-fltmc-filters-crowdstrike-cbfs-legacy.txt"


def _fltmc_names():
    text = sample(FLTMC).stdout.decode()
    rows = text.split("-----\n", 1)[1].splitlines()
    return [row.split()[0] for row in rows if row.strip()]


def test_the_third_party_filters_of_a_real_fltmc_listing_warn_as_drivers():
    # Each minifilter is also a driver service, listed by driverquery under system32\drivers:
    # CrowdStrike's CSAgent and the CBFS Connect legacy file system filter must warn, the
    # in-box Windows filters of the same listing must not.
    names = _fltmc_names()
    assert len(names) == 12
    rows = [_driver_row(name) for name in names]
    findings = WindowsDrivers().evaluate(windows(None, driverquery=_driverquery(rows)))
    titles = [f.title for f in findings]
    assert severities(findings) == ["warning", "warning"], titles
    assert titles[0].endswith("CrowdStrike Falcon")
    assert "CBFS" in titles[1] and '"cbfsconnect2017"' in findings[1].evidence
    assert not any(name in " ".join(titles) for name in ("bindflt", "PrjFlt", "Wof"))


def _driver_row(name):
    path = f"C:\\Windows\\system32\\drivers\\{name}.sys"
    return (
        f'"{name}","{name}","{name}","File System ","System","Running","OK","TRUE","FALSE",'
        f'"4,096","65,536","0","1/1/2021 1:00:00 AM","{path}","4,096"'
    )


def _driverquery(rows):
    header = sample("windows-driverquery-v-csv-win10.txt").stdout.decode().splitlines()[0]
    return crlf("\n".join([header, *rows]) + "\n")


@pytest.mark.parametrize(("block", "version"), [(1, "6.0.6002"), (2, "6.0.6003")])
def test_ver_alone_cannot_tell_2008_from_vista_for_a_2008_node(block, version):
    out = sample("windows-cmd-banner-ver-nt5-nt6-ru-collection.txt", block)
    (finding,) = WindowsGeneration().evaluate(windows(node("2008", "x64"), ver=out))
    assert finding.severity == Severity.UNKNOWN  # the server twin would match: never PASS
    assert f"NT {version}" in finding.title


@pytest.mark.parametrize(
    ("block", "destination"), [(0, "2008"), (0, "2008r2"), (1, "2003"), (2, "2008r2")]
)
def test_ver_alone_blocks_when_neither_twin_matches_the_node(block, destination):
    # NT 5.2 is Server 2003 or XP x64, NT 6.0 Server 2008 or Vista: against another
    # generation's node both readings are blockers, so the verdict is certain.
    out = sample("windows-cmd-banner-ver-nt5-nt6-ru-collection.txt", block)
    (finding,) = WindowsGeneration().evaluate(windows(node(destination, "x64"), ver=out))
    assert finding.severity == Severity.BLOCKER
    assert "neither can go to node1" in finding.title
    assert "Microsoft Windows [" in finding.evidence


def test_usb3_root_hubs_of_a_french_windows_7_are_not_devices_the_container_misses():
    out = sample("windows-wmic-usbhub-list-win7-fr-renesas-usb3-utf16le.txt")
    facts = windows(None, usb_devices=out, sc_services=sample(DC, 1), driverquery=_drivers())
    (finding,) = WindowsDevices().evaluate(facts)
    assert finding.severity == Severity.INFO  # a webcam and a keyboard: no dongle, no serial
    assert "Renesas" not in finding.title and "NUSB3" not in finding.evidence
    assert "USB\\VID_046D&PID_08C9\\6BE882AB" in finding.evidence


def test_the_set_of_a_32_bit_web_server_on_64_bit_windows_reads_as_64_bit():
    out = sample("windows-set-wow64-apache-xampp.txt")
    (finding,) = WindowsBitness().evaluate(windows(node("2008r2", "x64"), env=out))
    assert finding.severity == Severity.PASS
    assert "PROCESSOR_ARCHITEW6432=AMD64" in finding.evidence
    (wrong,) = WindowsBitness().evaluate(windows(node("2008r2", "x86"), env=out))
    assert wrong.severity == Severity.BLOCKER


OS_2003R2 = sample("windows-wmic-os-list-2003r2-x64-datacenter-aws.txt")


def test_a_2003_r2_x64_without_os_architecture_goes_to_a_64_bit_2003_node():
    # Real EC2 2003 R2 Datacenter x64 SP2: the caption lacks "R2" (OtherTypeDescription has
    # it), there is no OSArchitecture (the caption's "x64 Edition" tells), and the Name value
    # wraps onto a second line.
    facts = windows(node("2003", "x64"), wmic_os=OS_2003R2)
    (generation,) = WindowsGeneration().evaluate(facts)
    assert generation.severity == Severity.PASS
    assert generation.title.startswith("Windows Server 2003 R2 matches node1")
    assert "OtherTypeDescription=R2" in generation.evidence
    (bits,) = WindowsBitness().evaluate(facts)
    assert bits.severity == Severity.PASS and "x64 Edition" in bits.evidence
    (blocked,) = WindowsGeneration().evaluate(windows(node("2008", "x64"), wmic_os=OS_2003R2))
    assert blocked.severity == Severity.BLOCKER
    assert blocked.title.startswith("Windows Server 2003 R2 cannot go to node1")
