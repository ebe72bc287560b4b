"""Air-gapped hosts: download the offline collector, upload what it wrote."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments.forms import CaptureUploadForm
from assessments.views.common import optional
from fleet.lib.roles import OPERATOR, VIEWER, role_required

COLLECTOR_OS = ("linux", "windows")
# Names the capture engineer may give the function returning (filename, content).
COLLECTOR_FUNCTIONS = ("collector_script", "script_for", "render_script", "script")


def _collector(os_family: str) -> tuple[str, str | bytes] | None:
    for name in COLLECTOR_FUNCTIONS:
        function = optional("assessments.probes.offline", name)
        if function is not None:
            result: Any = function(os_family)
            if isinstance(result, tuple):
                return result[0], result[1]
            extension = "sh" if os_family == "linux" else "cmd"
            return f"p2c-collect.{extension}", result
    return None


@role_required(VIEWER)
def collector_page(request: HttpRequest) -> HttpResponse:
    available = optional("assessments.probes.offline", "__name__") is not None
    return render(request, "assessments/collector.html", {"available": available})


@role_required(VIEWER)
def collector_download(request: HttpRequest, os_family: str) -> HttpResponse:
    if os_family not in COLLECTOR_OS:
        raise Http404("No collector for this OS family.")
    script = _collector(os_family)
    if script is None:
        raise Http404("The offline collector is not available in this installation yet.")
    filename, content = script
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(OPERATOR)
def capture_upload(request: HttpRequest) -> HttpResponse:
    form = CaptureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        import_capture = optional("assessments.lib.results", "import_capture")
        if import_capture is None:
            messages.error(request, "Importing captures is not available yet.")
        else:
            host = form.cleaned_data["host"]
            try:
                import_capture(host, form.cleaned_data["capture"].read(), user=request.user)
            except (ValueError, OSError) as exc:  # ImportCaptureError is a ValueError
                form.add_error("capture", str(exc))
            else:
                messages.success(request, f"Capture of {host} imported.")
                return redirect(host)
    return render(request, "assessments/capture_upload.html", {"form": form})
