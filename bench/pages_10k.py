"""Web benchmark at two fleet sizes: the pages and the exports at 10,000 hosts against a
baseline of 1,000 hosts measured in the same run.

    .venv/bin/python bench/pages_10k.py [--sizes 1000,10000] [--runs 20] [--rebuild]

Each size gets its own PostgreSQL database (`bench_perf10k_<hosts>`, created and filled once
with bench/webdata.py: about 20 findings per scanned host, bulk inserts) and its own child
process, so one size's memory does not hide the other's. Pages are timed server-side with
Django's test client (p50/p95 of `--runs` requests after two warm-ups). Exports are read to
the end (streamed bodies chunk by chunk) `--export-runs` times, then once more under
tracemalloc for the peak of Python allocations; the CPU seconds of this process (the web
worker's share, without PostgreSQL's) are printed too, since wall time on a shared machine
follows its load. Budgets (docs/web.md, "Performance"): pages <= 300 ms at p95 at 10,000
hosts (paged pages flat with the fleet); exports and the report <= 10 s with a Python peak
<= 100 MB, streamed or spooled so memory does not grow with the fleet. Not a test: it
prints figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SERVER = "postgres://postgres@127.0.0.1:5432"
PAGE_BUDGET_MS = 300.0
EXPORT_BUDGET_MS = 10_000.0
MEMORY_BUDGET_MB = 100.0
PAGES = [
    ("overview", "/"),
    ("hosts list", "/hosts/"),
    ("hosts list, filtered", "/hosts/?restriction=selinux&severity=blocker&os_family=linux"),
    ("hosts list, by verdict", "/hosts/?sort=verdict"),
    ("hosts list, page 20", "/hosts/?page=20"),
    ("destinations", "/destinations/"),
]
EXPORTS = [
    ("/export/blockers.csv", "/export/blockers.csv"),
    ("/export/hosts.csv", "/export/hosts.csv"),
    ("/export/hosts.xlsx", "/export/hosts.xlsx"),
    ("/report/", "/report/"),
]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _body(response: Any) -> int:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _time(client: Any, url: str, runs: int, warmups: int) -> dict[str, float]:
    for _ in range(warmups):
        _body(client.get(url))
    samples, cpu, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = _body(client.get(url))
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append(time.process_time() - start_cpu)
    p50, p95 = _percentiles(samples)
    return {"p50": p50, "p95": p95, "kb": size / 1024, "cpu_s": statistics.median(cpu)}


def _peak_mb(client: Any, url: str) -> float:
    tracemalloc.start()
    _body(client.get(url))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def child(hosts: int, runs: int, export_runs: int, rebuild: bool) -> dict[str, Any]:
    """Fill (if needed) and time one fleet size; the figures as a dict."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from assessments.models import Finding
    from bench.webdata import generate
    from fleet.models import Host

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if rebuild or Host.objects.count() != hosts:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE fleet_host, assessments_scan, fleet_targetnode, fleet_hostgroup, "
                "fleet_tag CASCADE"
            )
        start = time.perf_counter()
        generate(hosts, findings_per_host=20)
        print(f"{hosts} hosts generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    figures: dict[str, Any] = {
        "hosts": Host.objects.count(),
        "findings": Finding.objects.count(),
        "load": os.getloadavg()[0],
        "pages": {},
        "exports": {},
    }
    for name, url in PAGES:
        figures["pages"][name] = _time(client, url, runs, warmups=2)
    for name, url in EXPORTS:
        row = _time(client, url, export_runs, warmups=1)
        row["peak_mb"] = _peak_mb(client, url)
        figures["exports"][name] = row
    figures["load_after"] = os.getloadavg()[0]
    return figures


def _run_size(hosts: int, args: argparse.Namespace) -> dict[str, Any]:
    from bench.web_pages import ensure_database

    env = dict(os.environ)
    env["DATABASE_URL"] = f"{SERVER}/bench_perf10k_{hosts}"
    env.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
    env.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    ensure_database(env["DATABASE_URL"])
    command = [sys.executable, __file__, "--child", str(hosts), "--runs", str(args.runs)]
    command += ["--export-runs", str(args.export_runs)] + (["--rebuild"] if args.rebuild else [])
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _print(small: dict[str, Any], large: dict[str, Any]) -> bool:
    print(
        f"baseline: {small['hosts']} hosts, {small['findings']} findings (load {small['load']:.1f})"
    )
    print(
        f"measured: {large['hosts']} hosts, {large['findings']} findings (load {large['load']:.1f})"
    )
    s, n = f"{small['hosts'] // 1000}k", f"{large['hosts'] // 1000}k"
    header = f"{'page':26} {s + ' p50':>9} {s + ' p95':>9} {n + ' p50':>9} {n + ' p95':>9}"
    header += f" {'x p95':>6} {n + ' KB':>8} {s + ' cpu':>7} {n + ' cpu':>7} {'x cpu':>6}"
    print(f"{header} {'peak MB':>8}")
    ok = True
    for kind in ("pages", "exports"):
        for name, big in large[kind].items():
            base = small[kind][name]
            ratio = big["p95"] / base["p95"] if base["p95"] else 0.0
            peak = f"{big['peak_mb']:8.1f}" if "peak_mb" in big else " " * 8
            line = f"{name:26} {base['p50']:9.1f} {base['p95']:9.1f} {big['p50']:9.1f}"
            line += f" {big['p95']:9.1f} {ratio:6.1f} {big['kb']:8.0f} {base['cpu_s']:7.2f}"
            cpu_ratio = big["cpu_s"] / base["cpu_s"] if base["cpu_s"] else 0.0
            line += f" {big['cpu_s']:7.2f} {cpu_ratio:6.1f}"
            print(f"{line} {peak}")
            if kind == "pages":
                ok = ok and big["p95"] <= PAGE_BUDGET_MS
            else:
                ok = ok and big["p95"] <= EXPORT_BUDGET_MS and big["peak_mb"] <= MEMORY_BUDGET_MB
    print(f"load average after: {large['load_after']:.1f}; x: 10k over 1k (p95, CPU seconds)")
    busy = max(small["load"], large["load"], large["load_after"])
    if busy > (os.cpu_count() or 1):
        print(
            f"busy machine (load {busy:.1f} on {os.cpu_count()} cores): wall times are not "
            "comparable with a quiet run, CPU seconds and memory are"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="baseline,measured host counts")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="Drop and refill the data.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = child(args.child, args.runs, args.export_runs, args.rebuild)
        print(json.dumps(figures))
        return 0
    small, large = (int(n) for n in args.sizes.split(","))
    baseline, measured = _run_size(small, args), _run_size(large, args)
    ok = _print(baseline, measured)
    print("within budget" if ok else "BUDGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
