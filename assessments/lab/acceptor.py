"""One accept loop for every simulated host: a selector over many listening sockets.

A thousand hosts cost a thousand listening sockets and one thread, not a thousand server
threads. Accepted connections go to a bounded thread pool; a "hang" host's connections stay
in the selector, accepted and never answered, until the peer gives up.
"""

import logging
import selectors
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

Handler = Callable[[socket.socket], None]

# Only loopback: the lab must never be reachable from another machine.
ALLOWED_PREFIX = "127."


def nodelay(sock: socket.socket) -> None:
    # Without TCP_NODELAY every small SSH/HTTP reply waits ~40 ms for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Acceptor:
    """Listens on many loopback ports and hands connections to a bounded pool."""

    def __init__(self, workers: int = 128) -> None:
        self._selector = selectors.DefaultSelector()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lab")
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._held: set[socket.socket] = set()
        self._active: set[socket.socket] = set()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lab-accept", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _bind(self, address: str, port: int) -> socket.socket:
        if not address.startswith(ALLOWED_PREFIX):
            raise ValueError(f"the fleet lab listens on loopback only, not {address}")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        with self._lock:
            self._sockets.append(sock)
        return sock

    def listen(self, address: str, port: int, handler: Handler | None) -> int:
        """Listen on address:port (0: any free port); `handler` None holds connections (hang)."""
        sock = self._bind(address, port)
        sock.listen(128)
        sock.setblocking(False)
        self._register(sock, ("listen", handler))
        return int(sock.getsockname()[1])

    def reserve(self, address: str, port: int) -> int:
        """Bind a port without listening: connections to it are refused, and no one else gets it."""
        return int(self._bind(address, port).getsockname()[1])

    def _register(self, sock: socket.socket, data: object) -> None:
        with self._lock:
            self._selector.register(sock, selectors.EVENT_READ, data)
        self._wake()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except BlockingIOError:
            pass  # a wake-up is already pending

    def _loop(self) -> None:
        while not self._stopped.is_set():
            for key, _ in self._selector.select(timeout=1.0):
                if key.data is None:
                    self._wake_r.recv(4096)
                    continue
                kind, handler = key.data
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if kind == "held":
                    self._drop_if_closed(sock)
                else:
                    self._accept(sock, handler)

    def _accept(self, listener: socket.socket, handler: Handler | None) -> None:
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, OSError):
            return
        conn.setblocking(True)
        nodelay(conn)
        if handler is None:
            conn.setblocking(False)
            with self._lock:
                self._held.add(conn)
                self._selector.register(conn, selectors.EVENT_READ, ("held", None))
            return
        with self._lock:
            self._active.add(conn)
        self._pool.submit(self._run, handler, conn)

    def _drop_if_closed(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            with self._lock:
                self._selector.unregister(conn)
                self._held.discard(conn)
            conn.close()

    def _run(self, handler: Handler, conn: socket.socket) -> None:
        try:
            if not self._stopped.is_set():
                handler(conn)
        except Exception:
            log.debug("lab connection handler failed", exc_info=True)
        finally:
            with self._lock:
                self._active.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._stopped.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        with self._lock:
            for conn in self._active:
                try:
                    conn.shutdown(socket.SHUT_RDWR)  # wakes handlers blocked on it
                except OSError:
                    pass
            for sock in [*self._sockets, *self._held]:
                try:
                    sock.close()
                except OSError:
                    pass
            self._sockets.clear()
            self._held.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()
