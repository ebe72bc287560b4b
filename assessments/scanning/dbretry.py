"""Survive a lost database connection in long-running processes (docs/scanning.md).

The scheduler, `scan --wait` and RQ workers run for days; PostgreSQL may drop their
connection (restart, failover, `pg_terminate_backend`, an idle timeout). Django notices
a dead connection only when asked: `fresh_connections()` before each iteration (with
`CONN_HEALTH_CHECKS` on) replaces it, and `Backoff` spaces the retries while the server
is down, logging once when it goes and once when it comes back.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors of a lost or unreachable server; other database errors are bugs and propagate.
CONNECTION_ERRORS = (OperationalError, InterfaceError)
# How long `retry` keeps trying one step before it gives up (a batch job's host waits that
# long for the database, then is left to `recover_lost`).
RETRY_FOR = 60.0


class Backoff:
    """Delays 1, 2, 4 ... `cap` seconds between retries, back to nothing after a success.

    `failed()` returns the next delay and logs only the first failure of an outage;
    `succeeded()` logs once that the database (or `service`) is back.
    """

    def __init__(
        self, what: str, first: float = 1.0, cap: float = 30.0, service: str = "database"
    ) -> None:
        self.what = what
        self.service = service
        self.first = first
        self.cap = cap
        self.failures = 0

    def failed(self, exc: BaseException) -> float:
        if not self.failures:
            log.warning(
                "%s: %s unavailable (%s); retrying with backoff", self.what, self.service, exc
            )
        delay = float(min(self.cap, self.first * 2**self.failures))
        self.failures += 1
        return delay

    def succeeded(self) -> None:
        if self.failures:
            log.warning(
                "%s: %s reachable again after %d retries", self.what, self.service, self.failures
            )
        self.failures = 0

    @property
    def down(self) -> bool:
        return self.failures > 0


def fresh_connections() -> None:
    """Drop connections that are broken or too old; the next query opens a new one."""
    close_old_connections()


def drop_connections() -> None:
    """Close every connection after an error, so that the next attempt reconnects."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:  # closing a dead socket may fail too; it is gone either way
            pass


def attempt(
    fn: Callable[[], T], backoff: Backoff, *, fresh: bool = True
) -> tuple[bool, T | None, float]:
    """Run `fn` (on `fresh` connections): (True, result, 0) or (False, None, delay to wait)."""
    if fresh:
        fresh_connections()
    try:
        result = fn()
    except CONNECTION_ERRORS as exc:
        drop_connections()
        return False, None, backoff.failed(exc)
    backoff.succeeded()
    return True, result, 0.0


def database_error() -> Exception | None:
    """Why the default database does not answer a trivial query now, or None if it does.

    The connection is closed again either way: a forking worker must not hand it down.
    """
    fresh_connections()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except CONNECTION_ERRORS as exc:
        return exc
    finally:
        drop_connections()


def retry(
    fn: Callable[[], T],
    what: str,
    *,
    give_up_after: float | None = None,
    sleep: Callable[[float], object] | None = None,
) -> T:
    """`fn()`, run again on fresh connections while it fails for a lost connection.

    For the steps of a batch job (claim a host, save its result): one killed backend must
    not cost a host, nor wait until its worker is taken for dead. Each failure drops this
    thread's connections and waits with backoff (0.5 s doubling up to 8 s; logged once per
    outage); after `give_up_after` seconds (default RETRY_FOR) the last error is raised.
    `fn` must be safe to run again: a transaction that died rolled back, and the
    conditional writes of the claim and the saves tell a repeat from a first run.
    """
    backoff = Backoff(what, first=0.5, cap=8.0)
    give_up_after = RETRY_FOR if give_up_after is None else give_up_after
    started = time.monotonic()
    while True:
        try:
            result = fn()
        except CONNECTION_ERRORS as exc:
            drop_connections()
            delay = backoff.failed(exc)
            if time.monotonic() - started + delay > give_up_after:
                raise
            (sleep or time.sleep)(delay)
            continue
        backoff.succeeded()
        return result
