"""The running kernel and the userland around it: `uname -a`, `/proc/cmdline`, and which
distribution release the `os_release` probe's files name (os-release, or on RHEL 5-6,
Debian 6, SLES 11 and Ubuntu 10.04 the older redhat-release, SuSE-release, debian_version and
lsb-release files)."""

import re
import shlex
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.text import decode

Version = tuple[int, ...]


def version_of(text: str) -> Version:
    """The leading dotted numbers of `text`: "3.10.0-1062.el7" -> (3, 10, 0), "16.04" ->
    (16, 4); () when it starts with none."""
    found = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in found.group(1).split(".")) if found else ()


def dotted(version: Version) -> str:
    return ".".join(str(part) for part in version)


@dataclass(frozen=True)
class Uname:
    release: str  # 3.10.0-1062.el7.x86_64
    machine: str  # x86_64, i686... ("" when uname -a did not print it)
    line: str

    @property
    def version(self) -> Version:
        return version_of(self.release)


def parse_uname(out: ProbeOutput) -> Uname:
    """`uname -a`: `Linux HOST RELEASE VERSION... MACHINE ... GNU/Linux`. The release is the
    field before the build version (`#1 SMP ...`) when a blank sits in the host name (a
    redacted paste: `Linux [fqdn removed] 2.6.18-92.1.22.el5xen #1 SMP ...`)."""
    line = decode(out.stdout).strip().split("\n")[0].strip()
    fields = line.split()
    at = next(
        (
            i
            for i in range(2, len(fields) - 1)
            if fields[i + 1].startswith("#") and version_of(fields[i])
        ),
        2,
    )
    if len(fields) <= at or fields[0] != "Linux" or not version_of(fields[at]):
        raise ProbeUnavailable(f"not a Linux uname -a line: {line[:80]!r}")
    machines = [
        f for f in fields[at + 1 :] if re.fullmatch(r"x86_64|i[3-6]86|aarch64|ppc64\w*|s390x", f)
    ]
    return Uname(fields[at], machines[0] if machines else "", line)


def parse_cmdline(out: ProbeOutput) -> list[str]:
    """The kernel's parameters; what follows a lone `--` is for init, not for the kernel."""
    text = decode(out.stdout).strip()
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: the kernel splits on blanks too
        words = text.split()
    return words[: words.index("--")] if "--" in words else words


@dataclass(frozen=True)
class Distribution:
    family: str  # "rhel" (and rebuilds), "fedora", "debian", "ubuntu", "sles", "opensuse-leap", ""
    version: Version
    name: str  # as the release file says it


# os-release IDs whose releases follow RHEL's major versions.
_RHEL_IDS = {
    "rhel",
    "centos",
    "ol",
    "scientific",
    "rocky",
    "almalinux",
    "cloudlinux",
    "virtuozzo",
    "eurolinux",
    "springdale",
}
_FAMILIES = {
    "debian": "debian",
    "ubuntu": "ubuntu",
    "fedora": "fedora",
    "sles": "sles",
    "sled": "sles",
    "sles_sap": "sles",
    "opensuse-leap": "opensuse-leap",
}
_REDHAT_RELEASE = re.compile(
    r"(Red Hat Enterprise Linux|CentOS|Scientific Linux|Oracle Linux|Enterprise Linux"
    r"|CloudLinux|Virtuozzo Linux|Rocky Linux|AlmaLinux|Fedora).*?release\s+(\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
_SUSE_RELEASE = re.compile(r"SUSE Linux Enterprise (?:Server|Desktop) (\d+)", re.IGNORECASE)


def parse_distribution(out: ProbeOutput) -> Distribution:
    sections = dict(split_sections(decode(out.stdout)))
    keys: dict[str, str] = {}
    for name in ("/etc/os-release", "", "/etc/lsb-release"):
        for line in sections.get(name, []):
            key, sep, value = line.strip().partition("=")
            if sep:
                keys.setdefault(key.strip(), value.strip().strip("\"'"))
    found = _from_os_release(keys) or _from_release_files(sections)
    if found is None:
        raise ProbeUnavailable("no distribution release found")
    return found


def _from_os_release(keys: dict[str, str]) -> Distribution | None:
    ident = (keys.get("ID") or keys.get("DISTRIB_ID") or "").lower()
    version = version_of(keys.get("VERSION_ID") or keys.get("DISTRIB_RELEASE") or "")
    name = keys.get("PRETTY_NAME") or keys.get("DISTRIB_DESCRIPTION") or ident
    if not ident:
        return None
    like = (keys.get("ID_LIKE") or "").lower().split()
    if ident in _RHEL_IDS or ("rhel" in like and ident not in _FAMILIES):
        family = "rhel"
    else:
        family = _FAMILIES.get(ident, "")
    return Distribution(family, version, name)


def _from_release_files(sections: dict[str, list[str]]) -> Distribution | None:
    for name, lines in sections.items():
        first = next((line.strip() for line in lines if line.strip()), "")
        if name.endswith(("redhat-release", "system-release", "centos-release")):
            found = _REDHAT_RELEASE.search(first)
            if found:
                family = "fedora" if found.group(1).lower() == "fedora" else "rhel"
                return Distribution(family, version_of(found.group(2)), first)
        if name.endswith("SuSE-release"):
            found = _SUSE_RELEASE.search(first)
            if found:
                return Distribution("sles", (int(found.group(1)),), first)
    debian = sections.get("/etc/debian_version", [])
    if debian and version_of(debian[0]):
        return Distribution("debian", version_of(debian[0]), f"Debian {debian[0].strip()}")
    return None
