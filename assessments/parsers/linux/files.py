"""Reading a file's probe output: a missing file is "file not found", not a missing tool.

`cat /etc/selinux/config` on a host without SELinux ends with `No such file or directory`,
which the shared failure patterns would report as "command not found".
"""

import re

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode, require_data

_MISSING_FILE = re.compile(r"^(?:cat|ls|head): (.+?): No such file or directory\s*$", re.MULTILINE)


def require_file(out: ProbeOutput, label: str) -> str:
    """The decoded stdout, or ProbeUnavailable naming the missing file or other failure."""
    if out.rc not in (0, None, 126, 127) and not out.stdout.strip():
        missing = _MISSING_FILE.search(decode(out.stderr))
        if missing:
            raise ProbeUnavailable(f"{label}: file {missing.group(1)} not found")
    return require_data(out, label)


def file_missing(out: ProbeOutput | None) -> bool:
    """True when the probe's file does not exist on the host."""
    if out is None or out.rc in (0, None) or out.stdout.strip():
        return False
    return bool(_MISSING_FILE.search(decode(out.stderr)))
