"""Quota state: mount options that turn quotas on, and `quotaon -p -a` text.

`quotaon -p` exit codes lie (1 while quota is on with newer quota-tools, 0 with the "off"
text on stderr with older ones), so only the text is parsed, from stdout and stderr both
(the probe declares any exit code with state lines as an outcome its parser reads).
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

QUOTA_OPTIONS = frozenset(
    {
        "usrquota",
        "grpquota",
        "prjquota",
        "quota",
        "uquota",
        "gquota",
        "pquota",
        "uqnoenforce",
        "gqnoenforce",
        "pqnoenforce",
        "qnoenforce",
    }
)
_PREFIXED = ("usrjquota=", "grpjquota=", "prjjquota=")


def quota_options(options: tuple[str, ...]) -> list[str]:
    """The options among `options` that configure quotas (`noquota` never counts)."""
    found = [opt for opt in options if opt in QUOTA_OPTIONS or opt.startswith(_PREFIXED)]
    return [opt for opt in found if opt not in ("usrjquota=", "grpjquota=")]


@dataclass(frozen=True)
class QuotaState:
    kind: str  # user | group | project
    target: str
    device: str
    on: bool
    mode: str  # enforced | accounting | none | ""
    line: str


_LINE = re.compile(r"^(user|group|project) quota on (.+?) \((.+?)\) is (on|off)(?: \((\w+)\))?\s*$")


def parse_quotaon(out: ProbeOutput) -> list[QuotaState]:
    text = decode(out.stdout) + "\n" + decode(out.stderr)
    states = [
        QuotaState(m[1], m[2], m[3], m[4] == "on", m[5] or "", line.strip())
        for line in text.split("\n")
        if (m := _LINE.match(line.strip()))
    ]
    if states:
        return states
    if not text.strip():
        return []  # no file system with quota support configured
    raise ProbeUnavailable("quotaon -p -a printed no quota state")
