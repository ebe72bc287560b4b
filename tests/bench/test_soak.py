"""bench/soak.py, small: a lab scan through each fault once loses, duplicates, strands nothing.

Needs a real PostgreSQL and Redis (the soak starts forking workers and a scheduler): it
runs on its own database `soak_bench` and Redis database 5 of the test's servers.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import missing_service

pytestmark = [pytest.mark.redis, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def soak_environment() -> dict[str, str]:
    if not settings.REDIS_URL:
        missing_service("REDIS_URL is not set: the soak needs a real Redis")
    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at REDIS_URL does not answer: {exc}")
    if connection.vendor != "postgresql":
        missing_service("DATABASE_URL must be PostgreSQL: the soak terminates its backends")
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCAN_", "DJANGO_"))}
    env["DATABASE_URL"] = f"postgres://{auth}@{address}/soak_bench"  # never the test's own
    env["REDIS_URL"] = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path="/5", query=""))
    return env


def test_a_small_soak_loses_duplicates_and_strands_no_host(tmp_path):
    env = soak_environment()
    done = subprocess.run(
        [
            sys.executable,
            "bench/soak.py",
            "--seconds",
            "10",
            "--hosts",
            "20",
            "--fault-every",
            "3",
            "--logs",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hosts lost 0, duplicated 0, stuck 0" in done.stdout
    assert "database" in done.stdout and "worker" in done.stdout and "scheduler" in done.stdout
