"""`set` output: the environment of the cmd.exe that ran the probes.

Names are case-insensitive on Windows, so they are kept upper-cased. A 32-bit process on
64-bit Windows sees PROCESSOR_ARCHITECTURE=x86 and PROCESSOR_ARCHITEW6432=AMD64.
"""

import re

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

_VARIABLE = re.compile(r"^([^=\s][^=]*)=(.*)$")


def parse_env(out: ProbeOutput, label: str = "set") -> dict[str, str]:
    """Variables by upper-cased name."""
    text = decode(out.stdout)
    variables: dict[str, str] = {}
    for line in text.split("\n"):
        match = _VARIABLE.match(line)
        if match:
            variables[match.group(1).strip().upper()] = match.group(2).rstrip()
    if not variables:
        raise ProbeUnavailable(f"{label}: no NAME=value lines in the output")
    return variables
