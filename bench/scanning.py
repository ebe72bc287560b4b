"""Shared set-up of the scan benchmarks: Django on a benchmark database, RQ workers, RSS.

The benchmarks run the real pipeline: PostgreSQL, Redis, `manage.py rqworker` processes.
Defaults (override with the environment): DATABASE_URL=postgres://postgres@127.0.0.1:5432/
p2c_bench_scans (created if missing), REDIS_URL=redis://127.0.0.1:6379/2.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/p2c_bench_scans"
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"


def setup_django(**scan_settings: int) -> dict[str, str]:
    """Configure this process (and return the environment for workers) and migrate."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name, value in scan_settings.items():
        os.environ[name] = str(value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
    sys.path.insert(0, str(ROOT))
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    env = dict(os.environ)
    env["FLEET_ENCRYPTION_KEY"] = ",".join(settings.FLEET_ENCRYPTION_KEYS)
    env["SECRET_KEY"] = settings.SECRET_KEY
    return env


def _create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def reset_inventory() -> None:
    """Forget the hosts and scans of earlier runs, and the jobs they left in the queue."""
    from django.db import connection

    from assessments.models import Scan
    from assessments.scanning.scans import scan_queue
    from fleet.models import Host, HostKey

    scan_queue().empty()
    Scan.objects.all().delete()
    HostKey.objects.all().delete()
    Host.objects.all().delete()
    if connection.vendor == "postgresql":
        # Each run deletes some 25,000 rows; without this, dead rows pile up run after run
        # (138 MB of findings after a dozen runs) and later runs measure the bloat.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """`count` forking `rqworker` processes (see bench/worker.py)."""
    return [
        subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "worker.py")],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(scan_id: int, timeout: float = 600, on_tick=None) -> float:
    """Seconds until the scan is finished (polling every 0.1 s, so within 0.1 s)."""
    from assessments.models import Scan

    started = time.monotonic()
    while not Scan.objects.filter(pk=scan_id, status="finished").exists():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"scan #{scan_id} did not finish in {timeout} s")
        if on_tick:
            on_tick()
        time.sleep(0.1)
    return time.monotonic() - started


def wait_idle(workers_expected: int, timeout: float = 60) -> None:
    """Until every worker has registered with Redis (so start-up is not measured)."""
    from rq import Worker

    from assessments.scanning.scans import scan_queue

    queue = scan_queue()
    deadline = time.monotonic() + timeout
    while Worker.count(connection=queue.connection) < workers_expected:
        if time.monotonic() > deadline:
            raise SystemExit("workers did not start")
        time.sleep(0.1)


def rss_kib(pid: int) -> int:
    """Resident set size of a process and all its descendants, in KiB."""
    total = 0
    for proc in [pid, *_descendants(pid)]:
        try:
            with open(f"/proc/{proc}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    result = [int(c) for c in children]
    for child in list(result):
        result += _descendants(child)
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children (work horses), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")
