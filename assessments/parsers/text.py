"""Decoding raw command output and recognising output that is an error, not data.

Shared by every parser. Raw output arrives as the command printed it: UTF-8, UTF-16LE with
or without BOM (wmic redirected to a file), OEM code pages (437, 850, 866, 932...), LF,
CRLF, wmic's CRCRLF or a mix of them inside one WinRM stdout, sometimes with wmic's
first-run banner in front (redirected to a file, the banner is written in the console code
page where the UTF-16 BOM should be).
"""

import re

from assessments.facts import ProbeOutput, ProbeUnavailable

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


# (pattern, reason, windows): Windows messages are also recognised in a short stdout
# without exit code, because offline collectors often redirect stderr into stdout.
_FAILURES: list[tuple[re.Pattern[str], str, bool]] = [
    (
        re.compile(r"sudo: (a )?password is required|sudo: no tty present|a terminal is required"),
        "sudo needs a password (configure NOPASSWD for the probe commands, or scan as root)",
        False,
    ),
    (
        re.compile(r"is not in the sudoers file|not allowed to execute"),
        "the user may not run this command with sudo",
        False,
    ),
    (
        # RHEL 5/6 ship `Defaults requiretty`: sudo refuses without a terminal.
        re.compile(r"sudo: sorry, you must have a tty to run sudo"),
        "sudo requires a terminal (requiretty): add `Defaults:<user> !requiretty` to sudoers",
        False,
    ),
    (re.compile(r"Permission denied|Operation not permitted"), "permission denied", False),
    (
        re.compile(
            r"Access is denied|Access denied|Acc[eè]s refus[ée]|Zugriff verweigert"
            r"|Acceso denegado|Accesso negato|Acesso negado|Отказано в доступе",
            re.IGNORECASE,
        ),
        "access is denied",
        True,
    ),
    (
        re.compile(
            r"is not recognized as an internal or external command"
            r"|n'est pas reconnu en tant que commande interne"
            r"|ist entweder falsch geschrieben oder\s+konnte nicht gefunden werden"
            r"|no se reconoce como un comando interno o externo"
            r"|non è riconosciuto come comando interno o esterno",
            re.IGNORECASE,
        ),
        "command not found",
        True,
    ),
    (
        re.compile(r"Invalid XSL format"),
        "wmic could not load its /format style sheet (system locale differs from the install "
        "language); collect with `get /value` instead",
        True,
    ),
    (
        re.compile(r"command not found|not found$|No such file or directory$", re.MULTILINE),
        "command not found",
        False,
    ),
]

_SHORT = 3  # non-blank lines: longer output is data that happens to mention a phrase


def failure_reason(out: ProbeOutput, label: str = "") -> str | None:
    """Why this output is not data, or None when it is (judged on exit code and stderr).

    Exit codes first (126/127 shell, 9009 cmd.exe: command not found); messages are only
    trusted when the command failed or printed nothing, so data mentioning "denied" stays
    data. Without an exit code, a short stdout holding a Windows error message is one.
    """
    what = f"{label}: " if label else ""
    if out.rc in (126, 127, 9009):
        return f"{what}command not found"
    err = decode(out.stderr) if out.stderr else ""
    stdout = decode(out.stdout)
    if out.rc not in (0, None) or not stdout.strip():
        text = err or stdout
        for pattern, reason, _windows in _FAILURES:
            if pattern.search(text):
                return f"{what}{reason}"
    elif out.rc is None and len([line for line in stdout.split("\n") if line.strip()]) <= _SHORT:
        for pattern, reason, windows in _FAILURES:
            if windows and pattern.search(stdout):
                return f"{what}{reason}"
    return None


def require_data(out: ProbeOutput, label: str = "") -> str:
    """The decoded stdout, or ProbeUnavailable when the output is an error message."""
    reason = failure_reason(out, label)
    if reason:
        raise ProbeUnavailable(reason)
    return decode(out.stdout)
