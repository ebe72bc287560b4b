"""Collectors: how probes reach a host. `collect(target, host_keys)` picks the transport.

A collector is pure I/O: it gets a `Target` (built by the job from the inventory) and a
`HostKeyStore`, and imports neither Django nor a model. `COLLECTORS` holds one per transport.
Linux hosts go over SSH (which falls back to legacy SSH where allowed), Windows hosts over
WinRM; a host whose OS family is not known yet is tried over SSH first, then WinRM when
nothing answered SSH. The transport modules are imported lazily: paramiko, asyncssh and
pywinrm cost start-up time the web server never needs.
"""

from collections.abc import Callable

from assessments.collectors.base import SSH, SSH_LEGACY, WINRM, CollectError, CollectResult
from assessments.collectors.hostkeys import HostKeyStore
from assessments.collectors.target import Target

__all__ = ["COLLECTORS", "CollectError", "CollectResult", "Collector", "Target", "collect"]

Collector = Callable[[Target, HostKeyStore], CollectResult]

# SSH errors that mean "nothing speaks SSH there", so WinRM is worth a try for an unknown host.
_NO_SSH_HERE = {"refused", "unreachable", "timeout", "protocol_error", "incompatible_ssh"}


def _ssh(target: Target, host_keys: HostKeyStore) -> CollectResult:
    from assessments.collectors.ssh import collect_ssh

    return collect_ssh(target, host_keys)


def _ssh_legacy(target: Target, host_keys: HostKeyStore) -> CollectResult:
    from assessments.collectors.ssh_legacy import collect_legacy_ssh

    return collect_legacy_ssh(target, host_keys)


def _winrm(target: Target, host_keys: HostKeyStore) -> CollectResult:
    from assessments.collectors.winrm import collect_winrm

    return collect_winrm(target)


COLLECTORS: dict[str, Collector] = {SSH: _ssh, SSH_LEGACY: _ssh_legacy, WINRM: _winrm}


def collect(target: Target, host_keys: HostKeyStore) -> CollectResult:
    """Run the probes on one host within its deadline, or raise `CollectError`."""
    first, *others = target.transports
    try:
        return COLLECTORS[first](target, host_keys)
    except CollectError as first_error:
        if not others:
            raise
        if first_error.error_class not in _NO_SSH_HERE or target.deadline.remaining() <= 1:
            raise
        try:
            return COLLECTORS[others[0]](target, host_keys)
        except CollectError as other_error:
            # Both failed: report what SSH said unless WinRM got further than "nobody there".
            if other_error.error_class in _NO_SSH_HERE:
                raise first_error from None
            raise
