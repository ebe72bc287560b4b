"""The WinRM collector: the Windows probes as cmd.exe commands, over pywinrm, no PowerShell.

One HTTP session and one cmd shell per host. The probes run in one command line, each in a
cmd.exe of its own between markers that split the outputs back (`cmdbatch`), or one command
each where a host does not run that line as meant. A command is released with a Signal when
it ends (as Ansible's WinRM plugin does), and a command cut short gets the shell replaced.
Each HTTP operation is short: old WinRM services cut any single operation (a Receive held
open) at about 60 s, which our operation timeouts stay under.

Ports: the target's `winrm_port` if set, else 5985 (HTTP) / 5986 (HTTPS) first, then the
WinRM 1.x listeners' 80 / 443. Transports:
ntlm, kerberos, credssp or basic, from the host or else its credential; plain HTTP with NTLM,
Kerberos or CredSSP has its messages encrypted by pywinrm (old Windows lacks TLS 1.2).

Deadlines are ours: pywinrm waits on a Receive for `operation_timeout_sec` and retries a
server-side OperationTimeout forever. Here every HTTP call gets a read timeout cut from the
command's and the host's remaining time (a `Deadline` each), and the Receive loop checks the
clock itself, so a command stops at `Probe.timeout` and the host at the target's deadline.
urllib3 connections already set `TCP_NODELAY` (`HTTPConnection.default_socket_options`; a
test pins that). Output per command is capped at `base.MAX_OUTPUT`, stderr per probe at
`MAX_STDERR`.

Outputs stay raw bytes (the console's OEM code page: the parsers decode them). pywinrm builds
its requests with `wsman_xml` where the installed pywinrm and xmltodict are versions it was
checked against (`wsman_xml.install`), else with its own code.
"""

import os
import re
import socket
import threading
import xml.etree.ElementTree as ET
from binascii import Error as Base64Error
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import requests
from winrm.exceptions import (
    AuthenticationError,
    WinRMError,
    WinRMOperationTimeoutError,
    WinRMTransportError,
    WSManFaultError,
)
from winrm.protocol import Protocol
from winrm.transport import Transport as WinrmTransport

from assessments.collectors import base, errors, wsman_xml
from assessments.collectors.base import WINDOWS, WINRM, CollectError, CollectResult, Endpoint
from assessments.collectors.base import Failure as ErrorClass
from assessments.collectors.deadline import Deadline
from assessments.collectors.target import Target
from assessments.facts import ProbeOutput
from assessments.probes import cmdbatch, framing
from assessments.probes.base import Probe

DEFAULT_PORTS = {"http": (5985, 80), "https": (5986, 443)}
CONNECT_TIMEOUT = 10.0
OPERATION_TIMEOUT = 20  # seconds a Receive may be held by the server (old services cap ~60)
MAX_STDERR = 1024 * 1024  # per probe
MAX_SILENT_TIMEOUTS = 2
# Answers that are not WS-Management at all (an HTML page, truncated XML, a missing element).
_NOT_WSMAN = (ET.ParseError, StopIteration, KeyError, ValueError, Base64Error, AssertionError)
T = TypeVar("T")
_COMPUTERNAME = re.compile(rb"^COMPUTERNAME=([^\r\n]+)", re.MULTILINE)


class _CommandExpired(Exception):
    """The current command ran out of its own time (the host may still have some)."""

    def __init__(self) -> None:
        super().__init__()
        self.stdout = bytearray()
        self.stderr = bytearray()


def collect_winrm(target: Target, *, probes: Iterable[Probe] | None = None) -> CollectResult:
    """Run the Windows probes (default: all of `assessments.probes.WINDOWS`) on `target`
    within its deadline, or raise `CollectError`."""
    from assessments.probes import WINDOWS as WINDOWS_PROBES

    deadline = target.deadline
    login = target.login
    if login is None:
        raise CollectError(ErrorClass.NO_CREDENTIAL, f"{target.name} has no credential assigned")
    wsman_xml.install()
    auth = target.winrm_transport
    endpoint = find_endpoint(target, deadline)
    validate = target.winrm_validate_certificate
    protocol = Protocol(
        endpoint.url,
        transport=auth,  # type: ignore[arg-type]
        username=login.username,
        password=login.password or "",
        server_cert_validation="validate" if validate else "ignore",
        read_timeout_sec=OPERATION_TIMEOUT + 10,
        operation_timeout_sec=OPERATION_TIMEOUT,
        message_encryption="auto",
        proxy=None,  # never send inventory traffic through an environment proxy
        # The CA bundle requests would take from the environment, named (pywinrm warns else).
        ca_trust_path=os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),  # type: ignore[arg-type]
    )
    results: dict[str, ProbeOutput] = {}
    timed_out: set[str] = set()
    streak = 0
    session = _Session(protocol, deadline, batching=target.winrm_batch_probes)
    try:
        _guarded(lambda: build_session(protocol.transport, deadline), endpoint, deadline)
        for probe, out, expired in session.run_all(
            list(WINDOWS_PROBES.values() if probes is None else probes), endpoint
        ):
            results[probe.id] = out
            if expired:
                timed_out.add(probe.id)
            streak = streak + 1 if expired and not out.stdout else 0
            if streak >= MAX_SILENT_TIMEOUTS:
                # A host that prints nothing for two commands in a row is stuck, not slow:
                # stop here rather than hold the batch until the host's deadline.
                raise CollectError(
                    ErrorClass.TIMEOUT,
                    f"{endpoint.url}: {streak} commands in a row gave no output in time "
                    f"(last: {probe.label})",
                    retryable=True,
                )
        _guarded(session.close, endpoint, deadline)
    finally:
        protocol.transport.close_session()
    if results and timed_out == set(results):
        raise errors.timeout("every command", endpoint.url, deadline.seconds)
    notes = (
        [f"Basic authentication over plain HTTP to {endpoint.url}"]
        if _plain(endpoint, auth)
        else []
    )
    found = _COMPUTERNAME.search(results["env"].stdout) if "env" in results else None
    return CollectResult(
        os_family=WINDOWS,
        probes=results,
        transport=WINRM,
        algorithms=f"{endpoint.url} {auth}",
        hostname=found.group(1).decode("ascii", "replace").strip() if found else "",
        notes=notes,
    )


def _plain(endpoint: Endpoint, auth: str) -> bool:
    return endpoint.scheme == "http" and auth == "basic"


def candidates(target: Target) -> list[Endpoint]:
    scheme = target.winrm_scheme or "http"
    ports = (target.winrm_port,) if target.winrm_port else DEFAULT_PORTS[scheme]
    return [Endpoint(target.address, port, scheme) for port in ports]


def find_endpoint(target: Target, deadline: Deadline) -> Endpoint:
    """The first port that accepts a TCP connection, in the documented order."""
    failures: list[CollectError] = []
    for endpoint in candidates(target):
        limit = min(CONNECT_TIMEOUT, deadline.remaining())
        if limit <= 0:
            break
        try:
            socket.create_connection((endpoint.address, endpoint.port), timeout=limit).close()
            return endpoint
        except OSError as exc:
            failures.append(_socket_error(exc, endpoint, limit))
    if not failures:
        raise errors.timeout("connecting", target.address, deadline.seconds)
    # Report the most telling failure: something unreachable or slow beats a refusal.
    for error_class in (ErrorClass.UNREACHABLE, ErrorClass.TIMEOUT):
        for failure in failures:
            if failure.error_class == error_class:
                raise failure
    ports = " or ".join(str(e.port) for e in candidates(target))
    raise CollectError(
        ErrorClass.REFUSED,
        f"{target.address} refused connections on port {ports} (is the WinRM service listening? "
        "`winrm quickconfig` sets it up)",
        retryable=True,
    )


def _socket_error(exc: OSError, endpoint: Endpoint, seconds: float) -> CollectError:
    where = f"{endpoint.address}:{endpoint.port}"
    if isinstance(exc, ConnectionRefusedError):
        return CollectError(ErrorClass.REFUSED, f"{where} refused the connection", True)
    return errors.from_socket_error(exc, where, "connecting", seconds)


# With proxy=None pywinrm gives its requests session `no_proxy: *`, and requests then puts
# `no_proxy` into os.environ and deletes it again on every build and every send
# (`set_environ`): hosts doing that at once in one worker race (KeyError 'no_proxy'). So the
# build is serialised and the session stops reading the environment (`trust_env`), which
# also keeps environment proxies out.
_BUILD_LOCK = threading.Lock()


def build_session(transport: WinrmTransport, deadline: Deadline) -> None:
    """pywinrm's `build_session()`, with its message-encryption handshake out of the lock."""
    wanted = transport.message_encryption
    with _BUILD_LOCK:
        transport.message_encryption = "never"
        try:
            session = transport.build_session()
            session.trust_env = False
        finally:
            transport.message_encryption = wanted
    auth = session.auth
    if transport.auth_method == "ntlm":
        available = hasattr(auth, "session_security")
    elif transport.auth_method == "kerberos":
        available = bool(getattr(auth, "winrm_encryption_available", False))
    else:
        available = transport.auth_method == "credssp"
    plain_http = not transport.endpoint.lower().startswith("https")
    if available and (wanted == "always" or (wanted == "auto" and plain_http)):
        left = deadline.within(CONNECT_TIMEOUT).remaining()
        transport.read_timeout_sec = max(0.1, left)  # type: ignore[assignment]
        transport.setup_encryption(session)


class _Session:
    """Commands of one host in one cmd shell, reopened after a command that went wrong.

    Probes run several to a command (`cmdbatch`: markers split the outputs), each in a
    process of its own, as when WinRS runs them one by one; a command is released with a
    Signal when it ends (as Ansible's WinRM plugin does). Reusing the shell and batching the
    probes take a Windows host from about 54 round trips to about 7. A command cut short
    (timeout, output cap) gets its shell deleted and the next command a fresh one; a host
    whose cmd.exe does not run the batch line as meant gets its probes one by one.
    """

    def __init__(self, protocol: Protocol, deadline: Deadline, batching: bool) -> None:
        self.protocol = protocol
        self.deadline = deadline  # the host's
        self.command = deadline  # the current command's, inside the host's
        self.shell_id = ""
        self.batching = batching

    def run_all(
        self, probes: list[Probe], endpoint: Endpoint
    ) -> Iterator[tuple[Probe, ProbeOutput, bool]]:
        """(probe, output, ran out of time) for every probe, in order."""
        token = framing.new_token()
        while probes:
            group = cmdbatch.batches(probes, token)[0] if self.batching else probes[:1]
            if len(group) > 1:
                ran = _guarded(lambda g=group: self.run_batch(g, token), endpoint, self.deadline)  # type: ignore[misc]
            else:
                out, expired = _guarded(lambda p=group[0]: self.run(p), endpoint, self.deadline)  # type: ignore[misc]
                ran = [(group[0], out, expired)]
            yield from ran
            probes = probes[len(ran) :]

    def run(self, probe: Probe) -> tuple[ProbeOutput, bool]:
        """A probe's output and whether it ran out of time (then rc None, truncated)."""
        self.command = self.deadline.within(probe.timeout)
        command_id = ""
        try:
            command_id = self._start(probe.script)
            stdout, stderr, rc, capped = self._receive(command_id, base.MAX_OUTPUT, MAX_STDERR)
            out = ProbeOutput(bytes(stdout), bytes(stderr), None if capped else rc, capped)
            expired = False
        except _CommandExpired as exc:
            out, expired = self._expired(probe, exc.stdout, exc.stderr), True
        self._release(command_id, keep_shell=not out.truncated)
        return out, expired

    def run_batch(self, probes: list[Probe], token: str) -> list[tuple[Probe, ProbeOutput, bool]]:
        """The probes of one batch line that ran; fewer when one ran out of time or over
        the output cap (that one last), none when the line did not run as meant."""
        self.command = self.deadline.within(probes[0].timeout)
        ended = 0

        def progress(stdout: bytearray) -> None:
            nonlocal ended
            now_ended = cmdbatch.finished_count(stdout, token)
            if now_ended != ended and now_ended < len(probes):
                # Each probe its own time.
                self.command = self.deadline.within(probes[now_ended].timeout)
            ended = now_ended

        command_id, expired = "", False
        try:
            try:
                command_id = self._start(cmdbatch.command_line(probes, token))
            except (WSManFaultError, WinRMTransportError):
                if not self.shell_id:
                    raise  # the shell itself was refused: no use trying one by one
                self.batching = False  # this server refuses the line: one by one instead
                return []
            stdout, stderr, _, capped = self._receive(
                command_id, base.MAX_OUTPUT, MAX_STDERR * len(probes), progress
            )
        except _CommandExpired as exc:
            stdout, stderr, capped, expired = exc.stdout, exc.stderr, False, True
        split = cmdbatch.split(bytes(stdout), bytes(stderr), token, probes)
        ran = [(p, split.finished[p.id], False) for p in probes if p.id in split.finished]
        cut = expired or capped
        if cut and len(ran) < len(probes):
            probe = probes[len(ran)]
            out_, err_ = (
                (split.current_stdout, split.current_stderr) if split.current else (b"", b"")
            )
            if expired:
                ran.append((probe, self._expired(probe, out_, err_), True))
            else:
                ran.append((probe, ProbeOutput(out_, err_, None, True), False))
        elif not split.understood or not ran:
            self.batching = False  # this host's cmd.exe did not run the line as meant
            ran = []
        self._release(command_id, keep_shell=not cut)
        return ran

    def close(self) -> None:
        self._release("", keep_shell=False)

    def _start(self, command_line: str) -> str:
        if not self.shell_id:
            self.shell_id = self._call(self.protocol.open_shell)
        return self._call(self.protocol.run_command, self.shell_id, command_line)

    def _expired(
        self, probe: Probe, stdout: bytes | bytearray, stderr: bytes | bytearray
    ) -> ProbeOutput:
        if self.deadline.expired:
            raise self._timeout() from None
        note = f"p2c: timed out after {probe.timeout}s\n".encode()
        return ProbeOutput(bytes(stdout), bytes(stderr) + note, None, True)

    def _receive(
        self,
        command_id: str,
        max_stdout: int,
        max_stderr: int,
        progress: Callable[[bytearray], None] | None = None,
    ) -> tuple[bytearray, bytearray, int, bool]:
        """(stdout, stderr, exit code, capped) of a command; `_CommandExpired` keeps what came."""
        stdout, stderr = bytearray(), bytearray()
        while True:
            try:
                out, err, rc, done = self._call(
                    self.protocol.get_command_output_raw, self.shell_id, command_id
                )
            except WinRMOperationTimeoutError:
                continue  # still running; our clock, not pywinrm, decides how long to wait
            except _CommandExpired as exc:
                exc.stdout, exc.stderr = stdout, stderr
                raise
            stdout += out
            stderr += err[: max(0, max_stderr - len(stderr))]
            if len(stdout) > max_stdout:
                return stdout[:max_stdout], stderr, rc, True
            if progress is not None:
                progress(stdout)
            if done:
                return stdout, stderr, rc, False

    def _release(self, command_id: str, keep_shell: bool) -> None:
        """Signal the command to end; delete the shell unless it is to be reused."""
        if not self.shell_id:
            return
        self.command = self.deadline.within(CONNECT_TIMEOUT)
        try:
            if command_id:
                self._call(self.protocol.cleanup_command, self.shell_id, command_id)
            if not keep_shell:
                shell_id, self.shell_id = self.shell_id, ""
                self._call(self.protocol.close_shell, shell_id, close_session=False)
        except _CommandExpired:
            self.shell_id = ""
            if self.deadline.expired:
                raise self._timeout() from None

    def _timeout(self) -> CollectError:
        endpoint = self.protocol.transport.endpoint
        return errors.timeout("the commands", endpoint, self.deadline.seconds)

    def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return _call(self.protocol, self.command, function, *args, **kwargs)


def _call(
    protocol: Protocol, command: Deadline, function: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """One HTTP round trip, its connect and read timeouts cut to the command's time left."""
    left = command.remaining()
    if left <= 0:
        raise _CommandExpired
    protocol.operation_timeout_sec = max(1, min(OPERATION_TIMEOUT, int(left) - 2))
    protocol.transport.read_timeout_sec = min(protocol.operation_timeout_sec + 5, left)  # type: ignore[assignment]
    try:
        return function(*args, **kwargs)
    except requests.exceptions.Timeout:
        if command.remaining() <= 0.1:
            raise _CommandExpired from None
        raise


def _guarded(call: Callable[[], T], endpoint: Endpoint, deadline: Deadline) -> T:
    """Run one probe; anything the network or the server throws becomes a CollectError."""
    try:
        return call()
    except CollectError:
        raise
    except (AuthenticationError, WSManFaultError) as exc:
        raise _server_error(exc, endpoint) from None
    except PermissionError:  # requests_ntlm: the server sent no NTLM challenge
        raise CollectError(
            ErrorClass.AUTH_FAILED, f"{endpoint.url} did not offer an NTLM challenge"
        ) from None
    except requests.exceptions.SSLError as exc:
        raise errors.protocol(endpoint.url, f"TLS failed: {_first_line(exc)}", False) from None
    except requests.exceptions.Timeout:
        where = endpoint.url
        if deadline.expired:
            raise errors.timeout("the commands", where, deadline.seconds) from None
        raise CollectError(ErrorClass.TIMEOUT, f"{where} stopped answering", True) from None
    except requests.exceptions.ChunkedEncodingError:
        raise errors.protocol(
            endpoint.url, "the connection closed in the middle of an answer"
        ) from None
    except requests.exceptions.ConnectionError as exc:
        raise _connection_error(exc, endpoint) from None
    except WinRMTransportError as exc:
        raise errors.protocol(
            endpoint.url, f"HTTP {exc.code} instead of a WS-Management answer"
        ) from None
    except _NOT_WSMAN as exc:
        what = " ".join(dict.fromkeys([type(exc).__name__, _first_line(exc)]))
        reason = f"the answer is not WS-Management (SOAP) ({what})"
        raise errors.protocol(endpoint.url, reason) from None
    except WinRMError as exc:
        raise CollectError(ErrorClass.INTERNAL, f"WinRM client: {exc}") from None


def _server_error(exc: WinRMError, endpoint: Endpoint) -> CollectError:
    if isinstance(exc, AuthenticationError):
        return CollectError(
            ErrorClass.AUTH_FAILED, f"{endpoint.url} rejected the credential (HTTP 401)"
        )
    assert isinstance(exc, WSManFaultError)
    if exc.wsman_fault_code == 5:  # ERROR_ACCESS_DENIED: the account may not use WinRM
        return CollectError(ErrorClass.AUTH_FAILED, f"{endpoint.url}: access denied ({exc.reason})")
    return errors.protocol(endpoint.url, f"WS-Management fault: {exc.reason}".strip())


def _connection_error(exc: requests.exceptions.ConnectionError, endpoint: Endpoint) -> CollectError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return CollectError(ErrorClass.REFUSED, f"{endpoint.url} refused the connection", True)
        if isinstance(
            cause, ConnectionResetError | BrokenPipeError
        ) or "RemoteDisconnected" in repr(cause):
            return errors.protocol(endpoint.url, "the server closed the connection mid-answer")
        cause = (
            cause.__cause__
            or cause.__context__
            or (cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None)
        )
    return CollectError(ErrorClass.UNREACHABLE, f"{endpoint.url}: {_first_line(exc)}", True)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]
