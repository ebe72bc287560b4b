"""API benchmark: the hosts and findings lists over 10,000 hosts and 200,000 findings.

    .venv/bin/python bench/api_lists.py    # DATABASE_URL: default p2c_api_bench on 127.0.0.1

Fills the database once like bench/web_pages.py (bench/webdata.py), then times the API's list
endpoints server-side with a token (Django's test client: p50/p95 of N requests after a
warm-up), including a deep offset of the hosts list and a deep cursor of the findings.
Target: every list <= 300 ms at p95 with its default page (100 rows); the 1,000-row page
(the largest `limit`) is printed for information. Not a test: it prints figures.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/p2c_api_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
# Hundreds of timed requests from one token: no throttling in the way.
os.environ.setdefault("API_THROTTLE_RATE", "1000000/minute")

from bench.web_pages import ensure_database, timed  # noqa: E402


def deep_cursor(client, url: str, steps: int) -> str:  # type: ignore[no-untyped-def]
    """The `next` link `steps` pages into a cursor-paginated list."""
    for _ in range(steps):
        url = client.get(url).json()["next"]
    return url.replace("http://testserver", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--findings-per-host", type=int, default=22)
    parser.add_argument("--runs", type=int, default=30)
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
    from rest_framework.test import APIClient

    from assessments.models import Finding
    from bench.webdata import HEAVY_WEIGHTS, generate
    from fleet.lib.tokens import create_token
    from fleet.models import Host, HostGroup

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if Host.objects.count() < args.hosts:
        start = time.perf_counter()
        generate(
            args.hosts - Host.objects.count(),
            findings_per_host=args.findings_per_host,
            weights=HEAVY_WEIGHTS,
        )
        print(f"generated in {time.perf_counter() - start:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user)[1]}")
    print(f"{connection.vendor}: {Host.objects.count()} hosts, {Finding.objects.count()} findings")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    host = Host.objects.filter(verdict="not_ready").order_by("pk").first()
    group = HostGroup.objects.order_by("pk").first()
    assert host is not None and group is not None
    lists = [
        ("hosts", "/api/v1/hosts/"),
        ("hosts, sorted by blockers", "/api/v1/hosts/?sort=-blockers"),
        ("hosts, sorted by verdict", "/api/v1/hosts/?sort=verdict"),
        ("hosts, filtered", "/api/v1/hosts/?restriction=selinux&severity=blocker&q=lnx"),
        ("hosts, offset 9,000", "/api/v1/hosts/?offset=9000"),
        ("host detail", f"/api/v1/hosts/{host.pk}/"),
        ("findings", "/api/v1/findings/"),
        ("findings, blockers", "/api/v1/findings/?severity=blocker"),
        ("findings, filtered", f"/api/v1/findings/?restriction=selinux&group={group.pk}"),
        ("findings, waived=false", "/api/v1/findings/?waived=false&check=filesystems.nfs"),
        ("findings, 1,000 per page", "/api/v1/findings/?limit=1000"),
        ("findings, cursor 50 pages in", deep_cursor(client, "/api/v1/findings/", 50)),
        ("scans", "/api/v1/scans/"),
    ]
    print(f"{'endpoint':34} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
    worst = 0.0
    for name, path in lists:
        p50, p95, size = timed(client, path, args.runs)
        if "1,000" not in name:
            worst = max(worst, p95)
        print(f"{name:34} {p50:8.1f} {p95:8.1f} {size / 1024:6.0f}")
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    ok = worst <= 300
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
