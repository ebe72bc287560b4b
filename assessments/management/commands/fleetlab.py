"""`python manage.py fleetlab --hosts N [--latency-ms L] --inventory FILE ...`."""

import signal
import threading
from collections import Counter
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.lab import faults
from assessments.lab.inventory import (
    GROUP,
    SSH_CREDENTIAL,
    SSH_KEY_CREDENTIAL,
    WINRM_CREDENTIAL,
    Lab,
    ensure_credentials,
    start_lab,
    write_inventory,
)


class Command(BaseCommand):
    """Run a simulated fleet on loopback in the foreground until Ctrl-C or SIGTERM.

    Writes a CSV inventory for `import_hosts` first and stores the lab's credentials
    (`fleetlab-ssh`, `fleetlab-ssh-key`, `fleetlab-winrm`) and the `fleetlab` group, which
    trusts first-seen host keys so scans run without approving each key.
    """

    help = "Run N simulated SSH/WinRM hosts on 127.0.0.1 after writing their CSV inventory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hosts", type=int, required=True, help="number of hosts")
        parser.add_argument("--inventory", required=True, help="CSV file to write")
        parser.add_argument("--latency-ms", type=int, default=0, help="answer delay per host")
        parser.add_argument("--seed", type=int, default=0, help="seed of the fleet's mix")
        parser.add_argument(
            "--faults",
            default=faults.DEFAULT_SPEC,
            help="KIND=COUNT or KIND=N%%, comma-separated, or 'none' "
            f"(kinds: {', '.join(sorted(faults.ALL_FAULTS))}; "
            f"default: {faults.DEFAULT_SPEC.replace('%', '%%')})",
        )
        parser.add_argument(
            "--state-dir", help="keeps host keys and the lab password across restarts"
        )
        parser.add_argument(
            "--base-port", type=int, default=0, help="host i listens on BASE+i (0: any free port)"
        )
        parser.add_argument("--workers", type=int, default=128, help="connection threads")
        parser.add_argument(
            "--run-seconds", type=float, default=None, help="stop after this long (scripts, tests)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hosts"] < 1:
            raise CommandError("--hosts must be at least 1")
        spec = "" if options["faults"] in ("", "none") else options["faults"]
        try:
            faults.parse_spec(spec)
            lab = start_lab(
                options["hosts"],
                latency_ms=options["latency_ms"],
                seed=options["seed"],
                faults=spec,
                state_dir=options["state_dir"],
                base_port=options["base_port"],
                workers=options["workers"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            ensure_credentials(lab)
            write_inventory(lab, options["inventory"])
            self.describe(lab, options["inventory"])
            self.wait(options["run_seconds"])
        finally:
            lab.stop()
        self.stdout.write("Fleet lab stopped.")

    def describe(self, lab: Lab, inventory: str) -> None:
        families = Counter(host.os_family for host in lab.hosts)
        broken = Counter(host.fault for host in lab.hosts if host.fault)
        ports = sorted(host.port for host in lab.hosts)
        self.stdout.write(
            f"Fleet lab: {len(lab.hosts)} hosts on 127.0.0.1 ports {ports[0]}-{ports[-1]} "
            f"({families['linux']} Linux over SSH, {families['windows']} Windows over WinRM)"
        )
        if broken:
            self.stdout.write(
                "Faults: " + ", ".join(f"{k} x{n}" for k, n in sorted(broken.items()))
            )
        self.stdout.write(
            f"Inventory: {inventory} (group {GROUP!r}). Next: "
            f"python manage.py import_hosts {inventory} && python manage.py scan --group {GROUP}"
        )
        self.stdout.write(
            f"Credentials: {SSH_CREDENTIAL}, {SSH_KEY_CREDENTIAL}, {WINRM_CREDENTIAL} "
            f"(user {lab.credentials.username}; secrets only in the database)"
        )
        self.stdout.write("Running; Ctrl-C stops the lab.")

    @staticmethod
    def wait(seconds: float | None) -> None:
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            stop.wait(seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
