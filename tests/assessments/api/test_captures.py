from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.captures import capture_to_targz
from assessments.facts import ProbeOutput
from assessments.forms import MAX_CAPTURE_BYTES
from assessments.jobs import scan_batch
from assessments.models import Capture, HostScan, Scan
from tests.assessments.scan_helpers import RAW_BOUND, make_host

URL = "/api/v1/captures/"


def capture(hostname: str) -> SimpleUploadedFile:
    data = capture_to_targz("linux", hostname, {"raw": ProbeOutput(RAW_BOUND, b"", 0)})
    return SimpleUploadedFile("capture.tar.gz", data, "application/gzip")


def upload(client, host, data, **extra):  # type: ignore[no-untyped-def]
    fields = {"host": host, "capture": data, **extra}
    return client.post(URL, fields, format="multipart")


def test_an_upload_is_queued_and_answers_the_batch_and_its_status_url(
    operator_api, db, django_capture_on_commit_callbacks
):
    host = make_host("db1")
    with django_capture_on_commit_callbacks(execute=False) as enqueues:
        response = upload(operator_api, host.pk, capture("db1.example.com"))
    assert response.status_code == 202, response.json()
    scan = Scan.objects.get()
    body = response.json()
    assert (body["scan"], body["hosts"], body["notice"]) == (scan.pk, 1, None)
    assert body["status_url"].endswith(f"/api/v1/scans/{scan.pk}/")
    assert len(enqueues) == 1 and scan.trigger == "capture"
    assert HostScan.objects.get().status == "queued"
    status = operator_api.get(body["status_url"]).json()
    assert status["progress"]["queued"] == 1


def test_the_job_judges_it(operator_api, db):
    host = make_host("db1")
    upload(operator_api, "db1", capture("db1"))  # the host by name works too
    scan = Scan.objects.get()
    scan_batch(scan.pk, list(scan.host_scans.values_list("pk", flat=True)))
    host.refresh_from_db()
    assert host.verdict == "not_ready"


def test_another_hosts_capture_needs_import_anyway(operator_api, db):
    host = make_host("db1")
    refused = upload(operator_api, host.pk, capture("web7"))
    assert refused.status_code == 400
    message = refused.json()["errors"]["capture"][0]
    assert "from host web7, not db1" in message and "import_anyway=true" in message
    assert not Scan.objects.exists() and not Capture.objects.exists()
    accepted = upload(operator_api, host.pk, capture("web7"), import_anyway="true")
    assert accepted.status_code == 202
    assert Capture.objects.get().hostname == "web7"


def test_a_file_that_is_no_capture_is_a_400(operator_api, db):
    host = make_host("db1")
    junk = SimpleUploadedFile("capture.tar.gz", b"not an archive")
    response = upload(operator_api, host.pk, junk)
    assert response.status_code == 400
    assert "not a usable capture" in response.json()["errors"]["capture"][0]


def test_an_oversized_capture_is_refused(operator_api, db):
    host = make_host("db1")
    big = SimpleUploadedFile("capture.tar.gz", b"\0" * (MAX_CAPTURE_BYTES + 1))
    response = upload(operator_api, host.pk, big)
    assert response.json()["errors"]["capture"] == ["The capture is larger than 50 MB."]


def test_an_unknown_host_or_no_file_is_named(operator_api, db):
    response = operator_api.post(URL, {"host": "ghost"}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"host", "capture"}


def test_a_viewer_may_not_upload(viewer_api, db):
    host = make_host("db1")
    assert upload(viewer_api, host.pk, capture("db1")).status_code == 403
    assert not Scan.objects.exists()
