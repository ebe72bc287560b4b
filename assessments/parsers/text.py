"""Decoding raw command output and recognising output that is an error, not data.

Shared by every parser. Raw output arrives as the command printed it: UTF-8, UTF-16LE with
BOM (wmic redirected to a file), OEM code pages, LF, CRLF or wmic's CRCRLF, sometimes with
wmic's first-run banner in front.
"""

import re

from assessments.facts import ProbeOutput, ProbeUnavailable

WMIC_BANNER = "Please wait while WMIC is being installed."


def decode(raw: bytes, oem_codepage: str = "cp437") -> str:
    """Text of raw output, with a BOM stripped and line endings normalised to LF."""
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
            text = raw.decode(oem_codepage, errors="replace")
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace(WMIC_BANNER, "").lstrip("\ufeff")


def _looks_utf16le(raw: bytes) -> bool:
    # wmic's banner can replace the BOM: ASCII text in UTF-16LE has NUL at odd offsets.
    sample = raw[:200]
    if len(sample) < 4:
        return False
    odd_nuls = sample[1::2].count(0)
    return odd_nuls >= len(sample[1::2]) * 0.8 and sample[0::2].count(0) < len(sample[0::2]) * 0.2


def lines(raw: bytes) -> list[str]:
    return decode(raw).split("\n")


_FAILURES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"sudo: (a )?password is required|sudo: no tty present|a terminal is required"),
        "sudo needs a password (configure NOPASSWD for the probe commands, or scan as root)",
    ),
    (
        re.compile(r"is not in the sudoers file|not allowed to execute"),
        "the user may not run this command with sudo",
    ),
    (re.compile(r"Permission denied|Operation not permitted"), "permission denied"),
    (
        re.compile(r"Access is denied|Acc[eè]s refus[ée]|Zugriff verweigert", re.IGNORECASE),
        "access is denied",
    ),
    (re.compile(r"is not recognized as an internal or external command"), "command not found"),
    (
        re.compile(r"command not found|not found$|No such file or directory$", re.MULTILINE),
        "command not found",
    ),
]


def failure_reason(out: ProbeOutput, label: str = "") -> str | None:
    """Why this output is not data, or None when it is (judged on exit code and stderr)."""
    what = f"{label}: " if label else ""
    if out.rc in (126, 127, 9009):
        return f"{what}command not found"
    err = decode(out.stderr) if out.stderr else ""
    if out.rc not in (0, None) or not out.stdout.strip():
        text = err or decode(out.stdout)
        for pattern, reason in _FAILURES:
            if pattern.search(text):
                return f"{what}{reason}"
    return None


def require_data(out: ProbeOutput, label: str = "") -> str:
    """The decoded stdout, or ProbeUnavailable when the output is an error message."""
    reason = failure_reason(out, label)
    if reason:
        raise ProbeUnavailable(reason)
    return decode(out.stdout)
