"""NTLM for the lab's WinRM hosts: the HTTP handshake and WinRM message encryption.

pywinrm over plain HTTP with NTLM authenticates each TCP connection (a 401 challenge round)
and then encrypts every SOAP message (MS-WSMV 2.2.9.1.1, `multipart/encrypted`). pyspnego's
NTLM acceptor checks the password against a credential file named by the environment
variable `NTLM_USER_FILE`; the lab writes one per process, so in one process the most
recently started lab's password is the one NTLM accepts (Basic has no such limit).
"""

import base64
import os
import re
import struct
import tempfile
import threading
from pathlib import Path

import spnego
from spnego.exceptions import SpnegoError

PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
BOUNDARY = b"--Encrypted Boundary"
CONTENT_TYPE = f'multipart/encrypted;protocol="{PROTOCOL}";boundary="Encrypted Boundary"'
_LENGTH = re.compile(rb"Length=(\d+)")
_lock = threading.Lock()
_store: Path | None = None


def register(username: str, password: str) -> None:
    """Make `username`/`password` the NTLM login of this process's lab hosts."""
    global _store
    with _lock:
        if _store is None:
            _store = Path(tempfile.mkdtemp(prefix="p2c-lab-ntlm-")) / "users"
        _store.write_text(f":{username}:{password}\n")
        _store.chmod(0o600)
        os.environ["NTLM_USER_FILE"] = str(_store)


class NtlmError(Exception):
    """The client's NTLM token was rejected (bad password, garbled token)."""


class NtlmConnection:
    """The NTLM state of one HTTP connection: handshake, then sealing of the messages."""

    def __init__(self) -> None:
        self._context = spnego.server(protocol="ntlm", service="http")

    @property
    def complete(self) -> bool:
        return bool(self._context.complete)

    def step(self, token: bytes) -> bytes | None:
        try:
            return self._context.step(token)
        except SpnegoError as exc:
            raise NtlmError(str(exc)) from exc

    def decrypt(self, body: bytes) -> bytes:
        """The SOAP message inside a `multipart/encrypted` request body."""
        parts = [part for part in body.split(BOUNDARY + b"\r\n") if part]
        message = b""
        for header, payload in zip(parts[0::2], parts[1::2], strict=False):
            length = _LENGTH.search(header)
            payload = payload.removesuffix(BOUNDARY + b"--\r\n")
            payload = payload.replace(b"\tContent-Type: application/octet-stream\r\n", b"", 1)
            size = struct.unpack("<i", payload[:4])[0]
            plain = self._context.unwrap(payload[4 : 4 + size] + payload[4 + size :]).data
            if length is None or int(length.group(1)) != len(plain):
                raise NtlmError("encrypted message length mismatch")
            message += plain
        return message

    def encrypt(self, message: bytes) -> bytes:
        sealed = self._context.wrap(message, encrypt=True).data
        signature, data = sealed[:16], sealed[16:]
        return (
            BOUNDARY + b"\r\n"
            b"\tContent-Type: " + PROTOCOL.encode() + b"\r\n"
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length="
            + str(len(message)).encode()
            + b"\r\n"
            + BOUNDARY
            + b"\r\n\tContent-Type: application/octet-stream\r\n"
            + struct.pack("<i", len(signature))
            + signature
            + data
            + BOUNDARY
            + b"--\r\n"
        )


def token(header_value: str) -> bytes | None:
    """The NTLM token of an `Authorization: NTLM <b64>` / `Negotiate <b64>` header."""
    scheme, _, value = header_value.partition(" ")
    if scheme.lower() not in ("ntlm", "negotiate") or not value:
        return None
    try:
        return base64.b64decode(value.strip())
    except ValueError:
        return None
