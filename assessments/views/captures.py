"""Air-gapped hosts: download the offline collector, upload what it wrote."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments.forms import CaptureUploadForm
from assessments.probes.offline import collector_script
from assessments.scanning.results import HostnameMismatch, check_upload
from assessments.scanning.scans import QueueUnavailable, start_import
from fleet.lib.roles import OPERATOR, VIEWER, role_required

COLLECTOR_OS = ("linux", "windows")


@role_required(VIEWER)
def collector_page(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/collector.html")


@role_required(VIEWER)
def collector_download(request: HttpRequest, os_family: str) -> HttpResponse:
    if os_family not in COLLECTOR_OS:
        raise Http404("No collector for this OS family.")
    filename, content = collector_script(os_family)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(OPERATOR)
def capture_upload(request: HttpRequest) -> HttpResponse:
    """Check the upload (bounded read, hostname), then judge it in a job, not here."""
    form = CaptureUploadForm(request.POST or None, request.FILES or None)
    mismatch = None
    if request.method == "POST" and form.is_valid():
        host = form.cleaned_data["host"]
        data = form.cleaned_data["capture"].read()
        try:
            capture = check_upload(host, data, other_hostname_ok=form.cleaned_data["import_anyway"])
        except HostnameMismatch as exc:
            # Nothing is stored: the user says so explicitly, choosing the file again.
            mismatch = exc
            form.fields["import_anyway"].widget = forms.CheckboxInput()
        except (ValueError, OSError) as exc:  # ImportCaptureError is a ValueError
            form.add_error("capture", str(exc))
        else:
            try:
                scan = start_import(host, data, hostname=capture.hostname, user=request.user)
            except QueueUnavailable as exc:
                messages.warning(request, exc.notice)
                return redirect("scan-detail", exc.scan.pk)
            messages.success(request, f"Capture of {host} uploaded: it is being judged.")
            return redirect("scan-detail", scan.pk)
    context = {"form": form, "mismatch": mismatch}
    return render(request, "assessments/capture_upload.html", context)
