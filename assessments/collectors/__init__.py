"""Collectors: how probes reach a host. `collect(host, deadline_s)` picks the transport.

Linux hosts go over SSH, Windows hosts over WinRM; a host whose OS family is not known yet is
tried over SSH first, then WinRM when nothing answered SSH. The transport modules are
imported lazily: paramiko, asyncssh and pywinrm cost start-up time the web server never needs.
"""

import time
from typing import TYPE_CHECKING

from assessments.collectors.base import CollectError, CollectResult

if TYPE_CHECKING:
    from fleet.models import Host

__all__ = ["CollectError", "CollectResult", "collect"]

# SSH errors that mean "nothing speaks SSH there", so WinRM is worth a try for an unknown host.
_NO_SSH_HERE = {"refused", "unreachable", "timeout", "protocol_error", "incompatible_ssh"}


def collect_ssh(host: "Host", deadline_s: float) -> CollectResult:
    from assessments.collectors.ssh import collect_ssh as over_ssh

    return over_ssh(host, deadline_s=deadline_s)


def collect_winrm(host: "Host", deadline_s: float) -> CollectResult:
    from assessments.collectors.winrm import collect_winrm as over_winrm

    return over_winrm(host, deadline_s=deadline_s)


def collect(host: "Host", deadline_s: float) -> CollectResult:
    """Run the probes on one host within `deadline_s` seconds, or raise `CollectError`."""
    if host.os_family == "linux":
        return collect_ssh(host, deadline_s)
    if host.os_family == "windows":
        return collect_winrm(host, deadline_s)
    started = time.monotonic()
    try:
        return collect_ssh(host, deadline_s)
    except CollectError as ssh_error:
        remaining = deadline_s - (time.monotonic() - started)
        if ssh_error.error_class not in _NO_SSH_HERE or remaining <= 1:
            raise
        try:
            return collect_winrm(host, remaining)
        except CollectError as winrm_error:
            # Both failed: report what SSH said unless WinRM got further than "nobody there".
            if winrm_error.error_class in _NO_SSH_HERE:
                raise ssh_error from None
            raise
