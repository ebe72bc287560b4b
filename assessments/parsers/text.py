"""Decoding raw command output: shared by every parser and by the judgement of outputs
(`assessments.probes.outcomes`, which decides whether an output is data at all).

Raw output arrives as the command printed it: UTF-8, UTF-16LE with or without BOM (wmic
redirected to a file), OEM code pages (437, 850, 866, 932...), LF, CRLF, wmic's CRCRLF or a
mix of them inside one WinRM stdout, sometimes with wmic's first-run banner in front
(redirected to a file, the banner is written in the console code page where the UTF-16 BOM
should be).
"""

WMIC_BANNER = "Please wait while WMIC is being installed."
_BANNER_BYTES = WMIC_BANNER.encode("ascii")
_BANNER_UTF16 = WMIC_BANNER.encode("utf-16-le")


def decode(raw: bytes, oem_codepage: str = "cp437") -> str:
    """Text of raw output: BOMs and wmic's banner stripped, line endings normalised to LF.

    `oem_codepage` (e.g. "cp850", "850") decodes bytes that are not valid UTF-8: console
    programs on Windows write in the OEM code page (OEMCP in the registry).
    """
    raw = _strip_leading_banner(raw)
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le", errors="replace")
    elif raw.startswith(b"\xfe\xff"):
        text = raw[2:].decode("utf-16-be", errors="replace")
    elif _looks_utf16le(raw):
        text = raw.decode("utf-16-le", errors="replace")
    else:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(_codec(oem_codepage), errors="replace")
    # Concatenated captures can hold a BOM per part; NULs come from odd-length UTF-16 or
    # from tools that separate items with NUL (fsutil fsinfo drives).
    text = text.replace("\ufeff", "").replace("\x00", " ")
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    if WMIC_BANNER in text:
        text = "\n".join(line for line in text.split("\n") if line.strip() != WMIC_BANNER)
    return text


def _codec(codepage: str) -> str:
    """A Python codec name for a Windows code page ("850" -> "cp850"); cp437 if unknown."""
    name = codepage.strip().lower()
    if name.isdigit():
        name = "utf-8" if name == "65001" else f"cp{name}"
    try:
        "".encode(name)
    except LookupError:
        return "cp437"
    return name


def _strip_leading_banner(raw: bytes) -> bytes:
    """Remove wmic's banner written before the output, realigning UTF-16 that follows it."""
    start = raw.lstrip(b"\r\n ")
    if start.startswith(b"\xff\xfe" + _BANNER_UTF16) or start.startswith(_BANNER_UTF16):
        return raw  # written in UTF-16 with the rest: the text-level filter removes it
    if not start.startswith(_BANNER_BYTES):
        return raw
    rest = start[len(_BANNER_BYTES) :]
    # The BOM is gone and the CR/LF after the banner are single bytes: find where the
    # UTF-16LE text (NUL in every odd byte) begins again.
    for offset in range(0, min(len(rest), 6)):
        candidate = rest[offset:]
        aligned = candidate[1:2] == b"\x00" and candidate[:1] != b"\x00"
        if candidate.startswith(b"\xff\xfe") or (aligned and _looks_utf16le(candidate)):
            return candidate
    return rest


def _looks_utf16le(raw: bytes) -> bool:
    # ASCII text in UTF-16LE has NUL at odd offsets and (almost) none at even ones.
    sample = raw[:200]
    if len(sample) < 4:
        return False
    odd, even = sample[1::2], sample[0::2]
    return odd.count(0) >= len(odd) * 0.8 and even.count(0) < len(even) * 0.2


def lines(raw: bytes) -> list[str]:
    return decode(raw).split("\n")
