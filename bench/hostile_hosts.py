"""Benchmark: a worker's peak memory scanning hostile hosts, against the documented bound.

Runs the worker's own batch (`jobs.scan_batch`: collect over SSH, judge, save the result
and its capture) in a fresh process per case, against K fleet-lab hosts of that case at
once (K threads), and reads the process's peak RSS (`VmHWM` of /proc/self/status) after
the batch. Cases: a plain host, and the hostile faults of the lab: `huge` (33 MiB of
getfattr, cut at the 32 MiB output cap), `endless` (a probe that never ends), `binary`
(33 MiB of random bytes: nothing compresses), `marker_flood` (the answer, then 33 MiB of
tiny valid frames with the run's token: about 400,000 "probes").

Printed per case: the outcome of each host, the peak RSS, its growth over the process
before the batch, that growth per host and as a ratio to the plain case's. The bound
(docs/scanning.md, "Memory per host") is checked per host on the growth:

    growth / K <= BOUND_CAPS x the output cap + BOUND_MIB

and the script exits 1 when a case is over it.

    .venv/bin/python bench/hostile_hosts.py [--threads 4] [--cases plain,huge,...]

Defaults: DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_bench_hostile,
REDIS_URL=redis://127.0.0.1:6379/8 (its own database: it deletes every host and scan there).
Loopback only.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/p2c_bench_hostile")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")

from bench import scanning

CASES = ("plain", "huge", "endless", "binary", "marker_flood")
# The documented bound per host: BOUND_CAPS times the output cap, plus BOUND_MIB.
BOUND_CAPS = 3
BOUND_MIB = 16
MiB = 1024 * 1024


def status_kib(field: str) -> int:
    """A `kB` field of /proc/self/status (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(scan_id: int) -> None:
    """One case: the batch of `scan_id` in this process; prints its figures as JSON."""
    import django

    django.setup()
    # What a worker has loaded before its first batch: the job, the collectors, the checks.
    import paramiko  # noqa: F401

    from assessments import jobs
    from assessments.collectors import ssh  # noqa: F401
    from assessments.models import HostScan

    ids = list(HostScan.objects.filter(scan_id=scan_id).values_list("pk", flat=True))
    before = status_kib("VmRSS")
    outcomes = jobs.scan_batch(scan_id, ids)
    peak = status_kib("VmHWM")
    rows = HostScan.objects.filter(scan_id=scan_id).values_list(
        "status", "error_class", "error_detail"
    )
    print(
        json.dumps(
            {
                "before_kib": before,
                "peak_kib": peak,
                "outcomes": outcomes,
                "hosts": [[s, e, d[:160]] for s, e, d in rows],
            }
        )
    )


def run_case(case: str, names: list[str], env: dict[str, str]) -> dict[str, Any]:
    from assessments.scanning.scans import start_scan

    scan = start_scan({"hosts": names}, enqueue=False)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(scan.pk)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"case {case}: the worker process failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4, help="hosts per case, all at once")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
        child(args.child)
        return
    cases = [case for case in args.cases.split(",") if case]
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown cases {sorted(unknown)}; known: {', '.join(CASES)}")
    env = scanning.setup_django(SCAN_CONCURRENCY=args.threads, SCAN_HOST_DEADLINE=120)
    scanning.reset_inventory()

    from assessments.collectors.base import MAX_OUTPUT
    from assessments.lab.inventory import HostSpec, create_hosts, start_lab

    specs = [
        HostSpec("linux_clean", name=f"{case}-{n}", fault="" if case == "plain" else case)
        for case in cases
        for n in range(args.threads)
    ]
    bound_mib = BOUND_CAPS * MAX_OUTPUT / MiB + BOUND_MIB
    print(
        f"{args.threads} hosts per case at once; output cap {MAX_OUTPUT / MiB:.0f} MiB; "
        f"bound per host {BOUND_CAPS} x cap + {BOUND_MIB} MiB = {bound_mib:.0f} MiB"
    )
    print(
        f"{'case':<13} {'outcome':<34} {'peak MiB':>8} {'growth':>7} {'per host':>8} "
        f"{'x plain':>7}  bound"
    )
    over = []
    plain_growth = None
    with start_lab(hosts=specs, workers=4 * len(specs)) as lab:
        create_hosts(lab)
        for case in cases:
            names = [f"{case}-{n}" for n in range(args.threads)]
            figures = run_case(case, names, env)
            growth = (figures["peak_kib"] - figures["before_kib"]) / 1024
            per_host = growth / args.threads
            if case == "plain":
                plain_growth = growth
            ratio = f"{growth / plain_growth:7.1f}" if plain_growth else f"{'-':>7}"
            kinds = sorted({f"{s} {e}".strip() for s, e, _ in figures["hosts"]})
            verdict = "ok" if per_host <= bound_mib else "OVER"
            if verdict == "OVER":
                over.append(case)
            print(
                f"{case:<13} {', '.join(kinds):<34} {figures['peak_kib'] / 1024:8.0f} "
                f"{growth:7.0f} {per_host:8.1f} {ratio}  {verdict}"
            )
            details = {d for _, _, d in figures["hosts"] if d}
            for detail in sorted(details)[:1]:
                print(f"{'':<13} {detail}")
    if over:
        raise SystemExit(f"over the bound of {bound_mib:.0f} MiB per host: {', '.join(over)}")


if __name__ == "__main__":
    main()
