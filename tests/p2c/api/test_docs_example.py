"""docs/api.md's worked example, run as written, against a real server on loopback.

Everything runs in processes of its own, as in production: gunicorn serving the site, a
`manage.py rqworker` on a real Redis, a fleet lab of simulated hosts, all on one SQLite file
made for this test. The example's shell and Python blocks are cut out of docs/api.md and run
with a token only: if the docs drift from the API, this fails.
"""

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from assessments.pages.exports import HEADER
from tests.conftest import missing_service

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "api.md"
# A Redis database of its own: its queues are emptied, nobody else's.
REDIS_URL = os.environ.get("P2C_EXAMPLE_REDIS_URL", "redis://127.0.0.1:6379/13")
HOSTS = 3


def example_blocks() -> dict[str, str]:
    """The worked example's ```sh and ```python blocks, as written in docs/api.md."""
    text = DOCS.read_text()
    section = text.split("## Worked example", 1)[1].split("\n## ", 1)[0]
    blocks = dict(re.findall(r"```(sh|python)\n(.*?)```", section, flags=re.S))
    assert set(blocks) == {"sh", "python"}, "docs/api.md lost a block of the worked example"
    return blocks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def manage(env: dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(check, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 401
    except requests.ConnectionError:
        return False


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, str]]:
    """gunicorn, a worker and a fleet lab on a fresh database; the example's environment."""
    try:
        connection = redis.Redis.from_url(REDIS_URL)
        connection.ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {REDIS_URL} does not answer: {exc}")
    from rq import Queue

    for name in ("scans", "default"):
        Queue(name, connection=connection).empty()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'example.sqlite3'}",
        REDIS_URL=REDIS_URL,
        FLEET_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
        SCAN_HOST_DEADLINE="60",
    )
    manage(env, "migrate", "--no-input")
    manage(env, "create_login", "alice", "--role", "operator", stdin="Example-pw-2026\n" * 2)
    token = manage(env, "create_token", "alice").strip()
    work = tmp_path / "work"
    work.mkdir()
    port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    commands = {
        "lab": [
            sys.executable,
            "manage.py",
            "fleetlab",
            "--hosts",
            str(HOSTS),
            "--faults",
            "none",
            "--inventory",
            str(work / "hosts.csv"),
        ],
        "web": [
            str(Path(sys.executable).with_name("gunicorn")),
            "p2c.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        "worker": [sys.executable, "manage.py", "rqworker"],
    }
    processes = {
        name: subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=open(logs / f"{name}.log", "w"),
            stderr=subprocess.STDOUT,
        )
        for name, command in commands.items()
    }
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: (work / "hosts.csv").exists(), "the fleet lab's inventory")
        wait_for(lambda: answers(f"{url}/api/v1/me/"), "gunicorn")
        yield {"P2C_URL": url, "P2C_TOKEN": token, "work": str(work), "logs": str(logs)}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def run_block(site: dict[str, str], command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "P2C_URL": site["P2C_URL"], "P2C_TOKEN": site["P2C_TOKEN"]}
    result = subprocess.run(
        command, cwd=site["work"], env=env, capture_output=True, text=True, timeout=300
    )
    logs = "".join(p.read_text()[-2000:] for p in Path(site["logs"]).iterdir())
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{logs}"
    return result


def blockers(site: dict[str, str]) -> list[list[str]]:
    text = (Path(site["work"]) / "blockers.csv").read_text(encoding="utf-8-sig")
    (Path(site["work"]) / "blockers.csv").unlink()
    return list(csv.reader(io.StringIO(text)))


def last_scan(site: dict[str, str]) -> dict:  # type: ignore[type-arg]
    headers = {"Authorization": f"Token {site['P2C_TOKEN']}"}
    scans = requests.get(f"{site['P2C_URL']}/api/v1/scans/", headers=headers, timeout=10)
    return scans.json()["results"][0]  # type: ignore[no-any-return]


def test_the_worked_example_runs_as_written_with_curl_and_with_python(site):
    blocks = example_blocks()

    shell = run_block(site, ["bash", "-euo", "pipefail", "-c", blocks["sh"]])
    assert '"created": 3' in shell.stdout  # jq .counts of the first import
    scan = last_scan(site)
    assert scan["status"] == "finished"
    assert scan["progress"]["done"] == HOSTS
    rows = blockers(site)
    assert rows[0] == HEADER
    with open(Path(site["work"]) / "hosts.csv") as inventory:
        imported = {row["name"] for row in csv.DictReader(inventory)}
    assert len(rows) > 1 and {row[0] for row in rows[1:]} <= imported

    python = run_block(site, [sys.executable, "-c", blocks["python"]])
    assert "import: {'created': 0, 'updated': 0, 'unchanged': 3}" in python.stdout
    assert "scan: finished" in python.stdout
    assert blockers(site)[0] == HEADER
    assert last_scan(site)["id"] == scan["id"] + 1
