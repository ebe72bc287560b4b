"""Small builders for tests: hosts, scan results with findings, captures.

    host = make_host(name="web1", os_family="linux")
    make_scan_result(host, findings=[("filesystems", "fs.unsupported", "blocker")])

A finding is a (restriction, check_id, severity) tuple or a dict with any Finding field.
"""

import datetime
import io
import itertools
import tarfile
from typing import Any

from django.utils import timezone

from assessments.engine import verdict
from assessments.models import Capture, Finding, HostScan, Scan, Waiver
from assessments.scanning.verdicts import refresh_host_verdict
from fleet.models import Host, HostGroup, Tag

_counter = itertools.count(1)


def make_host(**overrides: Any) -> Host:
    groups = overrides.pop("groups", [])
    tags = overrides.pop("tags", [])
    number = next(_counter)
    values: dict[str, Any] = {
        "name": f"host-{number}",
        "address": f"10.0.{number // 250}.{number % 250 + 1}",
        "os_family": "linux",
    }
    values.update(overrides)
    host = Host.objects.create(**values)
    for name in groups:
        host.groups.add(HostGroup.objects.get_or_create(name=name)[0])
    for name in tags:
        host.tags.add(Tag.objects.get_or_create(name=name)[0])
    return host


def finding_values(spec: Any) -> dict[str, Any]:
    if isinstance(spec, dict):
        values = dict(spec)
    else:
        restriction, check_id, severity = spec
        values = {"restriction": restriction, "check_id": check_id, "severity": severity}
    values.setdefault("title", f"{values['check_id']} is {values['severity']}")
    values.setdefault("evidence", f"$ probe\n{values['check_id']} output")
    values.setdefault("remediation", "Fix it before the migration.")
    return values


def make_scan_result(
    host: Host,
    findings: list[Any] = (),  # type: ignore[assignment]
    *,
    scan: Scan | None = None,
    status: str = "done",
    finished: datetime.datetime | None = None,
    capture: dict[str, bytes] | None = None,
    **host_scan_values: Any,
) -> HostScan:
    """A finished HostScan of `host` with `findings`, judged with the waivers in force now
    and made the host's latest scan."""
    when = finished or timezone.now()
    if scan is None:
        scan = Scan.objects.create(status="finished", started=when, finished=when)
    host_scan = HostScan.objects.create(
        scan=scan,
        host=host,
        status=status,
        os_family=host.os_family,
        started=when - datetime.timedelta(seconds=3),
        finished=when,
        transport="ssh",
        **host_scan_values,
    )
    waived = Waiver.objects.in_force(host.pk, timezone.localdate())
    made = Finding.objects.bulk_create(
        Finding(host_scan=host_scan, host=host, **finding_values(spec)) for spec in findings
    )
    if "verdict" not in host_scan_values:  # judged now, as save_result judges a scan
        pairs = [(f.severity, f.check_id in waived) for f in made]
        host_scan.verdict = verdict(pairs, scanned=status == "done")
        host_scan.save(update_fields=["verdict"])
    if capture is not None:
        Capture.objects.create(host_scan=host_scan, data=make_capture(capture))
    refresh_host_verdict(host, host_scan)
    return host_scan


def make_capture(files: dict[str, bytes]) -> bytes:
    """A .tar.gz capture holding `<probe>.txt` files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{name}.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
