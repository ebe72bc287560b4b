"""Waivers: an operator accepts a finding (host x check); every change leaves a WaiverEvent.

A waiver is per host and check id, so it outlives the scan it was made on: every re-scan
that still finds the problem marks the new finding waived (`refresh_host_verdict`). It stops
counting on its expiry date; `expire_waivers()` then deactivates it, records who (nobody:
the clock) and refreshes the host's verdict.
"""

import datetime
import operator
from functools import reduce
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.checks.base import Severity
from assessments.choices import WaiverAction
from assessments.models import Finding, Waiver, WaiverEvent
from assessments.scanning.verdicts import refresh_host_verdict
from fleet.models import Host

EDITABLE = ("reason", "owner", "expires")


class WaiverError(ValueError):
    """A waiver that cannot be made as asked (already waived, expiry in the past)."""


def finding_to_waive(host: Host, check_id: str) -> Finding | None:
    """The finding of `check_id` in the host's latest result that a waiver would accept
    (a pass needs none); None when there is none."""
    return (
        Finding.objects.filter(host_scan_id=host.latest_scan_id, check_id=check_id)
        .exclude(severity=Severity.PASS)
        .first()
    )


def _user(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def create_waiver(
    host: Host,
    check_id: str,
    restriction: str,
    *,
    reason: str,
    owner: str,
    expires: datetime.date | None = None,
    user: Any = None,
) -> Waiver:
    """Waive `check_id` on `host`; the host's verdict is recomputed at once."""
    if expires is not None and expires < timezone.localdate():
        raise WaiverError("The expiry date is in the past.")
    if Waiver.objects.filter(host=host, check_id=check_id, active=True).exists():
        raise WaiverError(f"{check_id} is already waived on {host}.")
    (waiver,) = create_waivers(
        [(host.pk, check_id)], restriction, reason=reason, owner=owner, expires=expires, user=user
    )
    refresh_host_verdict(host)
    return waiver


def create_waivers(
    pairs: list[tuple[int, str]],
    restriction: str,
    *,
    reason: str,
    owner: str,
    expires: datetime.date | None,
    user: Any,
) -> list[Waiver]:
    """A waiver and its `created` WaiverEvent per (host id, check id), in two INSERTs: the
    one writer of new waivers, for one finding (`create_waiver`) or thousands (bulk waive).
    The caller checks the expiry and refreshes the verdicts."""
    if not pairs:
        return []
    made = Waiver.objects.bulk_create(
        Waiver(
            host_id=host_id,
            check_id=check_id,
            restriction=restriction,
            reason=reason,
            owner=owner,
            expires=expires,
            created_by=_user(user),
        )
        for host_id, check_id in pairs
    )
    if any(w.pk is None for w in made):  # backends that do not return ids from bulk_create
        wanted = reduce(operator.or_, (Q(host_id=h, check_id=c) for h, c in pairs))
        made = list(Waiver.objects.filter(wanted, active=True))
    changes = {"owner": owner, "expires": expires.isoformat() if expires else None}
    WaiverEvent.objects.bulk_create(
        WaiverEvent(
            waiver=w, action=WaiverAction.CREATED, user=_user(user), reason=reason, changes=changes
        )
        for w in made
    )
    return made


@transaction.atomic
def edit_waiver(waiver: Waiver, *, user: Any = None, why: str = "", **values: Any) -> Waiver:
    """Change reason, owner or expiry; the event keeps the old and new values."""
    changes: dict[str, list[Any]] = {}
    for field in EDITABLE:
        if field in values and values[field] != getattr(waiver, field):
            old, new = getattr(waiver, field), values[field]
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(waiver, field, new)
    if not changes:
        return waiver
    if waiver.expires is not None and waiver.expires < timezone.localdate():
        raise WaiverError("The expiry date is in the past.")
    waiver.save()
    WaiverEvent.objects.create(
        waiver=waiver, action=WaiverAction.EDITED, user=_user(user), reason=why, changes=changes
    )
    refresh_host_verdict(waiver.host)
    return waiver


@transaction.atomic
def revoke_waiver(waiver: Waiver, *, user: Any = None, why: str = "") -> None:
    """End a waiver now; the finding counts again."""
    if not waiver.active:
        return
    waiver.active = False
    waiver.save(update_fields=["active", "updated"])
    WaiverEvent.objects.create(
        waiver=waiver, action=WaiverAction.REVOKED, user=_user(user), reason=why
    )
    refresh_host_verdict(waiver.host)


def expire_waivers(today: datetime.date | None = None) -> int:
    """Deactivate waivers whose expiry date has passed; returns how many expired.

    Cheap when nothing is due (one indexed query), so page loads may call it.
    """
    day = today or timezone.localdate()
    due = list(Waiver.objects.filter(active=True, expires__lt=day).select_related("host"))
    for waiver in due:
        with transaction.atomic():
            # Conditional update: two callers at once expire each waiver once.
            if not Waiver.objects.filter(pk=waiver.pk, active=True).update(active=False):
                continue
            WaiverEvent.objects.create(
                waiver=waiver,
                action=WaiverAction.EXPIRED,
                reason=f"Expired on {waiver.expires:%Y-%m-%d}.",
            )
            refresh_host_verdict(waiver.host)
    return len(due)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
