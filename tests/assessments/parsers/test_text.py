"""Decoding raw output: encodings, BOMs, wmic's banner, line endings."""

from assessments.parsers.text import decode, lines
from tests.conftest import sample_bytes

BANNER = b"Please wait while WMIC is being installed."


def test_it_decodes_utf16le_with_bom():
    text = decode(sample_bytes("windows-wmic-cpu-list-2003sp2-utf16le.txt"))
    assert "AddressWidth=32" in text.split("\n")
    assert "\r" not in text and "\x00" not in text


def test_it_decodes_utf16le_without_bom():
    assert (
        decode("Caption=C:\r\nDriveType=3\r\n".encode("utf-16-le")) == "Caption=C:\nDriveType=3\n"
    )


def test_it_strips_the_wmic_banner_that_replaced_the_bom():
    body = "\r\n\r\nDriveType=3\r\nFileSystem=NTFS\r\n".encode("utf-16-le")
    text = decode(BANNER + b"\r\n" + body)
    assert text.lstrip("\n").startswith("DriveType=3\nFileSystem=NTFS")


def test_it_strips_the_wmic_banner_followed_by_a_bom():
    body = "\r\nDriveType=3\r\n".encode("utf-16-le")
    assert decode(BANNER + b"\r\n\xff\xfe" + body).strip() == "DriveType=3"


def test_it_strips_the_wmic_banner_glued_to_utf16_text():
    assert decode(BANNER + "Version=5.2\r\n".encode("utf-16-le")).strip() == "Version=5.2"


def test_it_strips_the_wmic_banner_in_a_piped_stream():
    text = decode(BANNER + b"\r\r\nVersion=5.2.3790\r\r\n")
    assert text.strip() == "Version=5.2.3790"


def test_it_strips_the_wmic_banner_written_in_utf16():
    text = decode(b"\xff\xfe" + (BANNER.decode() + "\r\nVersion=6.0.6002\r\n").encode("utf-16-le"))
    assert text.strip() == "Version=6.0.6002"


def test_it_normalises_crcrlf_to_lf():
    text = decode(sample_bytes("windows-wmic-os-list-2008r2-crcrlf.txt"))
    assert text.split("\n")[1] == "BuildNumber=7601"
    assert "" not in text.split("\n")[1:5]


def test_it_accepts_mixed_line_endings_in_one_stream():
    text = decode(sample_bytes("windows-winrm-ipconfig-all-pywinrm-stream.txt"))
    assert "\r" not in text
    assert "   Host Name . . . . . . . . . . . . : WINDOWS-HOST" in text.split("\n")


def test_it_strips_a_utf8_bom_and_inner_boms_of_concatenated_parts():
    part = "\ufeffKey=1\r\n".encode("utf-16-le")
    assert decode(b"\xef\xbb\xbfa\n") == "a\n"
    assert decode(b"\xff\xfe" + part + part).split("\n")[:2] == ["Key=1", "Key=1"]


def test_it_decodes_oem_code_pages_when_not_utf8():
    raw = "Volume in drive C is Données\r\n".encode("cp850")
    assert "Données" in decode(raw, "850")
    assert "Données" in decode(raw, "cp850")


def test_it_falls_back_to_cp437_for_an_unknown_code_page():
    assert decode("é".encode("cp437"), "no-such-codepage") == "é"


def test_it_keeps_utf8_text_as_utf8():
    assert decode("资料与工具\n".encode()) == "资料与工具\n"


def test_lines_splits_decoded_text():
    assert lines(b"a\r\nb\r\n") == ["a", "b", ""]
