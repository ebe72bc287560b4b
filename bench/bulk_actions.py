"""Bulk actions benchmark: each hosts-list bulk action on every host of a 10,000-host fleet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_bulkbench \
        .venv/bin/python bench/bulk_actions.py

Fills the database once (bench/webdata.py), then times each action of
`assessments.scanning.bulk` on all hosts, each inside a transaction rolled back afterwards
(so every run starts from the same fleet; scans are not enqueued), with its query count, and
the hosts list for a viewer and for an operator (checkboxes and the bulk form). Not a test:
it prints figures.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/p2c_bulkbench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


class Rollback(Exception):
    pass


def timed_action(name: str, action: Any) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    message = ""
    try:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            message = action().message
            raise Rollback
    except Rollback:
        pass
    seconds = time.perf_counter() - start
    print(f"{name:22} {seconds * 1000:9.0f} ms {len(queries):7} queries  {message[:70]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        from bench.web_pages import ensure_database

        ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from assessments.scanning import bulk
    from bench.webdata import generate
    from fleet.models import Host, HostGroup, Tag, TargetNode, Wave

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if Host.objects.count() < args.hosts:
        generate(args.hosts - Host.objects.count(), findings_per_host=20)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    node = TargetNode.objects.order_by("pk").first() or TargetNode.objects.create(name="n")
    group = HostGroup.objects.get_or_create(name="bench-bulk")[0]
    Tag.objects.get_or_create(name="bench-bulk")
    wave = Wave.objects.get_or_create(name="bench-bulk")[0]
    hosts = Host.objects.all()
    # A scan's selection stores names: at most bulk.MAX_NAMED of them.
    first_5000 = Host.objects.filter(
        pk__in=list(hosts.order_by("pk").values_list("pk", flat=True)[:5000])
    )
    print(f"{connection.vendor}: {hosts.count()} hosts")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    # Scans are created in the rolled-back transaction; no job is enqueued (on_commit).
    actions = [
        ("add tag", lambda: bulk.add_tag(hosts, "bench-bulk")),
        ("remove tag", lambda: bulk.remove_tag(hosts, "bench-bulk")),
        ("add to group", lambda: bulk.add_group(hosts, group)),
        ("set wave", lambda: bulk.set_wave(hosts, wave)),
        ("clear wave", lambda: bulk.set_wave(hosts, None)),
        ("assign destination", lambda: bulk.assign_destination(hosts, node)),
        ("re-scan (5,000)", lambda: bulk.rescan(first_5000)),
        ("re-assess (5,000)", lambda: bulk.reassess(first_5000)),
        (
            "waive a class",
            lambda: bulk.waive(hosts, "quotas", reason="bench", owner="bench"),
        ),
    ]
    for name, action in actions:
        timed_action(name, action)
    viewer, _ = User.objects.get_or_create(username="bench-viewer")
    viewer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    operator, _ = User.objects.get_or_create(username="bench-op", defaults={"is_superuser": True})
    for name, user in (("viewer, no checkboxes", viewer), ("operator, with bulk form", operator)):
        client = Client()
        client.force_login(user)
        times = []
        for _ in range(args.runs + 1):
            start = time.perf_counter()
            assert client.get("/hosts/").status_code == 200
            times.append((time.perf_counter() - start) * 1000)
        times = sorted(times[1:])  # the first request warms up
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"hosts list, {name:26} p50 {statistics.median(times):4.0f} ms, p95 {p95:4.0f} ms")
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
