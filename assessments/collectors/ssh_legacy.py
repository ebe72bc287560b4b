"""The legacy SSH path: asyncssh with SHA-1 key exchange and `ssh-rsa` host keys allowed.

RHEL/CentOS 5-6 era OpenSSH (before 7.2) only offers `diffie-hellman-group14-sha1` /
`diffie-hellman-group1-sha1` and `ssh-rsa` (or `ssh-dss`) host keys, which paramiko 5 no
longer speaks. `collect_ssh` comes here only when the modern handshake found no common
algorithm AND the host (or a group of it) allows legacy SSH; `collect_legacy_ssh` (the
`ssh_legacy` entry of `COLLECTORS`) comes straight here. Same pins, same deadlines, same
script, same result; `transport` is `ssh_legacy`.

asyncssh runs in an event loop of its own inside the calling worker thread. The host key is
decided from the pins looked up before the loop starts (`PinPolicy.decide`, no I/O) in
`validate_host_public_key`, before authentication; what was decided is recorded in the
`HostKeyStore` after the loop, from synchronous code.
"""

import asyncio
import socket
import warnings
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncssh

from assessments.collectors import base, errors
from assessments.collectors.base import SSH_LEGACY, CollectError, CollectResult, Endpoint, Failure
from assessments.collectors.deadline import Deadline
from assessments.collectors.hostkeys import HostKeyStore, Outcome, PinPolicy, PresentedKey, record
from assessments.collectors.ssh_common import (
    AUTH_TIMEOUT,
    COMMAND,
    CONNECT_TIMEOUT,
    HANDSHAKE_TIMEOUT,
    MAX_STDERR,
    ScriptBuilder,
    Session,
    Transcript,
    connect_tcp,
    ssh_login,
    start,
    to_result,
)
from assessments.collectors.target import Login, Target

T = TypeVar("T")
CLOSE_GRACE = 5.0  # seconds past the host's deadline allowed for closing the connection

# Finite-field DH is exactly what these hosts need; the warning would repeat per host.
warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")

KEX_ALGS = [
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group14-sha256",
    # What OpenSSH 4.3-5.3 (RHEL 5-6) offer:
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group1-sha1",
]
HOST_KEY_ALGS = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
    "ssh-dss",
]
ENCRYPTION_ALGS = [
    "chacha20-poly1305@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-ctr",
    "aes192-ctr",
    "aes128-ctr",
    "aes256-cbc",
    "aes128-cbc",
    "3des-cbc",
]
MAC_ALGS = [
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha1",
]
# Client signatures: old servers know no rsa-sha2-* and expect SHA-1 `ssh-rsa` signatures.
SIGNATURE_ALGS = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
]


@dataclass
class _Seen:
    """Host keys met inside the event loop, to record once back in synchronous code."""

    keys: list[tuple[PinPolicy, PresentedKey, Outcome]] = field(default_factory=list)
    kex: dict[str, str] = field(default_factory=dict)  # endpoint -> key exchange used

    def refusal(self) -> CollectError | None:
        for pins, key, outcome in self.keys:
            if not outcome.proceeds:
                return pins.error(key, outcome)
        return None


class _PinningClient(asyncssh.SSHClient):
    def __init__(self, pins: PinPolicy, seen: _Seen, where: str) -> None:
        self._pins = pins
        self._seen = seen
        self._where = where
        self._conn: asyncssh.SSHClientConnection | None = None

    def connection_made(self, conn: asyncssh.SSHClientConnection) -> None:
        self._conn = conn

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        presented = PresentedKey(key.get_algorithm(), key.public_data)
        outcome = self._pins.decide(presented)
        # asyncssh forgets the key exchange once it is done; it is still known here.
        kex = getattr(getattr(self._conn, "_kex", None), "algorithm", b"?")
        self._seen.kex[self._where] = kex.decode() if isinstance(kex, bytes) else str(kex)
        self._seen.keys.append((self._pins, presented, outcome))
        return outcome.proceeds


def collect_legacy_ssh(
    target: Target, host_keys: HostKeyStore, *, script: ScriptBuilder | None = None
) -> CollectResult:
    """Collect the Linux probes of `target` over asyncssh without trying paramiko first."""
    return collect_legacy(target, host_keys, start(target, host_keys, script))


def collect_legacy(target: Target, host_keys: HostKeyStore, session: Session) -> CollectResult:
    seen = _Seen()
    deadline = target.deadline
    try:
        transcript, algorithms = asyncio.run(_bounded(_session(target, session, seen), deadline))
    except CollectError as exc:
        failure: CollectError = exc
    except (TimeoutError, asyncssh.Error, OSError) as exc:
        failure = _classify(exc, target)
    else:
        _record(host_keys, seen)
        return to_result(
            target, transcript, session.token, SSH_LEGACY, algorithms, session.expected
        )
    _record(host_keys, seen)
    raise seen.refusal() or failure


def _record(host_keys: HostKeyStore, seen: "_Seen") -> None:
    for pins, key, outcome in seen.keys:
        record(host_keys, pins, key, outcome)


async def _bounded(session: Coroutine[Any, Any, T], deadline: Deadline) -> T:
    # Every step has its own limit; this is the net under them (closing a stuck connection).
    return await asyncio.wait_for(session, deadline.remaining() + CLOSE_GRACE)


async def _session(target: Target, session: Session, seen: _Seen) -> tuple[Transcript, str]:
    deadline = target.deadline
    endpoint = target.ssh_endpoint
    async with AsyncExitStack() as stack:
        tunnel = None
        if target.jump is not None and session.jump_pins is not None:
            jump = target.jump.ssh_endpoint
            login = ssh_login(target.jump)
            tunnel = await stack.enter_async_context(
                await _connect(jump, session.jump_pins, login, deadline, seen, None)
            )
        conn = await stack.enter_async_context(
            await _connect(endpoint, session.pins, ssh_login(target), deadline, seen, tunnel)
        )
        transcript = await _run(conn, session.text, deadline)
        return transcript, _algorithms(conn, seen.kex.get(str(endpoint), "?"))


async def _connect(
    endpoint: Endpoint,
    pins: PinPolicy,
    login: Login,
    deadline: Deadline,
    seen: _Seen,
    tunnel: asyncssh.SSHClientConnection | None,
) -> asyncssh.SSHClientConnection:
    where = str(endpoint)
    options: dict[str, Any] = await _auth_options(login)
    if tunnel is not None:
        options.update(tunnel=tunnel, host=endpoint.address, port=endpoint.port)
    else:
        # Our own connect: TCP_NODELAY and the TCP step's deadline, as on the modern path.
        options["sock"] = connect_tcp(endpoint, deadline)
    preferred = pins.preferred_types()
    limit = HANDSHAKE_TIMEOUT + AUTH_TIMEOUT
    try:
        limit = deadline.step(HANDSHAKE_TIMEOUT + AUTH_TIMEOUT, "SSH handshake", where)
        connecting = asyncssh.connect(
            username=login.username,
            known_hosts=([], [], []),  # empty trusted lists: every key goes to the pinning client
            client_factory=lambda: _PinningClient(pins, seen, where),
            config=None,  # never ~/.ssh/config of the worker
            gss_host=None,  # no Kerberos attempts
            kex_algs=KEX_ALGS,
            server_host_key_algs=sorted(HOST_KEY_ALGS, key=lambda alg: alg not in preferred),
            encryption_algs=ENCRYPTION_ALGS,
            mac_algs=MAC_ALGS,
            signature_algs=SIGNATURE_ALGS,
            compression_algs=None,
            connect_timeout=limit,
            login_timeout=limit,
            **options,
        )
        return await asyncio.wait_for(connecting, limit)
    except BaseException as exc:
        if "sock" in options:
            options["sock"].close()  # asyncssh may not own it yet; closing twice is harmless
        raise _connect_error(exc, endpoint, login.username, seen, limit) from None


def _connect_error(
    exc: BaseException, endpoint: Endpoint, username: str, seen: _Seen, limit: float
) -> BaseException:
    where = str(endpoint)
    if isinstance(exc, CollectError | asyncio.CancelledError):
        return exc
    if isinstance(exc, TimeoutError):
        return errors.timeout("SSH handshake and authentication", where, limit)
    if isinstance(exc, asyncssh.PermissionDenied):
        return errors.auth_failed(where, username, "wrong password or key")
    if isinstance(exc, asyncssh.KeyExchangeFailed):
        return errors.incompatible(where, exc.reason, True)
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return seen.refusal() or errors.protocol(where, exc.reason, False)
    if isinstance(exc, asyncssh.DisconnectError | OSError):
        return errors.protocol(where, f"the SSH connection failed: {exc}")
    return exc


async def _auth_options(login: Login) -> dict[str, Any]:
    if login.password:
        return {"password": login.password, "client_keys": None, "agent_path": None}
    if login.private_key:
        try:
            key = asyncssh.import_private_key(login.private_key, login.passphrase)
        except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError):
            raise CollectError(
                Failure.AUTH_FAILED,
                "the credential's private key could not be read (wrong or missing "
                "passphrase, or an unsupported format)",
            ) from None
        return {"client_keys": [key], "agent_path": None, "password": None}
    try:
        async with asyncssh.connect_agent(login.agent_socket) as agent:
            keys = await agent.get_keys()
    except (OSError, asyncssh.Error, ValueError) as exc:
        raise CollectError(
            Failure.AUTH_FAILED, f"the worker's SSH agent could not be used: {exc}"
        ) from None
    if not keys:
        raise CollectError(Failure.AUTH_FAILED, "the worker's SSH agent holds no keys")
    return {"client_keys": keys, "agent_path": None, "password": None}


async def _run(conn: asyncssh.SSHClientConnection, text: str, deadline: Deadline) -> Transcript:
    out, err = bytearray(), bytearray()
    process = await conn.create_process(COMMAND, encoding=None)
    try:
        process.stdin.write(text.encode())
        process.stdin.write_eof()

        async def pump_stderr() -> None:
            while chunk := await process.stderr.read(1 << 16):
                err.extend(chunk[: max(0, MAX_STDERR - len(err))])

        stderr_task = asyncio.ensure_future(pump_stderr())

        async def pump_stdout() -> bool:
            while chunk := await process.stdout.read(1 << 16):
                out.extend(chunk)
                if len(out) > base.MAX_OUTPUT:
                    del out[base.MAX_OUTPUT :]
                    return True
            return False

        try:
            overflowed = await asyncio.wait_for(pump_stdout(), deadline.remaining())
        except TimeoutError:
            stderr_task.cancel()
            return Transcript(out, bytes(err), None, timed_out=True)
        if overflowed:
            stderr_task.cancel()
            return Transcript(out, bytes(err), None, overflowed=True)
        try:
            await asyncio.wait_for(process.wait_closed(), max(0.1, min(deadline.remaining(), 5)))
            await asyncio.wait_for(stderr_task, 1)
        except TimeoutError:
            stderr_task.cancel()
        return Transcript(out, bytes(err), process.exit_status)
    finally:
        process.close()


def _algorithms(conn: asyncssh.SSHClientConnection, kex: str) -> str:
    key = conn.get_server_host_key()
    return (
        f"kex={kex} "
        f"hostkey={key.get_algorithm() if key else '?'} "
        f"cipher={conn.get_extra_info('send_cipher')} mac={conn.get_extra_info('send_mac')}"
    )


def _classify(exc: BaseException, target: Target) -> CollectError:
    where = str(target.ssh_endpoint)
    deadline = target.deadline
    if isinstance(exc, asyncio.TimeoutError) or deadline.expired:
        return errors.timeout("the legacy SSH session", where, deadline.seconds)
    if isinstance(exc, OSError) and not isinstance(exc, socket.gaierror):
        return errors.from_socket_error(exc, where, "the legacy SSH session", CONNECT_TIMEOUT)
    return errors.protocol(where, f"the legacy SSH session failed: {exc}")
