"""Real peers: Redis, forking `manage.py rqworker` processes, PostgreSQL and OpenSSH's sshd.

The workers are separate processes, so they must see the test's rows: these tests commit
(`transaction=True`) into the PostgreSQL test database and hand its name to the workers.
Run locally with e.g. `REDIS_URL=redis://127.0.0.1:6379/2
DATABASE_URL=postgres://postgres@127.0.0.1:5432/p2c_jobs pytest <this file>`.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from assessments.models import HostScan, Scan
from assessments.scanning.scans import recover_lost, scan_queue, start_scan
from fleet.choices import CredentialKind
from fleet.models import Credential, Host, HostGroup
from tests.conftest import missing_service
from tests.sshd import TEST_PASSWORD, TEST_USER, Sshd, ensure_user, sshd_unavailable, start_sshd

pytestmark = [pytest.mark.redis, pytest.mark.sshd, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def services(transactional_db) -> dict[str, str]:
    """Environment for worker processes sharing this test's Redis and database."""
    if not settings.REDIS_URL:
        missing_service("REDIS_URL is not set: real-worker tests need a real Redis")
    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at REDIS_URL does not answer: {exc}")
    if connection.vendor != "postgresql":
        missing_service("DATABASE_URL must be PostgreSQL: worker processes share the test DB")
    scan_queue().empty()  # jobs other tests left behind must not run in our workers
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{auth}@{address}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        FLEET_ENCRYPTION_KEY=",".join(settings.FLEET_ENCRYPTION_KEYS),
        SECRET_KEY=settings.SECRET_KEY,
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def sshd(tmp_path) -> Iterator[Sshd]:
    reason = sshd_unavailable()
    if reason:
        missing_service(reason)
    ensure_user(TEST_USER, sudo=True)
    server = start_sshd(tmp_path)
    yield server
    server.stop()


def make_host(name: str, port: int) -> Host:
    credential, _ = Credential.objects.get_or_create(
        name="worker-test", defaults={"kind": CredentialKind.SSH_PASSWORD, "username": TEST_USER}
    )
    credential.set_secret(TEST_PASSWORD)
    credential.save()
    host = Host.objects.create(
        name=name, address="127.0.0.1", port=port, os_family="linux", credential=credential
    )
    host.groups.add(HostGroup.objects.get_or_create(name="tofu", trust_first_host_key=True)[0])
    return host


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`manage.py rqworker --burst` (no queue names: every queue), in its own process group."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "--burst"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(process: subprocess.Popen[bytes], timeout: float) -> str:
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        pytest.fail(f"worker did not finish in {timeout} s:\n{out.decode(errors='replace')}")
    return out.decode(errors="replace")


def test_it_scans_this_machine_through_a_real_worker(services, sshd):
    make_host("this-machine", sshd.port)
    scan = start_scan({"hosts": ["this-machine"]})
    log = finish(worker(services), timeout=180)
    scan.refresh_from_db()
    hs = scan.host_scans.get()
    assert (scan.status, hs.status) == ("finished", "done"), (hs.error_detail, log)
    assert hs.transport == "ssh" and hs.capture.size > 0
    root_type = next(line.split()[2] for line in open("/proc/mounts") if line.split()[1] == "/")
    evidence = "".join(
        hs.findings.filter(restriction="filesystems").values_list("evidence", flat=True)
    )
    assert root_type in evidence
    assert hs.host.latest_scan_id == hs.pk


class SlowRelay:
    """A loopback TCP relay that waits `delay` seconds before connecting each client through,
    so a real scan stays in flight long enough to kill its worker."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port, self.delay = target_port, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        time.sleep(self.delay)
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_it_recovers_a_scan_whose_worker_was_killed(services, sshd):
    relay = SlowRelay(sshd.port, delay=2.0)
    try:
        for i in range(3):
            make_host(f"slow-{i}", relay.port)
        scan = start_scan({"all": True})
        first = worker(services)
        running = HostScan.objects.filter(scan=scan, status="running")
        wait_until(lambda: running.count() == 3, 60, "the first worker to claim every host")
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its work horse, mid-scan
        first.wait(10)
        assert running.count() == 3  # nobody will ever finish them

        assert recover_lost(scan, stale_after=0) == {"requeued": 3, "failed": 0}
        log = finish(worker(services), timeout=120)
    finally:
        relay.close()
    scan.refresh_from_db()
    statuses = list(scan.host_scans.values_list("status", "attempts"))
    assert statuses == [("done", 2)] * 3, log
    assert scan.status == "finished"
    assert Scan.objects.count() == 1
