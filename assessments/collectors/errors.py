"""Turning network and SSH exceptions into the error classes users see.

Every failure of a collector ends as one `CollectError` whose class is a `Failure` (an
`ErrorClass` value) and whose detail says what happened in words an operator can act on.
Details are built from the address and the exception text of the library, never from
credentials.
"""

import errno
import socket

from assessments.collectors.base import CollectError, Failure

# errno values that mean "no route to that machine" rather than "nothing listens there".
_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


class IncompatibleAlgorithms(Exception):
    """The SSH peer and we share no key exchange, host key, cipher or MAC algorithm."""


def timeout(step: str, where: str, seconds: float) -> CollectError:
    return CollectError(
        Failure.TIMEOUT,
        f"{step} with {where} did not finish within {seconds:.0f} s",
        retryable=True,
    )


def from_socket_error(exc: OSError, where: str, step: str, seconds: float) -> CollectError:
    """A TCP-level failure (connect, or the connection dropping)."""
    if isinstance(exc, socket.gaierror):
        return CollectError(
            Failure.UNREACHABLE, f"cannot resolve {where}: {exc.strerror or exc}", True
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return timeout(step, where, seconds)
    if isinstance(exc, ConnectionRefusedError):
        return CollectError(
            Failure.REFUSED, f"{where} refused the connection (is sshd running?)", True
        )
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return CollectError(
            Failure.PROTOCOL_ERROR, f"{where} closed the connection during {step}", True
        )
    if exc.errno in _UNREACHABLE:
        return CollectError(
            Failure.UNREACHABLE, f"no route to {where}: {exc.strerror or exc}", True
        )
    return CollectError(Failure.UNREACHABLE, f"{step} with {where} failed: {exc}", True)


def incompatible(where: str, reason: str, legacy_allowed: bool) -> CollectError:
    hint = (
        "even the legacy SHA-1 algorithms did not match"
        if legacy_allowed
        else "if it only offers SHA-1 key exchange and ssh-rsa host keys (OpenSSH before 7.2, "
        "RHEL/CentOS 5-6), allow legacy SSH on the host or on one of its groups"
    )
    return CollectError(
        Failure.INCOMPATIBLE_SSH, f"{where} shares no SSH algorithm with us ({reason}); {hint}"
    )


def auth_failed(where: str, username: str, reason: str) -> CollectError:
    return CollectError(Failure.AUTH_FAILED, f"{where} did not accept user {username!r}: {reason}")


def protocol(where: str, reason: str, retryable: bool = True) -> CollectError:
    return CollectError(Failure.PROTOCOL_ERROR, f"{where}: {reason}", retryable)
