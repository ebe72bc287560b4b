"""`python manage.py reassess [--all | --group G ... | --host H ...] [--wait] [--json]`."""

from assessments.choices import ScanTrigger
from assessments.management.commands import scan


class Command(scan.Command):
    """Judge each selected host's latest stored capture again, without scanning the host.

    A scan with trigger `reassess`: each enabled host of the selection gets a new HostScan
    holding the same capture, judged with the current ruleset against the host's current
    destination. A host with no stored capture fails and keeps its latest result. `--wait`,
    `--json` and the exit status are `scan`'s.
    """

    help = (
        "Judge the latest stored capture of all hosts, of groups or of hosts again with the "
        "current ruleset, without scanning them; --wait follows it to the end."
    )
    trigger = ScanTrigger.REASSESS
    verb = "re-assess"
