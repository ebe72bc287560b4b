"""Benchmarks (b) and (c): a 1,000-host fleet lab scan with two workers; worker memory.

The fleet lab (in this process) simulates 1,000 hosts, each answering after 300 ms, Linux over
SSH and Windows over WS-Man, from the real samples. Two forking `rqworker` processes scan
them all through the real pipeline (Redis, PostgreSQL, collectors, parsing, checks). Prints
the wall time of the whole scan (required: <= 20 s on this 2-core machine) and the RSS of
each worker (main process + its work horse) sampled every 0.5 s, to show that it stays flat.

    .venv/bin/python bench/fleetlab_scan.py [--hosts 1000] [--latency-ms 300]
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scanning


class RssSampler:
    """Samples each worker's RSS (with its work horse) in a thread."""

    def __init__(self, pids: list[int], every: float = 0.5) -> None:
        self.pids, self.every = pids, every
        self.samples: dict[int, list[int]] = {pid: [] for pid in pids}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            for pid in self.pids:
                self.samples[pid].append(scanning.rss_kib(pid))

    def __enter__(self) -> "RssSampler":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def machine_cpu() -> dict[str, float]:
    """Seconds of CPU of the whole machine so far, by kind (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) / os.sysconf("SC_CLK_TCK") for value in fields]
    user, nice, system, idle, iowait, irq, softirq, steal = ticks[:8]
    return {
        "user": user + nice,
        "system": system + irq + softirq,
        "idle": idle + iowait,
        "steal": steal,
    }


def scan_once(hosts: int) -> tuple[float, dict[str, int], dict[str, float]]:
    from collections import Counter

    from assessments.models import HostScan
    from assessments.scanning.scans import scan_progress, start_scan

    before = machine_cpu()
    scan = start_scan({"groups": ["fleetlab"]})
    seconds = scanning.wait_for(scan.pk, timeout=300)
    cpu = {kind: value - before[kind] for kind, value in machine_cpu().items()}
    progress = scan_progress(scan)
    errors = Counter(
        HostScan.objects.filter(scan=scan, status="failed").values_list("error_class", flat=True)
    )
    if errors:
        print(f"  failed hosts by error: {dict(errors)}")
    return seconds, progress, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    # 0 (the default) leaves SCAN_BATCH_SIZE and SCAN_CONCURRENCY unset: the project's own
    # defaults (one batch per worker, 20 threads), what a user who tunes nothing gets.
    parser.add_argument("--batch", type=int, default=0, help="SCAN_BATCH_SIZE; 0: unset")
    parser.add_argument("--concurrency", type=int, default=0, help="SCAN_CONCURRENCY; 0: unset")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tuning = {"SCAN_CONCURRENCY": args.concurrency, "SCAN_BATCH_SIZE": args.batch}
    for name, value in tuning.items():
        if not value:
            os.environ.pop(name, None)
    env = scanning.setup_django(
        SCAN_HOST_DEADLINE=60, **{name: value for name, value in tuning.items() if value}
    )
    from django.conf import settings

    from assessments.lab.inventory import create_hosts, start_lab

    scanning.reset_inventory()
    lab = start_lab(args.hosts, latency_ms=args.latency_ms, seed=1, faults={}, workers=512)
    create_hosts(lab)
    workers = scanning.start_workers(args.workers, env)
    try:
        scanning.wait_idle(args.workers)
        lab_cpu = time.process_time()
        workers_cpu = sum(scanning.cpu_seconds(w.pid) for w in workers)
        with RssSampler([w.pid for w in workers]) as rss:
            results = [scan_once(args.hosts) for _ in range(args.rounds)]
        lab_cpu = time.process_time() - lab_cpu
        workers_cpu = sum(scanning.cpu_seconds(w.pid) for w in workers) - workers_cpu
    finally:
        scanning.stop_workers(workers)
        lab.stop()
    from assessments.scanning.scans import batch_size

    batch = (
        settings.SCAN_BATCH_SIZE or f"sized from the scan ({batch_size(args.hosts, args.workers)})"
    )
    print(
        f"hosts {args.hosts}, latency {args.latency_ms} ms, workers {args.workers}, "
        f"batch {batch}, threads per batch {settings.SCAN_CONCURRENCY}"
    )
    for number, (seconds, progress, cpu) in enumerate(results, 1):
        verdict = "PASS" if seconds <= 20 and progress["done"] == args.hosts else "FAIL"
        print(
            f"scan {number}: {seconds:.2f} s, {progress['done']} done, "
            f"{progress['failed']} failed, {args.hosts / seconds:.0f} hosts/s "
            f"(required <= 20 s): {verdict}"
        )
        print(
            "  machine CPU during the scan (all processes): "
            + ", ".join(f"{kind} {value:.1f} s" for kind, value in cpu.items())
        )
    print(
        f"CPU over all rounds: workers {workers_cpu:.1f} s, fleet lab (this process) "
        f"{lab_cpu:.1f} s; {1000 * workers_cpu / (args.hosts * args.rounds):.1f} ms of "
        "worker CPU per host"
    )
    for pid, samples in rss.samples.items():
        if not samples:
            continue
        third = max(1, len(samples) // 3)
        print(
            f"worker {pid} RSS MiB: min {min(samples) / 1024:.0f}, "
            f"median {statistics.median(samples) / 1024:.0f}, max {max(samples) / 1024:.0f}; "
            f"first third max {max(samples[:third]) / 1024:.0f}, "
            f"last third max {max(samples[-third:]) / 1024:.0f} ({len(samples)} samples)"
        )


if __name__ == "__main__":
    main()
