"""`manage.py demo` for real: a subprocess with its own var/ directory and a free port."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(check, timeout: float, what: str, process: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo exited early:\n{process.stdout.read()}")
        try:
            result = check()
        except (OSError, sqlite3.Error):
            result = None
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def scanned_hosts(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT count(*) FROM assessments_hostscan WHERE status = 'done'"
        ).fetchone()[0]


def test_it_serves_the_dashboard_and_scans_the_simulated_fleet(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(FLEET_VAR_DIR=str(tmp_path), PORT=str(port), DEMO_PASSWORD="demo-Pass-123")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--hosts", "12"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        login = f"http://127.0.0.1:{port}/login/"
        page = eventually(
            lambda: urllib.request.urlopen(login, timeout=5).read(), 90, "the login page", process
        )
        assert b'name="password"' in page
        eventually(lambda: scanned_hosts(tmp_path / "p2c.sqlite3") >= 6, 60, "scans", process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
            pytest.fail(f"one Ctrl-C did not stop the demo:\n{out}")
    assert process.returncode == 0, out
    assert "Password:  demo-Pass-123" in out
