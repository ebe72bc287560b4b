"""Web benchmark: the readiness pages over 10,000 hosts and 200,000 findings in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_webbench .venv/bin/python bench/web_pages.py

Creates the database if needed, fills it once (bench/webdata.py, bulk inserts), then times
overview, hosts list (plain, filtered, sorted by blockers), host page, restriction page and
destinations server-side with Django's test client (p50/p95 of N requests after a warm-up),
and streams the CSV of blockers and warnings, timing it and measuring the peak of Python
allocations (tracemalloc) and the growth of the process's peak RSS. Targets: pages <= 300 ms at p95,
CSV of 100,000 rows <= 10 s with <= 100 MB of memory growth. Not a test: it prints figures.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/p2c_webbench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    for _ in range(2):
        client.get(url)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, len(response.content)


def csv_figures(client, url: str) -> dict[str, float]:
    # Pass 1: time only.
    start = time.perf_counter()
    rows = 0
    response = client.get(url)
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")  # rows end with CRLF; evidence lines end with LF
    seconds = time.perf_counter() - start
    # Pass 2: memory (tracemalloc slows Python down, so it is not timed).
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    size = 0
    for chunk in client.get(url).streaming_content:
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows - 1,
        "seconds": seconds,
        "mb": size / 1e6,
        "peak_mb": peak / 1e6,
        "rss_growth_mb": (rss_after - rss_before) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    # 22: about 200,000 findings, since some hosts are never scanned or unreachable.
    parser.add_argument("--findings-per-host", type=int, default=22)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="Drop and refill the data.")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from assessments.models import Finding
    from bench.webdata import HEAVY_WEIGHTS, generate
    from fleet.models import Host, HostGroup

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if args.rebuild:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE fleet_host, assessments_scan, fleet_targetnode, fleet_hostgroup, "
                "fleet_tag CASCADE"
            )
    if Host.objects.count() < args.hosts:
        start = time.perf_counter()
        generate(
            args.hosts - Host.objects.count(),
            findings_per_host=args.findings_per_host,
            weights=HEAVY_WEIGHTS,
        )
        print(f"generated in {time.perf_counter() - start:.0f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does to a live database: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    hosts, findings = Host.objects.count(), Finding.objects.count()
    print(f"{connection.vendor}: {hosts} hosts, {findings} findings")
    # Timings are only comparable on a quiet machine: say how busy this one is.
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    host = Host.objects.filter(verdict="not_ready").order_by("pk").first()
    group = HostGroup.objects.order_by("pk").first()
    pages = [
        ("overview", "/"),
        ("overview, filtered", f"/?os_family=linux&group={group.pk}"),
        ("hosts list", "/hosts/"),
        ("hosts list, sorted by blockers", "/hosts/?sort=-blockers"),
        ("hosts list, filtered", "/hosts/?restriction=selinux&severity=blocker&q=lnx"),
        ("hosts list, page 100", "/hosts/?page=100"),
        ("host page", f"/hosts/{host.pk}/"),
        ("restriction page", "/restrictions/filesystems/"),
        ("restriction page, page 50", "/restrictions/quotas/?page=50"),
        ("destinations", "/destinations/"),
    ]
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
    worst = 0.0
    for name, page in pages:
        p50, p95, size = timed(client, page, args.runs)
        worst = max(worst, p95)
        print(f"{name:34} {p50:8.1f} {p95:8.1f} {size / 1024:6.0f}")
    figures = csv_figures(client, "/export/blockers.csv?include=warnings")
    print(
        f"CSV: {figures['rows']} rows, {figures['mb']:.1f} MB in {figures['seconds']:.2f} s "
        f"({figures['rows'] / figures['seconds']:.0f} rows/s); Python peak "
        f"{figures['peak_mb']:.1f} MB, RSS growth {figures['rss_growth_mb']:.1f} MB"
    )
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    ok = worst <= 300 and figures["seconds"] <= 10 * max(1, figures["rows"] / 100_000)
    ok = ok and max(figures["peak_mb"], figures["rss_growth_mb"]) <= 100
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
