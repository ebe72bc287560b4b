"""The Windows release from wmic os, the registry, ver and systeminfo."""

import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.windows.release import (
    DOMAIN_CONTROLLER,
    SERVER,
    parse_product_options,
    parse_reg_product,
    parse_ver,
    parse_wmic_os,
)
from tests.assessments.parsers.windows.samples import (
    REG_NOT_FOUND,
    crcrlf,
    crlf,
    not_recognized,
    reg_value,
    sample,
)

WMIC_2003_R2 = """
BuildNumber=3790
Caption=Microsoft(R) Windows(R) Server 2003, Enterprise Edition
CSDVersion=Service Pack 2
OtherTypeDescription=R2
ProductType=3
Version=5.2.3790
"""


def test_it_reads_2008r2_with_crcrlf_and_a_trailing_space_in_the_caption():
    release = parse_wmic_os(sample("windows-wmic-os-list-2008r2-crcrlf.txt"))
    assert release.version == "6.1.7601"
    assert release.caption == "Microsoft Windows Server 2008 R2 Standard"
    assert release.bits == 64 and release.is_server


def test_it_reads_the_32bit_windows_7_sample_as_a_client():
    release = parse_wmic_os(sample("windows-wmic-os-list-win7-32bit-crcrlf.txt"))
    assert release.bits == 32
    assert release.is_server is False


def test_it_reads_2003_r2_from_other_type_description():
    release = parse_wmic_os(crcrlf(WMIC_2003_R2))
    assert (release.major, release.minor, release.r2) == (5, 2, True)
    assert release.product_type == SERVER and release.service_pack == "Service Pack 2"


def test_it_reads_localised_os_architecture_digits():
    assert parse_wmic_os(crcrlf("OSArchitecture=32 bits\nVersion=6.1.7601\n")).bits == 32


def test_it_reports_wmic_os_without_version():
    with pytest.raises(ProbeUnavailable):
        parse_wmic_os(crcrlf("Caption=Something\n"))


def test_it_reads_the_registry_product_key_of_2008():
    out = crlf(
        "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"
        "    CurrentVersion    REG_SZ    6.0\n    CurrentBuildNumber    REG_SZ    6002\n"
        "    ProductName    REG_SZ    Windows Server (R) 2008 Standard\n"
        "    CSDVersion    REG_SZ    Service Pack 2\n    EditionID    REG_SZ    ServerStandard\n"
    )
    release = parse_reg_product(out)
    assert (release.version, release.is_server) == ("6.0.6002", True)


def test_it_prefers_major_minor_numbers_over_current_version_63():
    out = crlf(
        "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"
        "    CurrentVersion    REG_SZ    6.3\n    CurrentBuildNumber    REG_SZ    17763\n"
        "    CurrentMajorVersionNumber    REG_DWORD    0xa\n"
        "    CurrentMinorVersionNumber    REG_DWORD    0x0\n"
        "    ProductName    REG_SZ    Windows Server 2019 Datacenter\n"
        "    InstallationType    REG_SZ    Server Core\n"
    )
    release = parse_reg_product(out)
    assert release.version == "10.0.17763" and release.server_core


def test_it_reports_a_missing_product_key():
    with pytest.raises(ProbeUnavailable):
        parse_reg_product(REG_NOT_FOUND)


def test_it_maps_product_options_to_product_types():
    key = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions"
    kind, line = parse_product_options(reg_value(key, "ProductType", "REG_SZ", "LanmanNT"))
    assert kind == DOMAIN_CONTROLLER and "LanmanNT" in line


def test_it_reads_ver_digits_only():
    assert parse_ver(sample("windows-cmd-ver-2008r2.txt")).version == "6.1.7601"
    assert parse_ver(crlf("\nMicrosoft Windows [version 5.2.3790]\n")).version == "5.2.3790"


def test_it_reports_ver_without_a_version():
    with pytest.raises(ProbeUnavailable):
        parse_ver(not_recognized("ver"))
