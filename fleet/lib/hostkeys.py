"""Deciding on SSH host keys: list, approve and reject what scans have seen.

A scan records every host key it meets (`assessments.collectors.hostkeys` decides, and
`assessments.scanning.targets.OrmHostKeys` stores it); only a key an admin approved (or a group's
trust-on-first-use policy trusted) lets a scan log in. The web UI and `manage.py host_keys`
both call these functions.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fleet.choices import HostKeyState
from fleet.models import Host, HostKey


def pending() -> QuerySet[HostKey]:
    return HostKey.objects.filter(state=HostKeyState.PENDING).select_related("host")


def keys_of(hosts: Iterable[Host] | None = None) -> QuerySet[HostKey]:
    keys = HostKey.objects.select_related("host", "decided_by").order_by(
        "host__name", "-first_seen"
    )
    return keys if hosts is None else keys.filter(host__in=list(hosts))


def _decide(key: HostKey, state: str, user: AbstractBaseUser | None) -> None:
    key.state = state
    key.decided_by = user  # type: ignore[assignment]
    key.decided = timezone.now()
    key.save(update_fields=["state", "decided_by", "decided"])


@transaction.atomic
def approve(key: HostKey, user: AbstractBaseUser | None = None) -> HostKey:
    """Trust `key`; a trusted key of the same type it replaces (a reinstalled server) is retired.

    Retired keys become `rejected`, so a server that shows the old key again is refused
    instead of silently accepted; they stay in the host's key history with the key that
    replaced them, who approved it and when.
    """
    for old in replaced_keys(key):
        _decide(old, HostKeyState.REJECTED, user)
        old.replaced_by = key
        old.replaced_at = old.decided
        old.replacement_approved_by = user  # type: ignore[assignment]
        old.save(update_fields=["replaced_by", "replaced_at", "replacement_approved_by"])
    _decide(key, HostKeyState.TRUSTED, user)
    return key


def replaced_keys(key: HostKey) -> QuerySet[HostKey]:
    """The trusted keys that approving `key` would retire (same host, same key type): when
    there are any, `key` is a *changed* host key."""
    return HostKey.objects.filter(
        host_id=key.host_id, key_type=key.key_type, state=HostKeyState.TRUSTED
    ).exclude(pk=key.pk)


def reject(key: HostKey, user: AbstractBaseUser | None = None) -> HostKey:
    """Refuse `key`: scans that meet it stop with a host key error."""
    _decide(key, HostKeyState.REJECTED, user)
    return key


def approve_host(host: Host, user: AbstractBaseUser | None = None) -> list[HostKey]:
    """Approve every pending key of one host (newest last, so it wins within a key type)."""
    keys = list(host.host_keys.filter(state=HostKeyState.PENDING).order_by("first_seen"))
    return [approve(key, user) for key in keys]


def approve_all_pending(user: AbstractBaseUser | None = None) -> list[HostKey]:
    keys = list(pending().order_by("host__name", "first_seen"))
    return [approve(key, user) for key in keys]
