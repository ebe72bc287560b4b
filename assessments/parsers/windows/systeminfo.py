"""`systeminfo` output: release, product type and system type.

Labels are localised (and some contain a colon: `Page File: Max Size:`), so fields are cut at
the column where the values are aligned, and the facts are found by the shape of their
values: the OS version is the first value that starts with `major.minor.build`, the system
type the first value like `X86-based PC`, `x64-based PC` or `Itanium (TM) -based System`
(these values are not translated). The OS name is the second field, the OS configuration
the fifth, in every language.
"""

import re
from collections import Counter
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode
from assessments.parsers.windows.release import DOMAIN_CONTROLLER, SERVER, WORKSTATION, Release

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)\s*(.*?)\s*$")
_SYSTEM_TYPE = re.compile(r"^(x86|x64|amd64|itanium|ia64|arm64|arm)\b.*based", re.IGNORECASE)
_LABEL = re.compile(r"^(\S[^:]*(?::[^:]+)?):\s+\S")
_NAME_FIELD, _CONFIGURATION_FIELD = 1, 4
# OS Configuration values in English, French, German, Spanish, Italian (checked in order).
_CONFIGURATIONS = [
    (
        re.compile(
            r"domain controller|contr[ôo]leur de domaine|dom[äa]nencontroller"
            r"|controlador de dominio|controller di dominio"
        ),
        DOMAIN_CONTROLLER,
    ),
    (re.compile(r"server|serveur|servidor"), SERVER),
    (
        re.compile(r"workstation|station de travail|arbeitsstation|estaci[óo]n de trabajo"),
        WORKSTATION,
    ),
]


@dataclass(frozen=True)
class SystemInfo:
    release: Release
    system_type: str  # as printed, e.g. "X86-based PC"
    system_type_line: str

    @property
    def architecture(self) -> str | None:
        """x86, x64, ia64 or arm64 from the system type."""
        word = self.system_type.split("-")[0].split()[0].lower() if self.system_type else ""
        return {"x86": "x86", "x64": "x64", "amd64": "x64", "itanium": "ia64", "ia64": "ia64"}.get(
            word, "arm64" if word.startswith("arm") else None
        )


def parse_systeminfo(out: ProbeOutput) -> SystemInfo:
    text = decode(out.stdout)
    fields = _fields(text)
    if len(fields) < 3:
        raise ProbeUnavailable("systeminfo: output has no aligned fields")
    version = next(((v, line) for _, v, line in fields if _VERSION.match(v)), None)
    if version is None:
        raise ProbeUnavailable("systeminfo: no OS version in the output")
    match = _VERSION.match(version[0])
    assert match is not None
    system_type = next(((v, line) for _, v, line in fields if _SYSTEM_TYPE.match(v)), ("", ""))
    caption = fields[_NAME_FIELD][1]
    configuration = fields[_CONFIGURATION_FIELD][1] if len(fields) > _CONFIGURATION_FIELD else ""
    release = Release(
        source="systeminfo",
        major=int(match.group(1)),
        minor=int(match.group(2)),
        build=int(match.group(3)),
        caption=caption,
        product_type=_product_type(configuration),
        service_pack=_service_pack(match.group(4)),
        r2=re.search(r"\bR2\b", caption) is not None,
        lines=(fields[_NAME_FIELD][2], version[1])
        + ((fields[_CONFIGURATION_FIELD][2],) if configuration else ()),
    )
    return SystemInfo(release, system_type[0], system_type[1])


def _fields(text: str) -> list[tuple[str, str, str]]:
    """(label, value, line) of the unindented lines, cut at the values' common column."""
    candidates = [line.rstrip() for line in text.split("\n") if _LABEL.match(line)]
    columns: Counter[int] = Counter()
    for line in candidates:
        colon = line.index(":")
        rest = line[colon + 1 :]
        columns[colon + 1 + len(rest) - len(rest.lstrip())] += 1
    if not columns:
        return []
    column = columns.most_common(1)[0][0]
    fields = []
    for line in (raw.rstrip() for raw in text.split("\n")):
        if not line or line[0].isspace() or ":" not in line[:column]:
            continue
        fields.append((line[:column].rstrip().rstrip(":"), line[column:].strip(), line))
    return fields


def _product_type(configuration: str) -> int | None:
    """From "Standalone Server", "Primary Domain Controller", "Serveur membre"..."""
    lowered = configuration.lower()
    for pattern, kind in _CONFIGURATIONS:
        if pattern.search(lowered):
            return kind
    return None


def _service_pack(rest: str) -> str:
    # "Service Pack 2 Build 3790" / "N/A Build 9600": the words are localised, the digits not.
    found = re.search(r"(\D*?\d+)\s+\S+\s+\d+$", rest)
    return found.group(1).strip() if found and "/" not in found.group(1) else ""
