"""reg query output of reg.exe 3.0 (XP/2003) and Vista+."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable, Unavailable
from assessments.parsers.windows.reg import parse_reg_query
from tests.assessments.parsers.linux.samples import judged
from tests.assessments.parsers.windows.samples import REG_NOT_FOUND, crlf, sample


def test_it_skips_the_regexe30_banner():
    query = parse_reg_query(sample("windows-reg-query-regexe30-xp2003-devicepath.txt"))
    value = query.value("DevicePath")
    assert value is not None
    assert (value.type, value.data) == ("REG_EXPAND_SZ", "%SystemRoot%\\inf")


def test_it_names_no_name_and_default_values_empty():
    old = parse_reg_query(sample("windows-reg-query-regexe30-noname-default.txt", 0))
    new = parse_reg_query(sample("windows-reg-query-regexe30-noname-default.txt", 1))
    assert [v.name for k in old.keys for v in k.values] == [""]
    assert new.keys[0].values[0].data == '"C:\\Program Files (86)\\Vuze\\Azureus.exe" "%l"'


def test_it_reads_tab_separated_regexe30_values():
    out = crlf("\n! REG.EXE VERSION 3.0\n\nHKEY_LOCAL_MACHINE\\X\n\tOEMCP\tREG_SZ\t850\n")
    assert parse_reg_query(out).value("oemcp").data == "850"


def test_it_reads_dwords_as_numbers():
    out = crlf("\nHKEY_LOCAL_MACHINE\\P\n    NonBestEffortLimit    REG_DWORD    0x14\n")
    assert parse_reg_query(out).value("NonBestEffortLimit").as_int() == 20


def test_it_reads_subkeys_of_a_recursive_query():
    out = crlf(
        "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\QoS\\VoIP\n"
        "    Version    REG_SZ    1.0\n    DSCP Value    REG_SZ    46\n\n"
    )
    (key,) = parse_reg_query(out).keys
    assert key.path.endswith("\\VoIP")
    assert key.value("DSCP Value").data == "46"


def test_it_treats_exit_code_1_as_a_missing_key():
    assert parse_reg_query(REG_NOT_FOUND).found is False


def test_it_treats_a_localised_error_without_exit_code_as_a_missing_key():
    message = "ERREUR : Le système n'a pas trouvé la clé ou la valeur de Registre spécifiée."
    out = ProbeOutput(message.encode("cp850"), b"", None)
    assert parse_reg_query(out).found is False


def test_it_reports_access_denied_rather_than_a_missing_key():
    denied = ProbeOutput(b"", b"ERROR: Access is denied.\r\n", 1)
    result = judged("reg_psched", denied, parse_reg_query, "windows")
    assert isinstance(result, Unavailable) and "access is denied" in result.reason


def test_it_reports_a_syntax_error():
    out = ProbeOutput(b"", b'ERROR: Invalid syntax.\r\nType "REG QUERY /?" for usage.\r\n', 1)
    with pytest.raises(ProbeUnavailable, match="rejected"):
        parse_reg_query(out)
