"""The capture upload page: a capture of another host, and archive bombs, import nothing;
a good capture is judged by a job, after the request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.captures import capture_to_targz
from assessments.facts import ProbeOutput
from assessments.jobs import scan_batch
from assessments.models import Capture, Finding, HostScan, Scan
from assessments.scanning.results import same_host
from tests.assessments.scan_helpers import RAW_BOUND, make_host

pytestmark = pytest.mark.django_db


def capture(hostname: str, raw: bytes = RAW_BOUND) -> SimpleUploadedFile:
    data = capture_to_targz("linux", hostname, {"raw": ProbeOutput(raw, b"", 0)})
    return SimpleUploadedFile("capture.tar.gz", data, "application/gzip")


def upload(client, host, data: SimpleUploadedFile, **extra: str):  # type: ignore[no-untyped-def]
    """Post an upload, then run the job it queued (if any) as the worker would."""
    response = client.post(reverse("capture-upload"), {"host": host.pk, "capture": data, **extra})
    for scan in Scan.objects.filter(status="queued"):
        scan_batch(scan.pk, list(scan.host_scans.values_list("pk", flat=True)))
    return response


def test_a_capture_of_the_host_is_imported(operator_client):
    host = make_host("db1")
    response = upload(operator_client, host, capture("db1.example.com"))
    scan = Scan.objects.get()
    assert response.url == reverse("scan-detail", args=[scan.pk])
    hs = HostScan.objects.get(host=host)
    assert (scan.trigger, scan.status, hs.status, hs.transport) == (
        "capture",
        "finished",
        "done",
        "capture",
    )
    host.refresh_from_db()
    assert (host.latest_scan, host.verdict) == (hs, "not_ready")
    assert Capture.objects.get().hostname == "db1.example.com"


def test_the_request_returns_before_the_capture_is_judged(
    operator_client, django_capture_on_commit_callbacks
):
    host = make_host("db1")
    with django_capture_on_commit_callbacks(execute=False) as enqueues:
        response = operator_client.post(
            reverse("capture-upload"), {"host": host.pk, "capture": capture("db1")}
        )
    scan = Scan.objects.get()
    assert response.url == reverse("scan-detail", args=[scan.pk]) and len(enqueues) == 1
    hs = HostScan.objects.get()
    assert (scan.status, hs.status, hs.verdict) == ("queued", "queued", "")
    assert not Finding.objects.exists()
    host.refresh_from_db()
    assert host.latest_scan is None
    page = operator_client.get(response.url)
    assert page.status_code == 200 and "Offline capture" in page.content.decode()
    scan_batch(scan.pk, [hs.pk])  # the job
    hs.refresh_from_db()
    assert hs.status == "done" and Finding.objects.filter(host_scan=hs).exists()


def test_a_capture_of_another_host_is_refused_until_confirmed(operator_client):
    host = make_host("db1")
    response = upload(operator_client, host, capture("web7"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This capture is from host web7, not db1." in html and "Nothing was imported" in html
    assert 'type="checkbox" name="import_anyway"' in html and "Import anyway" in html
    assert not HostScan.objects.exists()


def test_a_capture_of_another_host_is_imported_once_confirmed(operator_client):
    host = make_host("db1")
    response = upload(operator_client, host, capture("web7"), import_anyway="on")
    assert response.status_code == 302
    hs = HostScan.objects.get(host=host)
    assert (hs.status, hs.capture.hostname) == ("done", "web7")


def test_a_page_without_a_mismatch_shows_no_import_anyway(operator_client):
    html = operator_client.get(reverse("capture-upload")).content.decode()
    assert "Import anyway" not in html and 'type="checkbox" name="import_anyway"' not in html


def test_a_capture_that_unpacks_to_far_more_than_its_size_is_refused(operator_client):
    host = make_host("db1")
    bomb = capture("db1", raw=b"\0" * 20_000_000)
    assert bomb.size < 100_000
    response = upload(operator_client, host, bomb)
    assert response.status_code == 200
    assert "unpacks to more than 200 times its own size" in response.content.decode()
    assert not HostScan.objects.exists()


def test_too_many_files_reach_the_page_in_words(operator_client):
    host = make_host("db1")
    probes = {f"p{i}": ProbeOutput(b"x", b"", None) for i in range(2001)}
    data = SimpleUploadedFile("c.tar.gz", capture_to_targz("linux", "db1", probes))
    response = upload(operator_client, host, data)
    assert "the capture holds more than 2000 files" in response.content.decode()
    assert not HostScan.objects.exists()


@pytest.mark.parametrize(
    "captured, name, same",
    [
        ("db1", "db1", True),
        ("DB1", "db1", True),
        ("db1.example.com", "db1", True),
        ("db1", "db1.example.com", True),
        ("db1.a.com", "db1.b.com", False),
        ("web7", "db1", False),
    ],
)
def test_same_host(captured, name, same):
    assert same_host(captured, name) is same


def test_an_upload_the_job_cannot_read_fails_the_host_scan_in_words(db):
    from assessments.scanning.scans import start_import

    host = make_host("db1")
    scan = start_import(host, b"not a capture")
    hs = scan.host_scans.get()
    scan_batch(scan.pk, [hs.pk])
    hs.refresh_from_db()
    assert (hs.status, hs.error_class) == ("failed", "no_capture")
    assert hs.error_detail.startswith("not a usable capture: not a capture")
    assert not Capture.objects.exists() or Capture.objects.get().host_scan_id == hs.pk


def test_an_archive_over_the_size_limit_is_refused_in_words(operator_client, monkeypatch):
    import os

    from assessments import forms

    monkeypatch.setattr(forms, "MAX_CAPTURE_BYTES", 1000)
    host = make_host("db1")
    response = upload(operator_client, host, capture("db1", raw=os.urandom(4000)))
    assert "The capture is larger than 50 MB." in response.content.decode()
    assert not Scan.objects.exists()
