"""Which Windows release a host runs, read from wmic, the registry, systeminfo or `ver`.

Numbers decide (Version, BuildNumber, ProductType, CurrentVersion); captions only tell a
server from a client edition when no ProductType was printed, and are trimmed because wmic
pads them with a trailing space. Server 2003 R2 says `R2` in OtherTypeDescription, not in
its caption.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode
from assessments.parsers.windows.reg import parse_reg_query
from assessments.parsers.windows.wmic import records

WORKSTATION, DOMAIN_CONTROLLER, SERVER = 1, 2, 3
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_BITS = re.compile(r"(\d\d)")
# ProductOptions\ProductType, the registry twin of Win32_OperatingSystem.ProductType.
_PRODUCT_OPTIONS = {"winnt": WORKSTATION, "lanmannt": DOMAIN_CONTROLLER, "servernt": SERVER}


@dataclass(frozen=True)
class Release:
    """What one probe says about the release; fields it did not print are None or ""."""

    source: str
    major: int
    minor: int
    build: int
    caption: str = ""
    product_type: int | None = None
    service_pack: str = ""
    r2: bool = False
    server_core: bool | None = None
    bits: int | None = None
    lines: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.build}"

    @property
    def is_server(self) -> bool | None:
        """Server edition? From ProductType, else from the caption (names say "Server")."""
        if self.product_type is not None:
            return self.product_type != WORKSTATION
        if self.caption:
            return "server" in self.caption.lower()
        return None


def parse_wmic_os(out: ProbeOutput) -> Release:
    """`wmic os get /value` (or /format:list, or an aligned CIM dump)."""
    found = records(out, "wmic os get /value")
    if not found:
        raise ProbeUnavailable("wmic os get /value: no instance printed")
    os = found[0]
    version = _VERSION.search(os.get("Version"))
    if not version:
        raise ProbeUnavailable("wmic os get /value: no Version property")
    caption = os.get("Caption").strip()
    bits = _BITS.search(os.get("OSArchitecture"))
    return Release(
        source="wmic_os",
        major=int(version.group(1)),
        minor=int(version.group(2)),
        build=os.integer("BuildNumber") or int(version.group(3)),
        caption=caption,
        product_type=os.integer("ProductType"),
        service_pack=os.get("CSDVersion").strip(),
        r2="R2" in os.get("OtherTypeDescription").upper() or _r2(caption),
        bits=int(bits.group(1)) if bits else None,
        lines=tuple(
            os.evidence(
                "Caption",
                "Version",
                "BuildNumber",
                "CSDVersion",
                "ProductType",
                "OtherTypeDescription",
                "OSArchitecture",
            )
        ),
    )


def parse_reg_product(out: ProbeOutput) -> Release:
    """`reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"`."""
    query = parse_reg_query(out, "reg query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
    if not query.found:
        raise ProbeUnavailable("the CurrentVersion registry key was not found")
    values = {name: query.value(name) for name in _REG_PRODUCT_VALUES}
    # CurrentVersion stays 6.3 on 2016 and later: the major/minor numbers say the truth.
    major_number, minor_number = (
        values["CurrentMajorVersionNumber"],
        values["CurrentMinorVersionNumber"],
    )
    current = values["CurrentVersion"]
    build_value = values["CurrentBuildNumber"] or values["CurrentBuild"]
    if not (values["ProductName"] or values["EditionID"] or current):
        raise ProbeUnavailable("the CurrentVersion registry key has no product values")
    if major_number and minor_number:
        major, minor = major_number.as_int(), minor_number.as_int()
    elif current and re.fullmatch(r"\d+\.\d+", current.data.strip()):
        major, minor = (int(part) for part in current.data.strip().split("."))
    else:
        raise ProbeUnavailable("the CurrentVersion registry key has no CurrentVersion value")
    if major is None or minor is None:
        raise ProbeUnavailable("the CurrentVersion registry key has unreadable version numbers")
    build = int(build_value.data) if build_value and build_value.data.strip().isdigit() else 0
    caption = values["ProductName"].data.strip() if values["ProductName"] else ""
    installation = values["InstallationType"].data.strip() if values["InstallationType"] else ""
    return Release(
        source="reg_product",
        major=major,
        minor=minor,
        build=build,
        caption=caption,
        service_pack=values["CSDVersion"].data.strip() if values["CSDVersion"] else "",
        r2=_r2(caption),
        server_core=(installation.lower() == "server core") if installation else None,
        product_type=WORKSTATION if installation.lower() == "client" else None,
        lines=tuple(v.line for v in values.values() if v is not None),
    )


_REG_PRODUCT_VALUES = (
    "ProductName",
    "CurrentVersion",
    "CurrentMajorVersionNumber",
    "CurrentMinorVersionNumber",
    "CurrentBuildNumber",
    "CurrentBuild",
    "CSDVersion",
    "EditionID",
    "InstallationType",
)


def parse_product_options(out: ProbeOutput) -> tuple[int, str]:
    """ProductType from `reg query ...\\ProductOptions /v ProductType`: (number, line)."""
    query = parse_reg_query(out, "reg query ProductOptions /v ProductType")
    value = query.value("ProductType")
    if value is None:
        raise ProbeUnavailable("the ProductOptions ProductType value was not found")
    kind = _PRODUCT_OPTIONS.get(value.data.strip().lower())
    if kind is None:
        raise ProbeUnavailable(f"unknown ProductOptions ProductType {value.data.strip()!r}")
    return kind, value.line


def parse_ver(out: ProbeOutput) -> Release:
    """`ver`: `Microsoft Windows [Version 6.1.7601]` (the word "Version" is localised)."""
    text = decode(out.stdout)
    for line in text.split("\n"):
        match = _VERSION.search(line)
        if match and "[" in line:
            major, minor, build = (int(part) for part in match.groups())
            return Release("ver", major, minor, build, lines=(line.strip(),))
    raise ProbeUnavailable("ver: no version number in the output")


def _r2(caption: str) -> bool:
    return re.search(r"\bR2\b", caption) is not None
