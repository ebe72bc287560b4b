"""Helpers for credentials: parse a private key, read a secret without the command line.

Nothing here ever puts key material or a password into an exception message or a log line.
"""

import getpass
import io
import sys
from typing import TextIO

import paramiko

from fleet.choices import CredentialKind
from fleet.models import Credential

KEY_CLASSES: tuple[type[paramiko.PKey], ...] = (
    paramiko.Ed25519Key,
    paramiko.ECDSAKey,
    paramiko.RSAKey,
)


class KeyProblem(ValueError):
    """A private key that paramiko cannot use; the message never quotes the key."""


def load_private_key(text: str, passphrase: str = "") -> paramiko.PKey:
    """Parse an OpenSSH or PEM private key (RSA, ECDSA, Ed25519) as paramiko does to log in."""
    if "PRIVATE KEY-----" not in text:
        raise KeyProblem("this is not a private key (no BEGIN ... PRIVATE KEY line)")
    for key_class in KEY_CLASSES:
        try:
            return key_class.from_private_key(io.StringIO(text), password=passphrase or None)
        except (paramiko.SSHException, ValueError, TypeError, IndexError):
            continue
    if _is_encrypted(text):
        if not passphrase:
            raise KeyProblem("the private key is encrypted: give its passphrase")
        raise KeyProblem("the private key cannot be decrypted with this passphrase")
    raise KeyProblem(
        "the private key cannot be read (supported: RSA, ECDSA, Ed25519 in OpenSSH or PEM form)"
    )


def _is_encrypted(text: str) -> bool:
    for key_class in KEY_CLASSES:
        try:
            key_class.from_private_key(io.StringIO(text), password=None)
        except paramiko.PasswordRequiredException:
            return True
        except (paramiko.SSHException, ValueError, TypeError, IndexError):
            continue
    return False


def credential_pkey(credential: Credential) -> paramiko.PKey:
    """The paramiko key of an `ssh_key` credential, for collectors."""
    if credential.kind != CredentialKind.SSH_KEY:
        raise KeyProblem(f"credential {credential.name} holds no private key")
    return load_private_key(credential.secret(), credential.passphrase())


def read_secret(prompt: str, stdin: TextIO | None = None, *, confirm: bool = False) -> str:
    """A secret from standard input when it is not a terminal, else from a silent prompt.

    Only the first line of piped input is used (a trailing newline is never part of a
    password). Never from the command line: argv is visible to every user of the machine.
    """
    stream = stdin or sys.stdin
    if not stream.isatty():
        return stream.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and first:
        again = getpass.getpass("Again: ")
        if again != first:
            raise ValueError("the two entries differ")
    return first
