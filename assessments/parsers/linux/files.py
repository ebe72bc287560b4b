"""Checking a probe's output before parsing: timeouts and missing files are not data.

A probe stopped by the collector's time limit exits 124 with partial output (`df` stuck on
a dead mount): half a table must not be judged as the whole. `cat /etc/selinux/config` on a
host without SELinux ends with `No such file or directory`, which the shared failure
patterns would report as "command not found".
"""

import re

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode, require_data

_MISSING_FILE = re.compile(r"^(?:cat|ls|head): (.+?): No such file or directory\s*$", re.MULTILINE)


TIMED_OUT = 124


def require_output(out: ProbeOutput, label: str) -> str:
    """The decoded stdout, or ProbeUnavailable for a timeout, a missing file or another
    failure."""
    if out.rc == TIMED_OUT:
        raise ProbeUnavailable(f"{label}: timed out")
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
