"""driverquery /v /fo csv: columns by position, whatever their localised titles."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.drivers import parse_driverquery
from tests.assessments.parsers.windows.samples import crlf, sample

SAMPLE = "windows-driverquery-v-csv-win10.txt"
GERMAN_HEADER = (
    '"Modulname","Anzeigename","Beschreibung","Treibertyp","Startmodus","Status","Status",'
    '"Beenden annehmen","Anhalten annehmen","Ausgelagerter Pool (Bytes)","Code(Bytes)",'
    '"BSS(Bytes)","Linkdatum","Pfad","Init(Bytes)"'
)


def row(name: str, path: str, state: str = "Running") -> str:
    return (
        f'"{name}","{name}","{name}","Kernel ","Auto","{state}","OK","TRUE","FALSE","0",'
        f'"4,096","0","7/27/2023 9:12:21 AM","{path}","4,096"'
    )


def table(*rows: str) -> ProbeOutput:
    return crlf("\n".join([GERMAN_HEADER, *rows]) + "\n")


def test_it_reads_the_real_verbose_csv_by_position():
    listed = parse_driverquery(sample(SAMPLE))
    assert listed.verbose
    assert [d.name for d in listed.drivers] == ["3ware", "AppvStrm"]
    assert listed.drivers[1].path == "C:\\Windows\\system32\\drivers\\AppvStrm.sys"
    assert listed.drivers[1].kind == "File System"


def test_it_reads_the_english_state_words_only():
    listed = parse_driverquery(sample(SAMPLE))
    assert listed.drivers[0].running is False
    german = table(row("klif", "C:\\x.sys", "Wird ausgeführt"))
    assert parse_driverquery(german).drivers[0].running is None


def test_localised_titles_do_not_matter():
    (driver,) = parse_driverquery(table(row("Tcpip", "C:\\WINDOWS\\system32\\tcpip.sys"))).drivers
    assert driver.name == "Tcpip" and driver.running is True


def test_it_strips_the_nt_prefix_of_paths():
    out = table(row("reaper", "\\??\\C:\\driver\\reaper.sys"))
    assert parse_driverquery(out).drivers[0].path == "C:\\driver\\reaper.sys"


def test_it_finds_the_windows_directory_and_drivers_outside_system32():
    rows = [
        row("Tcpip", "C:\\WINDOWS\\system32\\DRIVERS\\tcpip.sys"),
        row("Ntfs", "C:\\WINDOWS\\system32\\Drivers\\Ntfs.sys"),
        row("Capcom", "C:\\Windows\\drivers\\Capcom.sys"),
        row("eeCtrl", "C:\\Program Files\\Common Files\\Symantec Shared\\EENGINE\\eeCtrl.sys"),
        row("MpKsl0f8ba75", "c:\\ProgramData\\Microsoft\\Windows Defender\\MpKsl0f8ba758.sys"),
    ]
    listed = parse_driverquery(table(*rows))
    assert listed.windows_directory() == "c:\\windows"
    assert [d.name for d in listed.outside_windows()] == ["Capcom", "eeCtrl"]


def test_the_short_form_has_no_paths():
    out = crlf(
        '"Module Name","Display Name","Driver Type","Link Date"\n'
        '"AppvStrm","AppvStrm","File System ",""\n'
    )
    listed = parse_driverquery(out)
    assert not listed.verbose and listed.drivers[0].path == ""
    assert listed.outside_windows() == []


@pytest.mark.parametrize(
    "stdout",
    [
        b"ERROR: Access denied\r\n",
        b"Module Name  Display Name  Driver Type  Link Date\r\n============ ======\r\n",
        b"garbage\x00\xff line\n",
        b'"Module Name","Display Name"\r\n"a","b"\r\n',
    ],
)
def test_anything_but_its_csv_is_not_data(stdout):
    with pytest.raises(ProbeUnavailable):
        parse_driverquery(ProbeOutput(stdout, b"", 0))


def test_a_row_of_another_width_is_not_data():
    out = table('"cut","row"')
    with pytest.raises(ProbeUnavailable, match="fields"):
        parse_driverquery(out)
