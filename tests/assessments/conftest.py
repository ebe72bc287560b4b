"""Fixtures of the scan tests: the embedded queue on a private fake Redis."""

import fakeredis
import pytest
from rq import Queue

from assessments.management.commands import scan as scan_command
from assessments.scanning import scans


@pytest.fixture
def embedded(monkeypatch, settings) -> Queue:
    """The embedded path on a private fake Redis; hosts one at a time in this thread."""
    queue = Queue("scans", connection=fakeredis.FakeRedis())
    monkeypatch.setattr(scans, "scan_queue", lambda: queue)
    # The progress thread would need its own database connection; the final line suffices.
    monkeypatch.setattr(scan_command, "POLL_SECONDS", 3600)
    settings.REDIS_URL = ""
    settings.SCAN_CONCURRENCY = 1
    return queue


# Nothing listens on port 1: the real redis client is refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(monkeypatch) -> Queue:
    """The scans queue on a Redis that does not answer (the real client, a closed port)."""
    import redis

    queue = Queue("scans", connection=redis.Redis.from_url(CLOSED_REDIS_URL))
    monkeypatch.setattr(scans, "scan_queue", lambda: queue)
    return queue


@pytest.fixture
def redis_blackhole(settings):  # type: ignore[no-untyped-def]
    """REDIS_COMMAND_URL on a port that completes TCP handshakes (the kernel's backlog) but
    never answers a command, as a Redis behind a firewall that drops packets; 1 s timeouts."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # never accepted: connects succeed, commands wait forever
    port = listener.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_COMMAND_URL = (
        f"redis://127.0.0.1:{port}/0?socket_connect_timeout=1&socket_timeout=1"
    )
    yield port
    listener.close()
