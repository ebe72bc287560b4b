"""The embedded queue: an in-process Redis substitute for laptops and `make demo`.

With no REDIS_URL, django-rq reaches Redis through this cache backend, whose `_client` is
one fakeredis connection on a process-wide server. The web server thread, the worker (main
thread) and the scheduler of one process therefore share the same queues, with no Redis
installed. It is for one machine and one process; production uses a real Redis.
"""

from typing import Any

import fakeredis
from django.core.cache.backends.locmem import LocMemCache

_SERVER = fakeredis.FakeServer()


def connection() -> fakeredis.FakeRedis:
    """A new client on the process-wide embedded server (all clients share its data)."""
    return fakeredis.FakeRedis(server=_SERVER)


class EmbeddedRedisCache(LocMemCache):
    """A local-memory cache that also exposes the embedded Redis as `_client` for django-rq."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self._client = connection()
