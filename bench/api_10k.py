"""API benchmark: the hosts and findings lists of /api/v1/ over 10,000 hosts and 200,000
findings in PostgreSQL, with a token, against a baseline of 1,000 hosts in the same run.

    .venv/bin/python bench/api_10k.py [--runs 30] [--rebuild]

Fills two databases once (bench/webdata.py, bulk inserts): `bench_api` (10,000 hosts, about
200,000 findings) and `bench_api_1k` (1,000 hosts, about 20,000), on the PostgreSQL of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/). For each it times, server-side
with Django's test client and `Authorization: Token ...` (p50/p95 of N requests after a
warm-up): the first page, a filtered page and a deep page of the hosts list (offset) and of
the findings list (a cursor three quarters down). Target: p95 <= 300 ms at 10,000 hosts.
Not a test: it prints figures. The per-token throttle is lifted for the run.
"""

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SERVER = "postgres://postgres@127.0.0.1:5432/"
os.environ.setdefault("DATABASE_URL", SERVER + "bench_api")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

FINDINGS_PER_HOST = 22  # about 200,000 findings at 10,000 hosts (some are never scanned)
TARGET_MS = 300

from bench.web_pages import ensure_database  # noqa: E402


def database_url(name: str) -> str:
    return urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def use_database(name: str) -> None:
    """Point Django's default connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def fill(hosts: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.webdata import HEAVY_WEIGHTS, generate
    from fleet.models import Host

    call_command("migrate", verbosity=0)
    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE fleet_host, assessments_scan, fleet_targetnode, fleet_hostgroup, "
                "fleet_tag CASCADE"
            )
    if (have := Host.objects.count()) < hosts:
        start = time.perf_counter()
        generate(hosts - have, findings_per_host=FINDINGS_PER_HOST, weights=HEAVY_WEIGHTS)
        print(f"  generated {hosts - have} hosts in {time.perf_counter() - start:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a live database


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    for _ in range(2):
        client.get(url)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, len(response.json()["results"])


def cursor_at(position: int) -> str:
    """A DRF cursor (`?cursor=`) standing at `position` of a `-pk` ordering, as the `next`
    link of the page before it would carry."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def endpoints() -> list[tuple[str, str]]:
    from assessments.models import Finding
    from assessments.pages.queries import latest_findings
    from fleet.models import Host

    hosts = Host.objects.count()
    findings = latest_findings(Host.objects.all()).order_by("-pk").values_list("pk", flat=True)
    total = findings.count()
    deep = findings[total * 3 // 4] if total else 0
    assert Finding.objects.exists()
    return [
        ("hosts, first page", "/api/v1/hosts/"),
        ("hosts, filtered", "/api/v1/hosts/?restriction=selinux&severity=blocker&q=lnx"),
        ("hosts, sorted by blockers", "/api/v1/hosts/?sort=-blockers"),
        ("hosts, 9/10 deep (offset)", f"/api/v1/hosts/?offset={hosts * 9 // 10}"),
        ("findings, first page", "/api/v1/findings/"),
        ("findings, filtered", "/api/v1/findings/?severity=blocker&restriction=filesystems"),
        ("findings, 3/4 deep (cursor)", f"/api/v1/findings/?cursor={cursor_at(deep)}"),
    ]


def measure(runs: int) -> dict[str, tuple[float, float, int]]:
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    from assessments.models import Finding
    from fleet.lib.tokens import create_token
    from fleet.models import Host

    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    _token, key = create_token(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    print(f"  {Host.objects.count()} hosts, {Finding.objects.count()} findings")
    return {name: timed(client, url, runs) for name, url in endpoints()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--baseline-hosts", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="Drop and refill the data.")
    args = parser.parse_args()
    big = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    small = f"{big}_1k"
    for name in (big, small):
        ensure_database(database_url(name))

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.API_THROTTLE_RATE = "1000000/minute"  # the bench measures the lists, not the limit
    figures = {}
    for name, hosts in ((small, args.baseline_hosts), (big, args.hosts)):
        print(f"{name}:")
        use_database(name)
        fill(hosts, args.rebuild)
        figures[hosts] = measure(args.runs)
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    base, full = figures[args.baseline_hosts], figures[args.hosts]
    print(
        f"{'endpoint':32} {'rows':>5} "
        f"{'p50 1k':>8} {'p95 1k':>8} {'p50 10k':>8} {'p95 10k':>8} {'x p95':>6}"
    )
    worst = 0.0
    for name in full:
        b50, b95, _ = base.get(name, (0.0, 0.0, 0))
        p50, p95, rows = full[name]
        worst = max(worst, p95)
        print(
            f"{name:32} {rows:5d} {b50:8.1f} {b95:8.1f} {p50:8.1f} {p95:8.1f} "
            f"{p95 / b95 if b95 else 0:6.1f}"
        )
    ok = worst <= TARGET_MS
    print(f"worst p95 {worst:.0f} ms: " + ("target met" if ok else "TARGET MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
