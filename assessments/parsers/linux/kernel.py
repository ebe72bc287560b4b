"""The running kernel and the userland around it: `uname -a`, `/proc/cmdline`, and which
distribution release the `os_release` probe's files name (os-release, or on RHEL 5-6,
Debian 6, SLES 11 and Ubuntu 10.04 the older redhat-release, SuSE-release, debian_version and
lsb-release files)."""

import re
import shlex
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.linux.unread import Reading
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
    words = _words(cmdline_text(out))
    return words[: words.index("--")] if "--" in words else words


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: the kernel splits on blanks too
        return text.split()


# A kernel parameter: `name`, `name=value` (the value anything, quotes removed); names are
# letters, digits and `_.-` (`rd.lvm.lv`, `intel_iommu`), a module's `mod.param` included.
_PARAMETER = re.compile(r"^[A-Za-z0-9_.-]+(?:=.*)?$")
# Flags a command line may consist of without any `name=value` (GRUB's and init's).
_FLAGS = frozenset("ro rw quiet splash nosplash single rhgb debug nomodeset noapic".split())


def _command_line(text: str) -> bool:
    """Every word a parameter, and one a `name=value` or a well-known flag: a MOTD line or a
    message (`This account is currently not available.`) is words but no command line.
    The words after a lone `--` are init's, of any form."""
    words = _words(text)
    words = words[: words.index("--")] if "--" in words else words
    return all(_PARAMETER.match(w) for w in words) and any("=" in w or w in _FLAGS for w in words)


def cmdline_text(out: ProbeOutput) -> str:
    """The line of `cat /proc/cmdline` (empty when the kernel has none). The file is one
    line: lines that are no command line around it are left out, and an output of only such
    lines is unreadable (`Reading`)."""
    reading = Reading("/proc/cmdline", "kernel command line")
    found: list[str] = []
    for line in decode(out.stdout).split("\n"):
        if line.strip() and _command_line(line.strip()) and not found:
            reading.known()
            found.append(line.strip())
        else:
            reading.skip(line)
    reading.refuse(len(found))
    return found[0] if found else ""


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
