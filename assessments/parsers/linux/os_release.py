"""Which distribution: /etc/os-release, or the older release files under `==> path <==`."""

from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.text import decode


@dataclass(frozen=True)
class OsRelease:
    id: str
    version_id: str
    pretty_name: str


def parse_os_release(out: ProbeOutput) -> OsRelease:
    text = decode(out.stdout)
    values: dict[str, str] = {}
    first_line = ""
    for name, lines in split_sections(text):
        if name in ("", "/etc/os-release", "/etc/lsb-release"):
            for line in lines:
                key, sep, value = line.strip().partition("=")
                if sep:
                    values.setdefault(key.strip(), value.strip().strip("\"'"))
        elif not first_line:
            first_line = next((line.strip() for line in lines if line.strip()), "")
    pretty = values.get("PRETTY_NAME") or values.get("DISTRIB_DESCRIPTION") or first_line
    if not pretty and not values:
        raise ProbeUnavailable("no release information")
    return OsRelease(
        id=(values.get("ID") or values.get("DISTRIB_ID") or "").lower(),
        version_id=values.get("VERSION_ID") or values.get("DISTRIB_RELEASE") or "",
        pretty_name=pretty,
    )
