"""Keeping a host's denormalised verdict in step with its latest scan and its waivers."""

from django.db import transaction
from django.utils import timezone

from assessments.engine import verdict
from assessments.models import Finding, HostScan, Waiver
from fleet.choices import Verdict
from fleet.models import Host


@transaction.atomic
def refresh_host_verdict(host: Host, host_scan: HostScan | None = None) -> str:
    """Mark the latest scan's findings waived or not, then recompute the host's current
    verdict from them. The HostScan keeps the verdict it was judged with: a waiver made or
    ended later changes the host, never the history.

    `host_scan`, when given, becomes the latest scan of the host unless a result of it that
    finished later is stored (`Host.objects.make_latest`).
    """
    if host_scan is not None:
        finished = host_scan.finished or timezone.now()
        if Host.objects.make_latest(host.pk, host_scan.pk, host_scan.verdict, finished):
            host.latest_scan, host.last_scanned = host_scan, finished
        else:
            host.refresh_from_db(fields=["latest_scan", "last_scanned"])
    latest = host.latest_scan
    if latest is None:
        host.verdict = Verdict.NEVER
        host.save(update_fields=["verdict", "latest_scan", "last_scanned"])
        return host.verdict
    waived_checks = Waiver.objects.in_force(host.pk, timezone.localdate())
    findings = Finding.objects.filter(host_scan=latest)
    findings.filter(check_id__in=waived_checks).exclude(waived=True).update(waived=True)
    findings.exclude(check_id__in=waived_checks).exclude(waived=False).update(waived=False)
    pairs = findings.values_list("severity", "waived")
    scanned = latest.status == "done"
    host.verdict = verdict(pairs, scanned=scanned)
    host.save(update_fields=["verdict", "latest_scan", "last_scanned"])
    return host.verdict
