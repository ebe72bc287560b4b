"""`reg query` output of reg.exe 3.0 (XP/2003) and of Vista and later.

reg.exe 3.0 prints a `! REG.EXE VERSION 3.0` banner and a blank line, separates fields with
TABs and names the default value `<NO NAME>`; Vista+ indents with 4 spaces, separates with 4
spaces and names it `(Default)` (localised: `(Standard)`, `(par défaut)`...). Value lines
are read by anchoring on the `REG_*` type token. Exit code 1 with no other error means the
key or value does not exist (the message is localised, the exit code is not).
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_BANNER = re.compile(r"^\s*! REG\.EXE VERSION", re.IGNORECASE)
_KEY = re.compile(r"^\s*(HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)(\\.*)?$", re.IGNORECASE)
_VALUE = re.compile(r"^\s*(.*?)[ \t]+(REG_[A-Z_0-9]+)(?:[ \t]+(.*?))?\s*$")
_ERROR_ONLY = re.compile(r"^(ERROR|ERREUR|FEHLER|ERRORE|ERRO|ОШИБКА)\b[^\n]*$", re.IGNORECASE)
_SYNTAX = re.compile(r"Invalid syntax|Invalid key name|Too many command-line", re.IGNORECASE)


@dataclass(frozen=True)
class RegValue:
    """One registry value; `name` is "" for the default value."""

    name: str
    type: str
    data: str
    line: str

    def as_int(self) -> int | None:
        """REG_DWORD/REG_QWORD data (printed as 0x...) as a number."""
        text = self.data.strip()
        try:
            return int(text, 16) if text.lower().startswith("0x") else int(text)
        except ValueError:
            return None


@dataclass(frozen=True)
class RegKey:
    path: str
    values: tuple[RegValue, ...]
    line: str

    def value(self, name: str) -> RegValue | None:
        wanted = name.lower()
        return next((v for v in self.values if v.name.lower() == wanted), None)


@dataclass(frozen=True)
class RegQuery:
    """The keys a `reg query` printed; `found` is False when the key does not exist."""

    found: bool
    keys: tuple[RegKey, ...] = ()

    def value(self, name: str) -> RegValue | None:
        """The first value of that name in any key."""
        for key in self.keys:
            found = key.value(name)
            if found:
                return found
        return None

    def lines(self) -> list[str]:
        """The key and value lines, for evidence."""
        shown: list[str] = []
        for key in self.keys:
            shown.append(key.line)
            shown.extend(value.line for value in key.values)
        return shown


def parse_reg_text(text: str, label: str = "reg query") -> RegQuery:
    keys: list[RegKey] = []
    path: str | None = None
    key_line = ""
    values: list[RegValue] = []
    for line in text.split("\n"):
        if not line.strip() or _BANNER.match(line):
            continue
        if _KEY.match(line) and "REG_" not in line:
            if path is not None:
                keys.append(RegKey(path, tuple(values), key_line))
            path, key_line, values = line.strip(), line.rstrip(), []
            continue
        match = _VALUE.match(line)
        if match and path is not None:
            values.append(_value(match, line))
    if path is not None:
        keys.append(RegKey(path, tuple(values), key_line))
    if not keys and text.strip():
        first = next(line.strip() for line in text.split("\n") if line.strip())
        raise ProbeUnavailable(f"{label}: unrecognised output ({first[:80]!r})")
    return RegQuery(found=bool(keys), keys=tuple(keys))


def _value(match: re.Match[str], line: str) -> RegValue:
    name = match.group(1).strip()
    if name == "<NO NAME>" or re.fullmatch(r"\(.+\)", name):
        # Value names in parentheses are the localised "(Default)" label of Vista+.
        name = ""
    return RegValue(name, match.group(2), match.group(3) or "", line.rstrip())


def parse_reg_query(out: ProbeOutput, label: str = "reg query") -> RegQuery:
    """Keys and values of one `reg query` probe; a missing key is data (found=False)."""
    text = decode(out.stdout)
    if out.rc == 1 or (out.rc not in (0, None) and not text.strip()):
        err = decode(out.stderr) + text
        if _SYNTAX.search(err):
            raise ProbeUnavailable(f"{label}: reg.exe rejected the command ({err.strip()[:120]})")
        return RegQuery(found=False)
    if out.rc is None and (not text.strip() or _ERROR_ONLY.match(text.strip())):
        # Offline captures keep no exit code: reg prints nothing on stdout for a missing
        # key, or its (localised) ERROR line when stderr was redirected into stdout.
        return RegQuery(found=False)
    return parse_reg_text(text, label)
