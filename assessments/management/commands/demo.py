"""`python manage.py demo` (what `make demo` runs): everything on one machine, one process."""

import os
import secrets
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import (
    ThreadedWSGIServer,
    WSGIRequestHandler,
    get_internal_wsgi_application,
)
from django.db import connections
from rq import SimpleWorker

from assessments.management.commands.scheduler import run_loop
from assessments.models import Scan, ScanSchedule
from assessments.scanning import schedules
from assessments.scanning.scans import recover_lost, scan_progress, scan_queue, start_scan

# A few hosts that cannot be scanned, so the demo shows what failures look like.
DEMO_FAULTS = "refused=2,hang=1,auth_failure=1,changed_host_key=1"
# A hanging host would otherwise hold the first scan open for the production deadline.
DEMO_HOST_DEADLINE = 15


class Command(BaseCommand):
    """Run the whole product for a first look: SQLite, the embedded queue, a simulated fleet.

    Migrates, creates the `admin` login, starts a fleet lab of about 60 hosts, imports and
    scans them, and serves the dashboard. The RQ worker runs in the main thread (it installs
    signal handlers); the web server and the scheduler run in threads. One Ctrl-C stops all.
    """

    help = "Run the demo: simulated fleet, embedded queue and worker, web server on $PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hosts", type=int, default=60, help="simulated hosts (60)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--seed", type=int, default=7, help="seed of the fleet's mix")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            raise CommandError("the demo runs on the embedded queue: unset REDIS_URL")
        from assessments.lab.inventory import create_hosts, start_lab

        self.say("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        password = ensure_admin()
        settings.SCAN_HOST_DEADLINE = min(settings.SCAN_HOST_DEADLINE, DEMO_HOST_DEADLINE)
        # One worker only: one batch for the whole fleet, so a hanging host delays no other.
        settings.SCAN_BATCH_SIZE = max(settings.SCAN_BATCH_SIZE or 0, options["hosts"])
        settings.SCAN_CONCURRENCY = max(settings.SCAN_CONCURRENCY, min(options["hosts"], 64))
        self.say(f"Starting a simulated fleet of {options['hosts']} hosts on 127.0.0.1 ...")
        lab = start_lab(
            options["hosts"],
            seed=options["seed"],
            faults=DEMO_FAULTS,
            state_dir=settings.VAR_DIR / "fleetlab",
        )
        hosts = create_hosts(lab)
        ensure_schedule()
        # Nothing else runs in this process yet: whatever a previous demo left running is lost.
        recover_lost(stale_after=0)
        scan = start_scan({"groups": ["fleetlab"]})
        httpd = serve(options["port"])
        stop = threading.Event()
        threading.Thread(target=run_loop, args=(stop, 15.0), daemon=True, name="scheduler").start()
        threading.Thread(target=self.report, args=(scan, stop), daemon=True).start()
        url = f"http://127.0.0.1:{options['port']}/"
        self.say(
            f"\nDashboard: {url}\nLogin:     admin\nPassword:  {password}\n"
            f"Scanning {len(hosts)} hosts (scan #{scan.pk}). Press Ctrl-C to stop.\n"
        )

        def shut_down(signum: int, frame: FrameType | None) -> None:
            # Exit at once: scan threads may be waiting on a hanging host, and anything left
            # running is recovered as lost by the next start.
            self.say("\nStopping the demo ...")
            stop.set()
            threading.Thread(target=httpd.shutdown, daemon=True).start()
            lab.stop()
            sys.stdout.flush()
            os._exit(0)

        run_worker(shut_down)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def report(self, scan: Scan, stop: threading.Event) -> None:
        """Print the first scan's progress until it ends."""
        last = None
        try:
            while not stop.wait(2):
                p = scan_progress(scan)
                finished = p["done"] + p["failed"] + p["cancelled"]
                line = f"First scan: {finished}/{p['total']} hosts ({p['failed']} failed)"
                if line != last:
                    self.say(line)
                    last = line
                if finished == p["total"]:
                    self.say("First scan finished: the dashboard is populated.")
                    return
        finally:
            connections.close_all()


def ensure_admin() -> str:
    """The `admin` superuser, with the password of $DEMO_PASSWORD or a new random one."""
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    user, _ = User.objects.get_or_create(username="admin")
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    admin_group = Group.objects.filter(name="admin").first()
    if admin_group is not None:
        user.groups.add(admin_group)
    return password


def ensure_schedule() -> None:
    """A nightly schedule of the simulated fleet, so the schedules page has an example."""
    if ScanSchedule.objects.exists():
        return
    schedule = ScanSchedule.objects.create(
        name="Nightly fleet lab scan",
        cron="0 2 * * *",
        timezone=settings.TIME_ZONE,
        selection={"groups": ["fleetlab"]},
    )
    schedules.refresh_next_run(schedule)


def serve(port: int) -> ThreadedWSGIServer:
    """Django's development WSGI server (threaded) on 127.0.0.1, in a daemon thread."""
    try:
        httpd = ThreadedWSGIServer(("127.0.0.1", port), WSGIRequestHandler)
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{port}: {exc} (set PORT)") from None
    httpd.set_app(get_internal_wsgi_application())
    threading.Thread(target=httpd.serve_forever, daemon=True, name="web").start()
    return httpd


class DemoWorker(SimpleWorker):
    """A SimpleWorker whose SIGINT/SIGTERM stop the whole demo at once."""

    shut_down: Any = None

    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self.shut_down)
        signal.signal(signal.SIGTERM, self.shut_down)


def run_worker(shut_down: Any) -> None:
    """Work the embedded queues in the main thread until the demo is stopped."""
    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)
    queues = [scan_queue()]
    worker = DemoWorker(queues, connection=queues[0].connection)
    worker.shut_down = shut_down
    while True:  # work() returns only if the worker stops on its own; keep serving
        worker.work(burst=False, logging_level="WARNING")
        time.sleep(1)
