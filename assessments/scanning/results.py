"""Saving one host's outcome: the HostScan, its compressed capture, findings and verdict.

Live scans, imported offline captures and re-assessments of stored captures go through
`save_result`, so a capture is stored and judged exactly as if the host had been scanned.
Writes are conditional on the caller still owning the HostScan (status running, same
worker), so a worker declared lost that comes back late cannot overwrite the result of the
worker that took over.
"""

from datetime import datetime
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments import captures
from assessments.choices import ErrorClass, HostScanStatus, ScanStatus, ScanTrigger, Transport
from assessments.collectors.base import CollectResult
from assessments.engine import Assessment, assess, verdict
from assessments.facts import Destination, Facts
from assessments.models import Capture, HostScan, Scan, Waiver
from assessments.scanning import result_sql, ruleset
from fleet.choices import OsFamily, Verdict
from fleet.models import Host


class ImportCaptureError(ValueError):
    """An offline capture could not be stored (unknown host, unreadable capture)."""


class HostnameMismatch(ImportCaptureError):
    """The capture names another host than the one it is imported to; nothing is stored."""

    def __init__(self, captured: str, host: str) -> None:
        super().__init__(f"This capture is from host {captured}, not {host}.")
        self.captured = captured
        self.host = host


def same_host(captured: str, name: str) -> bool:
    """Whether a capture's hostname names the inventory host `name`: case does not count,
    and a short name matches its fully qualified one (db1 and db1.example.com)."""
    a, b = captured.strip().lower().rstrip("."), name.strip().lower().rstrip(".")
    if a == b:
        return True
    if "." in a and "." in b:
        return False
    return a.split(".", 1)[0] == b.split(".", 1)[0]


def destination_of(host: Host) -> Destination | None:
    target = host.target
    if target is None:
        return None
    return Destination(
        name=target.name,
        os_family=target.os_family,
        windows_version=target.windows_version,
        architecture=target.architecture,
        free_bytes=target.free_bytes,
        platform=target.platform,
    )


def save_result(
    host_scan: HostScan | int,
    result: CollectResult,
    *,
    owner: str,
    collected_at: datetime | None = None,
    archive: bytes | None = None,
    replacing: int | None = None,
) -> bool:
    """Store what a collector brought back; False when `owner` no longer holds the HostScan.

    A HostScan object must come with its host (and the host's target) loaded. `archive` is
    the capture's bytes when they are stored already (a re-assessment copies them unchanged,
    with their `collected_at`); without it the capture is built from `result.probes`. With
    `replacing` (a re-assessment of that HostScan) the host takes this result only while
    that HostScan is still its latest: re-judging an old capture never hides a newer result,
    such as a scan that failed because the host is unreachable now.
    """
    hs = (
        host_scan
        if isinstance(host_scan, HostScan)
        else HostScan.objects.select_related("host__target").get(pk=host_scan)
    )
    host = hs.host
    assessment = _judge(result, host)
    platform = assessment.platform
    now = timezone.now()
    waived = Waiver.objects.in_force(host.pk, timezone.localdate(now))
    host_verdict = verdict((str(f.severity), f.check in waived) for f in assessment.findings)
    if archive is None:
        collected_at = collected_at or now
        archive = captures.capture_to_targz(
            result.os_family, result.hostname or host.name, result.probes, collected_at
        )
    with transaction.atomic():
        if not result_sql.finish_if_owned(
            hs.pk,
            owner,
            HostScanStatus.RUNNING,
            status=HostScanStatus.DONE,
            transport=result.transport,
            algorithms=result.algorithms[:300],
            os_family=result.os_family,
            verdict=host_verdict,
            ruleset=assessment.ruleset,
            error_class="",
            error_detail="; ".join(result.notes),
            finished=now,
            # What the checks judged the host to be, for the host and destinations pages.
            os_name=platform.os_name[:200],
            os_version=platform.os_version[:50],
            windows_generation=platform.windows_generation[:12],
            architecture=platform.architecture[:8],
            data_bytes=platform.data_bytes,
        ):
            return False
        result_sql.insert_capture(
            Capture(
                host_scan_id=hs.pk,
                data=archive,
                size=len(archive),
                hostname=result.hostname[:255],
                collected=collected_at,
            )
        )
        result_sql.insert_findings(
            (
                hs.pk,
                host.pk,
                f.restriction,
                f.check,
                str(f.severity),
                f.title[:500],
                f.evidence,
                f.remediation,
                f.check in waived,
            )
            for f in assessment.findings
        )
        if host.os_family != result.os_family and result.os_family in OsFamily.values:
            Host.objects.filter(pk=host.pk).update(os_family=result.os_family)
        Host.objects.make_latest(host.pk, hs.pk, host_verdict, now, replacing=replacing)
    return True


def _judge(result: CollectResult, host: Host) -> Assessment:
    """The checks' conclusions on `result`. The facts (and what the parsers made of the
    outputs, which can weigh several times the outputs) are dropped on return, before the
    capture is written and stored."""
    facts = Facts(
        os_family=result.os_family,
        probes=result.probes,
        hostname=result.hostname or host.name,
        destination=destination_of(host),
    )
    return assess(facts, ruleset.disabled())


def save_failure(
    host_scan_id: int, error_class: str, detail: str, *, owner: str, keep_latest: bool = False
) -> bool:
    """Store why a host could not be scanned; its verdict becomes unknown.

    With `keep_latest` (a re-assessment that found no usable capture) the failure stays in
    the host's history only: nothing new is known about the host, so its latest result and
    verdict stay as they were.
    """
    now = timezone.now()
    with transaction.atomic():
        mine = HostScan.objects.filter(pk=host_scan_id, status=HostScanStatus.RUNNING, worker=owner)
        if not mine.update(
            status=HostScanStatus.FAILED,
            error_class=error_class,
            error_detail=result_sql.db_text(detail),
            verdict=Verdict.UNKNOWN,
            finished=now,
        ):
            return False
        if not keep_latest:
            host_id = HostScan.objects.values_list("host_id", flat=True).get(pk=host_scan_id)
            Host.objects.make_latest(host_id, host_scan_id, Verdict.UNKNOWN, now)
    return True


def _check_capture(host: Host, capture: captures.LoadedCapture, other_hostname_ok: bool) -> None:
    if not other_hostname_ok and capture.hostname and not same_host(capture.hostname, host.name):
        raise HostnameMismatch(capture.hostname, host.name)
    if capture.os_family not in (OsFamily.LINUX, OsFamily.WINDOWS):
        raise ImportCaptureError(f"unsupported OS family {capture.os_family!r}")


def check_upload(
    host: Host, data: bytes, *, other_hostname_ok: bool = False
) -> captures.LoadedCapture:
    """The upload page's checks before it queues `data`: a bounded read (no judging, no
    writes: archives.py caps size, files and expansion) and the hostname. Raises
    `ImportCaptureError` (`HostnameMismatch` for another host's capture) in user words."""
    try:
        capture = captures.read_capture_bytes(data)
    except captures.CaptureError as exc:
        raise ImportCaptureError(f"not a usable capture: {exc}") from exc
    _check_capture(host, capture, other_hostname_ok)
    return capture


def import_upload(hs: HostScan, *, owner: str) -> str | None:
    """Job side of an upload (`scans.start_import`): judge and store the capture uploaded as
    `hs`'s Capture row, as `import_capture` would; "done", "failed", or None when `owner`
    no longer holds `hs`."""
    upload = Capture.objects.filter(host_scan_id=hs.pk).first()
    if upload is None:
        failed = save_failure(hs.pk, ErrorClass.NO_CAPTURE, "the upload is gone", owner=owner)
        return "failed" if failed else None
    try:
        capture = captures.read_capture_bytes(upload.data)
    except captures.CaptureError as exc:
        detail = f"not a usable capture: {exc}"
        return "failed" if save_failure(hs.pk, ErrorClass.NO_CAPTURE, detail, owner=owner) else None
    result = CollectResult(
        os_family=capture.os_family,
        probes=dict(capture.probes),
        transport=Transport.CAPTURE,
        hostname=capture.hostname or hs.host.name,
    )
    with transaction.atomic():
        Capture.objects.filter(pk=upload.pk).delete()  # the stored capture takes its place
        saved = save_result(hs, result, owner=owner, collected_at=capture.collected_at)
        if not saved:
            transaction.set_rollback(True)
    return "done" if saved else None


def save_cancelled(host_scan_id: int, detail: str, *, owner: str) -> bool:
    """The scan was cancelled while this host was being scanned and nothing usable came
    back: the host ends cancelled (not failed), keeping its latest result and verdict."""
    mine = HostScan.objects.filter(pk=host_scan_id, status=HostScanStatus.RUNNING, worker=owner)
    return bool(
        mine.update(
            status=HostScanStatus.CANCELLED,
            error_detail=result_sql.db_text(detail),
            finished=timezone.now(),
        )
    )


def import_capture(
    host: Host | None,
    source: str | Path | bytes,
    user: User | None = None,
    *,
    other_hostname_ok: bool = True,
) -> HostScan:
    """Store an offline capture (directory, .tar.gz, .zip or its bytes) as the latest result
    of `host` (or of the host named in its manifest), exactly as if it had been scanned.

    Raises `ImportCaptureError` with a message for users; nothing is stored then. Without
    `other_hostname_ok` (the upload page, until the user confirms), a capture whose hostname
    is not `host`'s raises `HostnameMismatch`; `--host` on the command line is explicit.
    """
    try:
        if isinstance(source, bytes):
            capture = captures.read_capture_bytes(source)
        else:
            capture = captures.read_capture(source)
    except captures.CaptureError as exc:
        raise ImportCaptureError(f"not a usable capture: {exc}") from exc
    if host is None:
        if not capture.hostname:
            raise ImportCaptureError("the capture names no host: pass --host NAME")
        host = Host.objects.filter(name=capture.hostname).first()
        if host is None:
            raise ImportCaptureError(f"no host named {capture.hostname!r} in the inventory")
    _check_capture(host, capture, other_hostname_ok)
    result = CollectResult(
        os_family=capture.os_family,
        probes=dict(capture.probes),
        transport=Transport.CAPTURE,
        hostname=capture.hostname or host.name,
    )
    owner = f"capture:{user.get_username() if user is not None else 'command'}"
    now = timezone.now()
    with transaction.atomic():
        scan = Scan.objects.create(
            trigger=ScanTrigger.CAPTURE,
            selection={"hosts": [host.name]},
            status=ScanStatus.RUNNING,
            requested_by=user if user is not None and user.is_authenticated else None,
            ruleset=ruleset.current(),
            started=now,
        )
        hs = HostScan.objects.create(
            scan=scan,
            host=host,
            status=HostScanStatus.RUNNING,
            transport=Transport.CAPTURE,
            worker=owner,
            attempts=1,
            started=now,
            heartbeat=now,
        )
        save_result(hs.pk, result, owner=owner, collected_at=capture.collected_at)
        scan.status = ScanStatus.FINISHED
        scan.finished = timezone.now()
        scan.save(update_fields=["status", "finished"])
    hs.refresh_from_db()
    return hs
