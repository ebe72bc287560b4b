"""The SSH collector's session on a connection that died: its errors, not the close's."""

import os

import pytest
from paramiko.ssh_exception import SSHException

from assessments.choices import ErrorClass
from assessments.collectors import ssh
from assessments.collectors.base import CollectError, Endpoint
from assessments.collectors.deadline import Deadline

ENDPOINT = Endpoint("192.0.2.10", 22)


class DeadChannel:
    """A session whose connection dropped: closing it fails as paramiko's does (EOFError)."""

    def __init__(self, readable: int, exec_error: Exception | None = None) -> None:
        self.readable = readable
        self.exec_error = exec_error
        self.closed = False
        self.eof_received = True
        self.exit_status = -1
        self.status_event = self

    def settimeout(self, seconds: float) -> None:
        pass

    def exec_command(self, command: str) -> None:
        if self.exec_error is not None:
            raise self.exec_error

    def sendall(self, data: bytes) -> None:
        pass

    def shutdown_write(self) -> None:
        pass

    def fileno(self) -> int:  # select() on it: an always-readable descriptor
        return self.readable

    def recv_ready(self) -> bool:
        return False

    def recv_stderr_ready(self) -> bool:
        return False

    def wait(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        raise EOFError()


class DeadTransport:
    def __init__(self, channel: DeadChannel) -> None:
        self.channel = channel

    def open_session(self, timeout: float) -> DeadChannel:
        return self.channel


@pytest.fixture
def readable():
    r, w = os.pipe()
    os.write(w, b"x")
    yield r
    os.close(r)
    os.close(w)


def test_a_dead_connection_is_a_protocol_error_not_the_closes_eoferror(readable):
    channel = DeadChannel(readable, SSHException("Channel closed."))
    with pytest.raises(CollectError) as caught:
        ssh.run_script(DeadTransport(channel), ENDPOINT, "echo", Deadline(5))  # type: ignore[arg-type]
    assert caught.value.error_class == ErrorClass.PROTOCOL_ERROR
    assert "Channel closed" in caught.value.detail


def test_what_was_read_before_the_connection_died_is_kept(readable):
    channel = DeadChannel(readable)
    transcript = ssh.run_script(DeadTransport(channel), ENDPOINT, "echo", Deadline(5))  # type: ignore[arg-type]
    assert (transcript.stdout, transcript.rc) == (b"", -1)
