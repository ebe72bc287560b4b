"""`virt_markers`: which of the paths that tell containers and hypervisors apart exist.

One existing path a line (the probe tests `assessments.probes.linux.VIRT_PATHS`). The OpenVZ
rule (Ohai's): `/proc/vz` present and `/proc/bc/0` absent is a container; `/proc/bc/0` (the
node's own beancounter) is a hardware node; `/proc/user_beancounters` exists on both.
"""

from assessments.facts import ProbeOutput
from assessments.parsers.linux.unread import Reading
from assessments.parsers.text import decode


def parse_virt_markers(out: ProbeOutput) -> frozenset[str]:
    """The marker paths that exist on the host (none: an empty output). Lines that are no
    path are left out; an output of only such lines is unreadable, not "no marker"."""
    reading = Reading("the virtualisation marker test", "marker path")
    found = set()
    for raw in decode(out.stdout).split("\n"):
        line = raw.strip().rstrip("/")
        if line.startswith("/"):
            reading.known()
            found.add(line)
        else:
            reading.skip(raw)
    reading.refuse(len(found))
    return frozenset(found)
