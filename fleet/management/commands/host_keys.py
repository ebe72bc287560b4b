"""List the SSH host keys scans have met, and approve (or reject) them."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fleet.choices import HostKeyState
from fleet.lib import hostkeys
from fleet.models import Host, HostKey


class Command(BaseCommand):
    """`host_keys [--pending] [--approve-pending] [--approve HOST ...] [--reject HOST ...]`.

    Without options, lists every pinned and pending key per host: key type, SHA256
    fingerprint (compare it with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` run on the
    server itself), state, first and last seen. `--approve HOST` trusts the pending keys of
    those hosts (a trusted key of the same type that it replaces is retired);
    `--approve-pending` trusts every pending key of every host: only after checking them.
    """

    help = "List SSH host keys per host; approve or reject pending ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pending", action="store_true", help="list pending keys only")
        parser.add_argument(
            "--approve-pending", action="store_true", help="approve every pending key"
        )
        parser.add_argument(
            "--approve", nargs="+", metavar="HOST", default=[], help="approve these hosts' keys"
        )
        parser.add_argument(
            "--reject", nargs="+", metavar="HOST", default=[], help="reject these hosts' keys"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        changed: list[HostKey] = []
        if options["approve_pending"]:
            changed += hostkeys.approve_all_pending()
        for host in self._hosts(options["approve"]):
            approved = hostkeys.approve_host(host)
            if not approved:
                self.stderr.write(f"{host.name}: no pending key to approve")
            changed += approved
        for host in self._hosts(options["reject"]):
            rejected = [hostkeys.reject(key) for key in hostkeys.pending().filter(host=host)]
            if not rejected:
                self.stderr.write(f"{host.name}: no pending key to reject")
            changed += rejected
        for key in changed:
            self.stdout.write(f"{key.state}: {key.host.name} {key.key_type} {key.fingerprint}")
        if changed or options["approve"] or options["reject"] or options["approve_pending"]:
            return
        self._list(pending_only=options["pending"])

    def _hosts(self, names: list[str]) -> list[Host]:
        hosts = list(Host.objects.filter(name__in=names))
        missing = sorted(set(names) - {host.name for host in hosts})
        if missing:
            raise CommandError(f"no such host: {', '.join(missing)}")
        return hosts

    def _list(self, *, pending_only: bool) -> None:
        keys = hostkeys.keys_of()
        if pending_only:
            keys = keys.filter(state=HostKeyState.PENDING)
        if not keys.exists():
            self.stdout.write("no host keys" + (" pending" if pending_only else " recorded yet"))
            return
        header = ("HOST", "TYPE", "FINGERPRINT", "STATE", "FIRST SEEN", "LAST SEEN")
        rows = [
            (
                key.host.name,
                key.key_type,
                key.fingerprint,
                key.state,
                f"{key.first_seen:%Y-%m-%d %H:%M}",
                f"{key.last_seen:%Y-%m-%d %H:%M}",
            )
            for key in keys
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
