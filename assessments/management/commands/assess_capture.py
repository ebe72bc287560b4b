"""`python manage.py assess_capture PATH [--json]`: judge one capture, print its findings."""

import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.captures import CaptureError, LoadedCapture, read_capture
from assessments.checks.base import Finding
from assessments.checks.restrictions import RESTRICTION_IDS
from assessments.engine import Assessment, assess
from assessments.facts import Destination
from assessments.scanning import ruleset
from fleet.choices import Architecture, Verdict, WindowsVersion

SEVERITY_WORDS = {
    "blocker": "BLOCKER",
    "warning": "WARNING",
    "info": "INFO",
    "pass": "PASS",
    "unknown": "UNKNOWN",
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from `500G`, `1.5T`, `1024` (binary units)."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 500G, 1.5T, 1048576)")
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


def render_text(assessment: Assessment, notes: list[str]) -> str:
    """Findings grouped by restriction, worst first inside each group, evidence indented."""
    lines = [
        f"Host:    {assessment.hostname or '(unnamed)'} ({assessment.os_family})",
        f"Verdict: {Verdict(assessment.verdict).label}",
        f"Ruleset: {assessment.ruleset}",
    ]
    lines += [f"Note:    {note}" for note in notes]
    order = list(RESTRICTION_IDS)
    rank = list(SEVERITY_WORDS)
    groups: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        groups.setdefault(finding.restriction, []).append(finding)
    for restriction in sorted(groups, key=lambda r: order.index(r) if r in order else 99):
        lines += ["", f"== {restriction}"]
        for finding in sorted(groups[restriction], key=lambda f: rank.index(str(f.severity))):
            word = SEVERITY_WORDS.get(str(finding.severity), str(finding.severity).upper())
            lines.append(f"  {word:<8} {finding.title}  [{finding.check}]")
            lines += [f"           {line}" for line in finding.evidence.splitlines()]
            if finding.remediation:
                lines.append(f"           Fix: {finding.remediation}")
    return "\n".join(lines)


class Command(BaseCommand):
    """Judge one capture (directory, .tar.gz or .zip) and print the verdict and findings.

    Needs no database: the same pure engine as a live scan, on the capture's probe outputs.
    Probes the capture lacks give `unknown` findings. A capture that cannot be read ends with
    a message on stderr and exit status 2. `--target-*` compare with a destination node.
    """

    help = "Judge an offline capture and print its verdict and findings."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="capture directory, .tar.gz or .zip")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--target-os", choices=["linux", "windows"], help="OS family of the destination"
        )
        parser.add_argument(
            "--target-version", choices=WindowsVersion.values, help="Windows destination version"
        )
        parser.add_argument(
            "--target-arch", choices=Architecture.values, help="architecture of the destination"
        )
        parser.add_argument("--target-free", help="free space on the destination, e.g. 500G")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            capture = read_capture(options["path"])
        except CaptureError as exc:
            raise CommandError(f"{options['path']}: {exc}", returncode=2) from None
        assessment = assess(capture.facts(self._destination(capture, options)), ruleset.disabled())
        if options["json"]:
            for note in capture.notes:  # stdout stays pure JSON
                self.stderr.write(f"note: {note}")
            self.stdout.write(json.dumps(assessment.as_dict(), indent=2))
        else:
            self.stdout.write(render_text(assessment, capture.notes))

    def _destination(self, capture: LoadedCapture, options: dict[str, Any]) -> Destination | None:
        wanted = ("target_os", "target_version", "target_arch", "target_free")
        if not any(options.get(key) for key in wanted):
            return None
        free = None
        if options.get("target_free"):
            try:
                free = parse_size(options["target_free"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
        return Destination(
            name="the destination",
            os_family=options.get("target_os") or capture.os_family,
            windows_version=options.get("target_version") or "",
            architecture=options.get("target_arch") or "",
            free_bytes=free,
        )
