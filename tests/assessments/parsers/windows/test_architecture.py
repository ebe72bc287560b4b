"""OS architecture from the registry, wmic cpu and the environment."""

import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.windows.architecture import (
    parse_cpu_arch,
    parse_env_arch,
    parse_processor_arch,
)
from assessments.parsers.windows.codepage import parse_oem_codepage
from assessments.parsers.windows.env import parse_env
from tests.assessments.parsers.windows.samples import REG_NOT_FOUND, crcrlf, crlf, reg_value, sample

ENV_KEY = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"


def test_it_reads_amd64_from_the_registry():
    reading = parse_processor_arch(reg_value(ENV_KEY, "PROCESSOR_ARCHITECTURE", "REG_SZ", "AMD64"))
    assert (reading.architecture, reading.bits) == ("x64", 64)


def test_it_reads_the_registry_value_of_regexe30():
    out = crlf(f"\n! REG.EXE VERSION 3.0\n\n{ENV_KEY}\n\tPROCESSOR_ARCHITECTURE\tREG_SZ\tx86\n")
    assert parse_processor_arch(out).architecture == "x86"


def test_it_reports_a_missing_registry_value():
    with pytest.raises(ProbeUnavailable):
        parse_processor_arch(REG_NOT_FOUND)


def test_it_reads_address_width_of_the_2003_cpu_sample():
    reading = parse_cpu_arch(sample("windows-wmic-cpu-list-2003sp2-utf16le.txt"))
    assert reading.architecture == "x86"
    assert "AddressWidth=32" in reading.lines


def test_it_reads_itanium_from_the_cpu_architecture_code():
    assert parse_cpu_arch(crcrlf("AddressWidth=64\nArchitecture=6\n")).architecture == "ia64"


def test_a_32bit_process_on_64bit_windows_is_a_64bit_os():
    out = crlf("PROCESSOR_ARCHITECTURE=x86\nPROCESSOR_ARCHITEW6432=AMD64\nOS=Windows_NT\n")
    reading = parse_env_arch(out)
    assert reading.architecture == "x64"
    assert reading.lines == ("PROCESSOR_ARCHITECTURE=x86", "PROCESSOR_ARCHITEW6432=AMD64")


def test_env_names_are_case_insensitive():
    assert (
        parse_env(crlf("Path=C:\\WINDOWS\nprocessor_architecture=x86\n"))["PATH"] == "C:\\WINDOWS"
    )


def test_it_reads_the_oem_code_page():
    key = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage"
    assert parse_oem_codepage(reg_value(key, "OEMCP", "REG_SZ", "850")) == "cp850"
