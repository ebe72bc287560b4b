"""Soak: lab scans through database, worker and scheduler faults; no host lost or duplicated.

The fleet lab (in this process, loopback only) simulates `--hosts` hosts. `--workers`
forking `rqworker` processes and one `manage.py scheduler` run as subprocesses on the real
Redis and PostgreSQL (database `soak_bench`, created if missing). Scans of the whole lab
run back to back for `--seconds`; meanwhile, every `--fault-every` seconds, one fault in
turn: every backend of the database is terminated (`pg_terminate_backend`, as a restart
would), a worker is SIGKILLed with its work horse (a new one is started), the scheduler is
SIGKILLed and started again. Then no new fault or scan, and the scans get until a grace
period ends to finish. Prints per scan and in total: hosts lost (no result, or failed as
lost), duplicated (two HostScans of one host in one scan, or one finding stored twice),
stuck (not terminal after the grace period), failed by error class, and per fault the
seconds until progress resumed (a host finished after it) and, for a killed worker, until
the hosts it held were all finished. Exits 1 if anything was lost, duplicated or stuck.

    .venv/bin/python bench/soak.py [--seconds 120] [--hosts 300] [--workers 2]
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scanning

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/soak_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
FAULTS = ("database", "worker", "scheduler")


@dataclass
class Fault:
    kind: str
    at: float  # seconds since the start
    detail: str = ""
    held: set[int] = field(default_factory=set)  # HostScans a killed worker held
    resumed: float | None = None  # seconds until a host finished after the fault
    released: float | None = None  # seconds until the held hosts were all finished


class Processes:
    """The worker and scheduler subprocesses, each in its own session, logging to files."""

    def __init__(self, env: dict[str, str], logs: Path, stale_after: float) -> None:
        self.env, self.logs, self.stale_after = env, logs, stale_after
        self.workers: list[subprocess.Popen[bytes]] = []
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.started = 0
        self._files: list[IO[bytes]] = []

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        self.started += 1
        out = (self.logs / f"{self.started:02d}-{name}.log").open("wb")
        self._files.append(out)
        return subprocess.Popen(
            [sys.executable, *argv],
            cwd=scanning.ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self) -> None:
        self.workers.append(self._spawn("worker", [str(scanning.ROOT / "bench" / "worker.py")]))

    def start_scheduler(self) -> None:
        argv = ["manage.py", "scheduler", "--interval", "2", "--stale-after"]
        self.scheduler = self._spawn("scheduler", [*argv, str(self.stale_after)])

    def kill_worker(self, index: int) -> list[int]:
        """SIGKILL a worker and its work horse (a machine that dies); their pids.

        A busy worker if one becomes busy within 5 s: killing an idle one proves little.
        """
        deadline = time.monotonic() + 5
        busy = [w for w in self.workers if scanning._descendants(w.pid)]
        while not busy and time.monotonic() < deadline:
            time.sleep(0.1)
            busy = [w for w in self.workers if scanning._descendants(w.pid)]
        worker = busy[index % len(busy)] if busy else self.workers[index % len(self.workers)]
        self.workers.remove(worker)
        # The work horse runs in a process group of its own (RQ calls setpgrp): kill by pid.
        pids = [worker.pid, *scanning._descendants(worker.pid)]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        worker.wait()
        return pids

    def kill_scheduler(self) -> int:
        assert self.scheduler is not None
        pid = self.scheduler.pid
        os.killpg(pid, signal.SIGKILL)
        self.scheduler.wait()
        return pid

    def stop(self) -> None:
        everyone = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for proc in everyone:
            proc.terminate()
        for proc in everyone:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for out in self._files:
            out.close()


class Observer:
    """Counts finished hosts on a psycopg connection of its own (never terminated)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True)
        self.pid = self.conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]

    def one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()[0]  # type: ignore[index]

    def all(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def finished_hosts(self) -> int:
        return int(
            self.one(
                "SELECT count(*) FROM assessments_hostscan "
                "WHERE status NOT IN ('queued', 'running')"
            )
        )

    def terminate_backends(self, keep: set[int]) -> int:
        """Terminate every backend of this database but ours and `keep`; how many."""
        pids = [
            pid
            for (pid,) in self.all(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            if pid not in keep
        ]
        for pid in pids:
            self.conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        return len(pids)

    def held_by(self, pids: list[int]) -> set[int]:
        """Unfinished HostScans whose owner (host:pid:job) is one of these processes."""
        rows = self.all(
            "SELECT id, worker FROM assessments_hostscan "
            "WHERE status IN ('queued', 'running') AND worker <> ''"
        )
        wanted = {str(pid) for pid in pids}
        return {
            pk for pk, worker in rows if worker.split(":")[1:2] and worker.split(":")[1] in wanted
        }

    def unfinished(self, ids: set[int]) -> int:
        if not ids:
            return 0
        return int(
            self.one(
                "SELECT count(*) FROM assessments_hostscan "
                "WHERE id = ANY(%s) AND status IN ('queued', 'running')",
                [list(ids)],
            )
        )

    def scans_open(self, scan_ids: list[int]) -> int:
        return int(
            self.one(
                "SELECT count(*) FROM assessments_scan WHERE id = ANY(%s) "
                "AND status NOT IN ('finished', 'cancelled', 'failed')",
                [scan_ids],
            )
        )

    def report(self, scan_ids: list[int], hosts: int) -> dict[str, Any]:
        """Lost, duplicated and stuck hosts of these scans, and failures by class."""
        per_scan = dict(
            self.all(
                "SELECT s.id, count(DISTINCT hs.host_id) FROM assessments_scan s "
                "LEFT JOIN assessments_hostscan hs ON hs.scan_id = s.id "
                "WHERE s.id = ANY(%s) GROUP BY s.id",
                [scan_ids],
            )
        )
        missing = sum(hosts - per_scan.get(pk, 0) for pk in scan_ids)
        failed_lost = self.one(
            "SELECT count(*) FROM assessments_hostscan WHERE scan_id = ANY(%s) "
            "AND status = 'failed' AND error_class = 'lost'",
            [scan_ids],
        )
        twice = self.one(
            "SELECT count(*) FROM (SELECT scan_id, host_id FROM assessments_hostscan "
            "WHERE scan_id = ANY(%s) GROUP BY scan_id, host_id HAVING count(*) > 1) AS d",
            [scan_ids],
        )
        findings_twice = self.one(
            "SELECT count(*) FROM (SELECT f.host_scan_id FROM assessments_finding f "
            "JOIN assessments_hostscan hs ON hs.id = f.host_scan_id WHERE hs.scan_id = ANY(%s) "
            "GROUP BY f.host_scan_id, f.check_id, f.title, f.evidence HAVING count(*) > 1) AS d",
            [scan_ids],
        )
        stuck = self.one(
            "SELECT count(*) FROM assessments_hostscan WHERE scan_id = ANY(%s) "
            "AND status IN ('queued', 'running')",
            [scan_ids],
        )
        statuses = dict(
            self.all(
                "SELECT status, count(*) FROM assessments_hostscan WHERE scan_id = ANY(%s) "
                "GROUP BY status",
                [scan_ids],
            )
        )
        failures = dict(
            self.all(
                "SELECT error_class, count(*) FROM assessments_hostscan WHERE scan_id = ANY(%s) "
                "AND status = 'failed' GROUP BY error_class",
                [scan_ids],
            )
        )
        return {
            "lost": int(missing + failed_lost),
            "duplicated": int(twice + findings_twice),
            "stuck": int(stuck),
            "scans_open": self.scans_open(scan_ids),
            "statuses": statuses,
            "failures": failures,
        }


def start_one_scan() -> int:
    from assessments.scanning.dbretry import Backoff, attempt
    from assessments.scanning.scans import start_scan

    backoff = Backoff("soak")
    while True:
        ok, scan, wait = attempt(lambda: start_scan({"groups": ["fleetlab"]}), backoff)
        if ok and scan is not None:
            return int(scan.pk)
        time.sleep(wait)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="scans and faults, this long")
    parser.add_argument("--hosts", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=1000)
    parser.add_argument("--fault-every", type=float, default=0, help="default: seconds / 7")
    parser.add_argument(
        "--stale-after", type=float, default=30, help="the scheduler's --stale-after"
    )
    parser.add_argument("--grace", type=float, default=0, help="default: stale-after + 60")
    parser.add_argument("--logs", default="", help="directory for the processes' logs")
    args = parser.parse_args()
    fault_every = args.fault_every or max(2.0, args.seconds / 7)
    grace = args.grace or args.stale_after + 60
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    env = scanning.setup_django(SCAN_HOST_DEADLINE=60)
    env["LOG_LEVEL"] = "WARNING"
    from assessments.lab.inventory import create_hosts, start_lab

    scanning.reset_inventory()
    lab = start_lab(args.hosts, latency_ms=args.latency_ms, seed=2, faults={}, workers=256)
    create_hosts(lab)
    logs = Path(args.logs or tempfile.mkdtemp(prefix="p2c-soak-"))
    logs.mkdir(parents=True, exist_ok=True)
    procs = Processes(env, logs, args.stale_after)
    observer = Observer(os.environ["DATABASE_URL"])
    for _ in range(args.workers):
        procs.start_worker()
    procs.start_scheduler()
    scanning.wait_idle(args.workers)
    faults: list[Fault] = []
    scans: list[int] = []
    samples: list[tuple[float, int]] = []
    t0 = time.monotonic()
    try:
        next_fault = fault_every
        while (now := time.monotonic() - t0) < args.seconds:
            if not scans or not observer.scans_open(scans[-1:]):
                scans.append(start_one_scan())
            if now >= next_fault:
                faults.append(inject(FAULTS[len(faults) % 3], now, procs, observer, len(faults)))
                next_fault += fault_every
            samples.append((time.monotonic() - t0, observer.finished_hosts()))
            measure_releases(faults, observer, time.monotonic() - t0)
            time.sleep(0.2)
        while time.monotonic() - t0 < args.seconds + grace and observer.scans_open(scans):
            samples.append((time.monotonic() - t0, observer.finished_hosts()))
            measure_releases(faults, observer, time.monotonic() - t0)
            time.sleep(0.2)
        samples.append((time.monotonic() - t0, observer.finished_hosts()))
        total = time.monotonic() - t0
        measure_releases(faults, observer, total)
        result = observer.report(scans, args.hosts)
    finally:
        procs.stop()
        lab.stop()
    measure_resumes(faults, samples)
    return print_report(args, scans, faults, result, total, logs)


def inject(kind: str, now: float, procs: Processes, observer: Observer, n: int) -> Fault:
    fault = Fault(kind, now)
    if kind == "database":
        # This process's Django connection too: starting a scan must survive it as well.
        fault.detail = f"{observer.terminate_backends({observer.pid})} backends terminated"
    elif kind == "worker":
        pids = procs.kill_worker(n)
        fault.held = observer.held_by(pids)
        fault.detail = f"worker {pids[0]} SIGKILLed holding {len(fault.held)} hosts"
        procs.start_worker()
    else:
        pid = procs.kill_scheduler()
        procs.start_scheduler()
        fault.detail = f"scheduler {pid} SIGKILLed and started again"
    print(f"{now:6.1f} s  {kind}: {fault.detail}", flush=True)
    return fault


def measure_releases(faults: list[Fault], observer: Observer, now: float) -> None:
    for fault in faults:
        if fault.held and fault.released is None and not observer.unfinished(fault.held):
            fault.released = now - fault.at


def measure_resumes(faults: list[Fault], samples: list[tuple[float, int]]) -> None:
    for fault in faults:
        before = max((done for at, done in samples if at <= fault.at), default=0)
        after = [at for at, done in samples if at > fault.at and done > before]
        fault.resumed = after[0] - fault.at if after else None


def print_report(
    args: argparse.Namespace,
    scans: list[int],
    faults: list[Fault],
    result: dict[str, Any],
    total: float,
    logs: Path,
) -> int:
    print(
        f"soak: {args.hosts} hosts at {args.latency_ms} ms, {args.workers} workers, "
        f"{len(scans)} scans in {args.seconds:.0f} s, {len(faults)} faults, "
        f"scheduler --stale-after {args.stale_after:.0f}"
    )
    for fault in faults:
        resumed = "never" if fault.resumed is None else f"{fault.resumed:.1f} s"
        line = (
            f"  {fault.at:6.1f} s {fault.kind:9} {fault.detail}; progress resumed after {resumed}"
        )
        if fault.held:
            released = "not yet" if fault.released is None else f"{fault.released:.1f} s"
            line += f"; its hosts finished after {released}"
        print(line)
    print(f"hosts by status: {result['statuses']}; failed by error class: {result['failures']}")
    print(
        f"hosts lost {result['lost']}, duplicated {result['duplicated']}, "
        f"stuck {result['stuck']} (scans not finished: {result['scans_open']}); "
        f"total time {total:.1f} s; logs in {logs}"
    )
    tracebacks = {
        path.name: path.read_text(errors="replace").count("Traceback")
        for path in sorted(logs.glob("*.log"))
    }
    print("tracebacks in the logs: " + ", ".join(f"{k} {v}" for k, v in tracebacks.items()))
    bad = result["lost"] or result["duplicated"] or result["stuck"] or result["scans_open"]
    never = [f for f in faults if f.resumed is None and f.at < total - 1]
    print("FAIL" if bad else "PASS", "(lost, duplicated and stuck must be 0)")
    if never:
        print(f"note: no progress after {len(never)} late fault(s) (nothing left to scan?)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
