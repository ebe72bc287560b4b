"""Re-assessment: judging a host's stored capture again, without scanning the host.

A re-assessment is a scan with trigger `reassess`: `start_scan` creates it and its HostScans,
the batch jobs of `assessments.jobs` claim them as they claim a scan's, and for each host
`reassess_host` takes the Capture of the host's most recent finished HostScan that has one
and stores it through `save_result` as the new HostScan's result: the same capture bytes,
findings of the current ruleset against the host's current destination, the waivers in force.

A host with no usable capture fails with `no_capture` and keeps its latest result: a
re-assessment that judged nothing must not turn a known verdict into `unknown`. A host whose
latest result is not the re-judged one (its last scan failed: unreachable now) keeps that
latest result too; the re-assessment is in its history.
"""

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from assessments import captures
from assessments.choices import ErrorClass, HostScanStatus, ScanTrigger
from assessments.collectors.base import CollectResult
from assessments.models import Capture, HostScan
from assessments.scanning import results
from fleet.models import Host

NO_CAPTURE = "This host has no stored capture to re-assess: scan it or import a capture first."


def latest_capture(host_id: int) -> Capture | None:
    """The Capture of the host's most recent finished HostScan that has one."""
    return (
        Capture.objects.select_related("host_scan")
        .filter(host_scan__host_id=host_id, host_scan__status=HostScanStatus.DONE)
        .exclude(host_scan__finished=None)
        .order_by("-host_scan__finished", "-host_scan_id")
        .first()
    )


def reassess_host(hs: HostScan, *, owner: str) -> str | None:
    """Judge `hs.host`'s latest stored capture into `hs` (running, held by `owner`).

    Returns "done" or "failed", or None when `owner` no longer holds `hs`. `hs` must come
    with its host and the host's target loaded, as `save_result` wants it.
    """
    source = latest_capture(hs.host_id)
    if source is None:
        return _fail(hs, NO_CAPTURE, owner)
    mine = HostScan.objects.filter(pk=hs.pk, status=HostScanStatus.RUNNING, worker=owner)
    if not mine.update(reassessed_from=source.host_scan_id):
        return None
    try:
        loaded = captures.read_capture_bytes(source.data)
    except captures.CaptureError as exc:
        scan_id = source.host_scan.scan_id
        return _fail(hs, f"The stored capture of scan #{scan_id} cannot be read: {exc}", owner)
    if not results.save_result(
        hs,
        _as_collected(source, loaded),
        owner=owner,
        collected_at=source.collected,
        archive=bytes(source.data),
        replacing=source.host_scan_id,
    ):
        return None
    keep_last_scan_date(hs.host_id, hs.pk)
    return "done"


def _as_collected(source: Capture, loaded: captures.LoadedCapture) -> CollectResult:
    """The stored capture as if its collector had just brought it back."""
    original = source.host_scan
    return CollectResult(
        os_family=loaded.os_family,
        probes=dict(loaded.probes),
        transport=original.transport,
        algorithms=original.algorithms,
        hostname=source.hostname,
        notes=[original.error_detail] if original.error_detail else [],
    )


def _fail(hs: HostScan, detail: str, owner: str) -> str | None:
    saved = results.save_failure(
        hs.pk, ErrorClass.NO_CAPTURE, detail, owner=owner, keep_latest=True
    )
    return "failed" if saved else None


def keep_last_scan_date(host_id: int, host_scan_id: int) -> None:
    """A re-assessment is not a scan: the host keeps the date it was last scanned (so the
    stale hosts stay stale), which `save_result` set to the re-assessment's."""
    last_scan = (
        HostScan.objects.filter(
            host_id=OuterRef("pk"), status__in=(HostScanStatus.DONE, HostScanStatus.FAILED)
        )
        .exclude(scan__trigger=ScanTrigger.REASSESS)
        .exclude(finished=None)
        .order_by("-finished")
        .values("finished")[:1]
    )
    Host.objects.filter(pk=host_id, latest_scan_id=host_scan_id).update(
        last_scanned=Coalesce(Subquery(last_scan), F("last_scanned"))
    )
