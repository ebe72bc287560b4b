"""wmic Key=Value output: records, encodings, errors."""

import pytest

from assessments.facts import Absent, ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.wmic import records
from tests.assessments.parsers.linux.samples import judged
from tests.assessments.parsers.windows.samples import crcrlf, not_recognized, sample


def test_it_reads_one_record_with_crcrlf_endings():
    (os,) = records(sample("windows-wmic-os-list-2008r2-crcrlf.txt"))
    assert os.get("Version") == "6.1.7601"
    assert os.get("caption") == "Microsoft Windows Server 2008 R2 Standard"


def test_it_reads_records_separated_by_blank_lines_in_utf16le():
    cpus = records(sample("windows-wmic-cpu-list-2003sp2-utf16le.txt"))
    assert [cpu.get("DeviceID") for cpu in cpus] == ["CPU0", "CPU1"]
    assert cpus[0].integer("AddressWidth") == 32


def test_it_reads_the_aligned_cim_layout():
    (os,) = records(sample("windows-cim-os-aligned-2016-nano.txt"))
    assert os.integer("OperatingSystemSKU") == 143
    assert os.get("OSArchitecture") == "64-bit"


def test_it_keeps_the_lines_it_read_for_evidence():
    (os,) = records(sample("windows-wmic-os-list-win7-32bit-crcrlf.txt"))
    assert os.evidence("Version") == ["Version=6.1.7601"]


def test_it_refuses_the_invalid_xsl_error():
    with pytest.raises(ProbeUnavailable, match="style sheet"):
        records(sample("windows-wmic-error-invalid-xsl.txt", rc=None))


def test_it_refuses_table_output():
    with pytest.raises(ProbeUnavailable, match="get /value"):
        records(sample("windows-wmic-logicaldisk-table-cjk-volumename.txt"))


def test_it_reports_the_wmic_error_description():
    out = crcrlf("Node - WIN2003\nERROR:\nDescription = Invalid query\n", rc=-2147217385)
    with pytest.raises(ProbeUnavailable, match="Invalid query"):
        records(out)


def test_it_reports_a_missing_wmic():
    result = judged("wmic_os", not_recognized("wmic"), records, "windows")
    assert isinstance(result, Absent) and "not installed" in result.reason


def test_it_returns_no_records_when_wmic_found_no_instance():
    assert records(crcrlf("No Instance(s) Available.\n")) == []


def test_it_parses_output_after_the_first_run_banner():
    body = "\r\n\r\nVersion=5.2.3790\r\nProductType=3\r\n".encode("utf-16-le")
    (os,) = records(ProbeOutput(b"Please wait while WMIC is being installed.\r\n" + body))
    assert os.integer("ProductType") == 3


def test_it_reports_an_alias_windows_xp_lacks():
    with pytest.raises(ProbeUnavailable, match="Alias not found"):
        records(crcrlf("volume - Alias not found.\n", rc=44135))


@pytest.mark.parametrize("word", ["ERROR:", "ERREUR :", "FEHLER:", "ERRORE:", "ОШИБКА:"])
def test_an_error_heading_in_any_language_is_an_error_not_a_record(word):
    # the words after it are translated too, so its description line would read as Key=Value
    out = crcrlf(f"\n{word}\nX = Y\n\n")
    with pytest.raises(ProbeUnavailable, match="wmic error"):
        records(out)
