"""The SSH collector: one paramiko session per host, all Linux probes in one `/bin/sh -s` exec.

Steps, each with its own deadline cut from the host's wall-clock budget: TCP connect (with
`TCP_NODELAY`), optionally through a jump host's `direct-tcpip` channel; SSH handshake; host
key check against the pins of the `HostKeyStore` (before any credential is sent);
authentication (password, private key, or the worker's SSH agent); the probe script, read
with our own monotonic deadline and the output cap (`base.MAX_OUTPUT`).

A host that only speaks SHA-1 key exchange and `ssh-rsa` host keys (paramiko 5 cannot) is
retried with asyncssh (`ssh_legacy`) when the host or one of its groups allows legacy SSH;
otherwise it fails with `incompatible_ssh`. Thread-safe: nothing is shared between calls.
"""

import io
import logging
import select
import socket
import threading
import time
from contextlib import ExitStack

import paramiko
from paramiko.ssh_exception import (
    AuthenticationException,
    BadAuthenticationType,
    ChannelException,
    IncompatiblePeer,
    PasswordRequiredException,
    SSHException,
)

from assessments.collectors import base, errors
from assessments.collectors.base import SSH, CollectError, CollectResult, Endpoint, Failure
from assessments.collectors.deadline import Deadline
from assessments.collectors.hostkeys import HostKeyStore, PinPolicy, PresentedKey, verify
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

# paramiko logs a traceback at ERROR for every failed handshake (every legacy-only host, every
# timeout), although each failure already ends as an error class on the HostScan. Quiet by
# default; configure this logger (e.g. DEBUG) in LOGGING to see paramiko's own log.
log = logging.getLogger(__name__)
PARAMIKO_LOG = "assessments.collectors.ssh.paramiko"
if logging.getLogger(PARAMIKO_LOG).level == logging.NOTSET:
    logging.getLogger(PARAMIKO_LOG).setLevel(logging.CRITICAL)
_KEY_CLASSES: tuple[type[paramiko.PKey], ...] = (
    paramiko.Ed25519Key,
    paramiko.ECDSAKey,
    paramiko.RSAKey,
)


def collect_ssh(
    target: Target, host_keys: HostKeyStore, *, script: ScriptBuilder | None = None
) -> CollectResult:
    """Collect the Linux probes of `target` over SSH within its deadline, or raise
    `CollectError`.

    `script` replaces the probe script (tests, benchmarks); it gets `(use_sudo, token)`.
    """
    session = start(target, host_keys, script)
    try:
        return collect_modern(target, host_keys, session)
    except errors.IncompatibleAlgorithms as exc:
        if not target.legacy_ssh:
            raise errors.incompatible(str(exc.args[0]), str(exc.args[1]), False) from None
    from assessments.collectors.ssh_legacy import collect_legacy

    return collect_legacy(target, host_keys, session)


def collect_modern(target: Target, host_keys: HostKeyStore, session: Session) -> CollectResult:
    deadline = target.deadline
    endpoint = target.ssh_endpoint
    with ExitStack() as stack:
        if target.jump is not None and session.jump_pins is not None:
            jump = target.jump.ssh_endpoint
            bastion_sock = stack.enter_context(connect_tcp(jump, deadline))
            bastion = stack.enter_context(
                open_transport(bastion_sock, jump, host_keys, session.jump_pins, deadline)
            )
            authenticate(bastion, jump, ssh_login(target.jump), deadline)
            sock: socket.socket | paramiko.Channel = stack.enter_context(
                open_tunnel(bastion, jump, endpoint, deadline)
            )
        else:
            sock = stack.enter_context(connect_tcp(endpoint, deadline))
        transport = stack.enter_context(
            open_transport(sock, endpoint, host_keys, session.pins, deadline)
        )
        authenticate(transport, endpoint, ssh_login(target), deadline)
        transcript = run_script(transport, endpoint, session.text, deadline)
        return to_result(
            target, transcript, session.token, SSH, algorithms(transport), session.expected
        )


def open_tunnel(
    bastion: paramiko.Transport, jump: Endpoint, endpoint: Endpoint, deadline: Deadline
) -> paramiko.Channel:
    where = f"{endpoint} through jump host {jump}"
    limit = deadline.step(CONNECT_TIMEOUT, "TCP connect", where)
    try:
        return bastion.open_channel(
            "direct-tcpip", (endpoint.address, endpoint.port), ("127.0.0.1", 0), timeout=limit
        )
    except ChannelException as exc:
        error = Failure.REFUSED if exc.code == 2 else Failure.UNREACHABLE
        raise CollectError(
            error, f"jump host {jump} could not connect to {endpoint}: {exc.text}", True
        ) from None
    except SSHException as exc:
        if deadline.expired or "timeout" in str(exc).lower():
            raise errors.timeout("TCP connect", where, limit) from None
        raise errors.protocol(where, f"opening the tunnel failed: {exc}") from None


def _prefer_key_types(transport: paramiko.Transport, pinned: list[str]) -> None:
    """Ask for the key types we already trust first, so a server with several keys keeps
    showing the one we pinned (the algorithm names of an `ssh-rsa` blob are rsa-sha2-*)."""
    if not pinned:
        return
    options = transport.get_security_options()
    families = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}

    def pinned_rank(name: str) -> int:
        for index, key_type in enumerate(pinned):
            if name == key_type or name in families.get(key_type, ()):
                return index
        return len(pinned)

    options.key_types = sorted(options.key_types, key=pinned_rank)


def open_transport(
    sock: socket.socket | paramiko.Channel,
    endpoint: Endpoint,
    host_keys: HostKeyStore,
    pins: PinPolicy,
    deadline: Deadline,
) -> paramiko.Transport:
    """An SSH transport after key exchange whose host key the pins accept."""
    where = str(endpoint)
    transport = _Transport(sock)
    transport.set_log_channel(PARAMIKO_LOG)
    try:
        _prefer_key_types(transport, pins.preferred_types())
        limit = deadline.step(HANDSHAKE_TIMEOUT, "SSH handshake", where)
        transport.banner_timeout = limit
        transport.handshake_timeout = limit
        done = threading.Event()
        started = time.monotonic()
        transport.start_client(event=done)
        if not done.wait(limit):
            raise errors.timeout("SSH handshake", where, limit)
        if not transport.is_active():
            raise _handshake_error(transport.get_exception(), where, limit, started)
        key = transport.get_remote_server_key()
        verify(host_keys, pins, PresentedKey(key.get_name(), key.asbytes()))
    except BaseException:
        # A handshake that never completed leaves paramiko's handshake Timer thread running
        # for its full timeout; cancel it so failing hosts do not pile up threads.
        transport.packetizer.complete_handshake()
        transport.close()
        raise
    return transport


def _handshake_error(exc: Exception | None, where: str, limit: float, started: float) -> Exception:
    if isinstance(exc, IncompatiblePeer):
        return errors.IncompatibleAlgorithms(where, str(exc))
    if time.monotonic() - started >= limit * 0.95:
        return errors.timeout("SSH handshake", where, limit)
    if isinstance(exc, OSError):
        return errors.from_socket_error(exc, where, "SSH handshake", limit)
    if isinstance(exc, EOFError) or exc is None:
        return errors.protocol(where, "the server closed the connection during the handshake")
    return errors.protocol(where, f"SSH handshake failed: {exc}")


def authenticate(
    transport: paramiko.Transport, endpoint: Endpoint, login: Login, deadline: Deadline
) -> None:
    where = str(endpoint)
    username = login.username
    transport.auth_timeout = deadline.step(AUTH_TIMEOUT, "authentication", where)
    try:
        if login.password:
            # fallback=True answers keyboard-interactive password prompts (PAM-only servers).
            transport.auth_password(username, login.password, fallback=True)
        elif login.private_key:
            transport.auth_publickey(username, load_private_key(login))
        else:
            _auth_agent(transport, username, where, deadline)
    except BadAuthenticationType as exc:
        allowed = ", ".join(exc.allowed_types)
        raise errors.auth_failed(where, username, f"the server only allows {allowed}") from None
    except AuthenticationException as exc:
        if "timeout" in str(exc).lower():
            raise errors.timeout("authentication", where, transport.auth_timeout) from None
        raise errors.auth_failed(where, username, "wrong password or key") from None
    except (SSHException, EOFError, OSError) as exc:
        raise errors.protocol(where, f"authentication failed: {type(exc).__name__}") from None
    if not transport.is_authenticated():
        raise errors.auth_failed(where, username, "the server needs further authentication")


def load_private_key(login: Login) -> paramiko.PKey:
    """The credential's private key (OpenSSH or PEM; Ed25519, ECDSA or RSA)."""
    for cls in _KEY_CLASSES:
        try:
            return cls.from_private_key(io.StringIO(login.private_key or ""), login.passphrase)
        except PasswordRequiredException:
            raise CollectError(
                Failure.AUTH_FAILED,
                "the private key is encrypted and the credential has no passphrase",
            ) from None
        except (SSHException, ValueError, TypeError):
            continue
    raise CollectError(
        Failure.AUTH_FAILED,
        "the credential's private key could not be read (wrong passphrase, or not an "
        "OpenSSH/PEM Ed25519, ECDSA or RSA key)",
    )


def _auth_agent(
    transport: paramiko.Transport, username: str, where: str, deadline: Deadline
) -> None:
    agent = paramiko.Agent()
    try:
        keys = agent.get_keys()
        if not keys:
            raise errors.auth_failed(where, username, "the SSH agent holds no keys")
        for key in keys:
            transport.auth_timeout = deadline.step(AUTH_TIMEOUT, "authentication", where)
            try:
                transport.auth_publickey(username, key)
                return
            except AuthenticationException:
                continue
        raise errors.auth_failed(where, username, "no key of the SSH agent was accepted")
    finally:
        agent.close()


def run_script(
    transport: paramiko.Transport, endpoint: Endpoint, text: str, deadline: Deadline
) -> Transcript:
    """Feed the script to one `/bin/sh -s` and read until it exits, the deadline or the cap."""
    where = str(endpoint)
    try:
        channel = transport.open_session(
            timeout=deadline.step(HANDSHAKE_TIMEOUT, "opening a session", where)
        )
    except SSHException as exc:
        raise errors.protocol(where, f"the server refused a session: {exc}") from None
    try:
        channel.settimeout(deadline.step(AUTH_TIMEOUT, "starting the probe script", where))
        channel.exec_command(COMMAND)
        channel.sendall(text.encode())
        channel.shutdown_write()
        return _read(channel, deadline)
    except (SSHException, OSError, EOFError) as exc:
        if deadline.expired:
            raise errors.timeout("the probe script", where, deadline.seconds) from None
        raise errors.protocol(where, f"the session failed: {type(exc).__name__} {exc}") from None
    finally:
        _close(channel)


def _close(channel: paramiko.Channel) -> None:
    """Close the session; on a dead connection that fails too (EOFError, OSError), and that
    must not hide the error that explains the failure, nor lose the transcript read."""
    try:
        channel.close()
    except (SSHException, OSError, EOFError):
        log.debug("closing the session of a dead connection failed", exc_info=True)


def _read(channel: paramiko.Channel, deadline: Deadline) -> Transcript:
    # exec_command(timeout=) only bounds inactivity; this loop bounds the wall clock.
    out, err = bytearray(), bytearray()
    timed_out = overflowed = False
    while True:
        left = deadline.remaining()
        if left <= 0:
            timed_out = True
            break
        # The channel's fileno only signals stdout and EOF, so stderr is polled.
        select.select([channel], [], [], min(left, 0.2))
        _drain_stderr(channel, err)
        if channel.recv_ready():
            out += channel.recv(1 << 16)
            if len(out) > base.MAX_OUTPUT:
                del out[base.MAX_OUTPUT :]
                overflowed = True
                break
        elif channel.eof_received or channel.closed:
            break
    rc = None
    if not (timed_out or overflowed) and channel.status_event.wait(deadline.remaining()):
        rc = channel.exit_status
        _drain_stderr(channel, err)
    # `out` itself, not a copy: parsing copies each probe's output out of it once.
    return Transcript(out, bytes(err), rc, timed_out=timed_out, overflowed=overflowed)


def _drain_stderr(channel: paramiko.Channel, err: bytearray) -> None:
    while channel.recv_stderr_ready():
        data = channel.recv_stderr(1 << 16)
        if len(err) < MAX_STDERR:
            err += data[: MAX_STDERR - len(err)]


class _Transport(paramiko.Transport):
    """A paramiko Transport that remembers the key exchange it agreed on.

    paramiko drops its kex engine once the exchange is done, so the name is taken while the
    engine exists: the first of our preferred names served by the engine's class.
    """

    agreed_kex = ""

    def _parse_kex_init(self, m: paramiko.Message) -> None:
        super()._parse_kex_init(m)  # type: ignore[misc]
        engine_class = type(self.kex_engine)
        table: dict[str, type] = getattr(self, "_kex_info", {})
        self.agreed_kex = next(
            (name for name in self.preferred_kex if table.get(name) is engine_class), ""
        )


def algorithms(transport: paramiko.Transport) -> str:
    """`kex=... hostkey=... cipher=... mac=...` as negotiated (stored on the HostScan)."""
    kex = getattr(transport, "agreed_kex", "") or "?"
    return (
        f"kex={kex} hostkey={transport.host_key_type} "
        f"cipher={transport.local_cipher} mac={transport.local_mac}"
    )
