"""The RQ worker classes: `rqworker`'s (settings.RQ["WORKER_CLASS"]) and `scan --wait`'s
on the embedded queue (docs/scanning.md)."""

import time

from rq import SimpleWorker, Worker
from rq.job import Job
from rq.queue import Queue
from rq.worker import BaseWorker

from assessments.scanning.dbretry import Backoff, database_error


class WaitsForDatabase(BaseWorker):
    """Takes no job while the database is unreachable.

    Every batch job needs the database from its first line; dequeuing one during a
    database restart would only fail it (and the next, and the next). Before each dequeue
    the worker checks the database; while it is down it waits with backoff (logging once,
    heartbeats going on, a stop request honoured) and leaves the jobs queued.
    """

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        backoff = Backoff(f"worker {self.name}")
        while (error := database_error()) is not None:
            delay = backoff.failed(error)
            self.procline("Waiting for the database")  # type: ignore[no-untyped-call]
            self.heartbeat()
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                if self._stop_requested:
                    return None
                time.sleep(min(0.5, delay))
        backoff.succeeded()
        return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)


class DatabaseAwareWorker(WaitsForDatabase, Worker):
    """`rqworker`'s worker: a forking RQ worker that takes no job while the database is
    unreachable."""


class DatabaseAwareSimpleWorker(WaitsForDatabase, SimpleWorker):
    """`scan --wait`'s worker on the embedded queue: the same, each job run in this process
    (a forked work horse would not see the in-process queue)."""
