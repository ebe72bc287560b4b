"""`POST /api/v1/captures/`: upload an offline capture of a host, with the upload page's
checks (size, a bounded read of the archive, the hostname: another host's capture needs
`import_anyway=true`). The capture is judged by a job: the answer is 202 with the batch (a
scan) and its status URL."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.forms import check
from assessments.api.started import StartedSerializer, started
from assessments.forms import CaptureUploadForm
from assessments.scanning.results import HostnameMismatch, check_upload
from assessments.scanning.scans import QueueUnavailable, start_import
from fleet.models import Host

UPLOAD = inline_serializer(
    "CaptureUpload",
    {
        "host": serializers.CharField(help_text="The host's id or name."),
        "capture": serializers.FileField(help_text="The offline collector's .tar.gz (or .zip)."),
        "import_anyway": serializers.BooleanField(
            required=False,
            help_text="Import a capture that names another host (refused without it).",
        ),
    },
)


def host_id(value: Any) -> Any:
    """The form takes the host's id; the API also takes its name."""
    if isinstance(value, str) and value and not value.isdigit():
        found = Host.objects.filter(name=value).values_list("pk", flat=True).first()
        return found if found is not None else value
    return value


@extend_schema(
    operation_id="captures_upload",
    request={"multipart/form-data": UPLOAD},
    responses={202: StartedSerializer},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def capture_upload(request: Request) -> Response:
    """Upload an offline capture of a host; a job judges it (follow `status_url`)."""
    sent = request.data if isinstance(request.data, dict) else {}  # a QueryDict is a dict
    fields = {"host": host_id(sent.get("host")), "import_anyway": sent.get("import_anyway", "")}
    form = CaptureUploadForm(fields, request.FILES)
    check(form)
    host = form.cleaned_data["host"]
    payload = form.cleaned_data["capture"].read()
    try:
        capture = check_upload(host, payload, other_hostname_ok=form.cleaned_data["import_anyway"])
    except HostnameMismatch as exc:
        message = f"{exc} Send import_anyway=true to import it as {host} all the same."
        raise ValidationError({"capture": [message]}) from None
    except (ValueError, OSError) as exc:  # ImportCaptureError is a ValueError
        raise ValidationError({"capture": [str(exc)]}) from None
    try:
        scan = start_import(host, payload, hostname=capture.hostname, user=request.user)
    except QueueUnavailable as exc:
        return Response(started(request, exc.scan, 1, exc.notice), status=status.HTTP_202_ACCEPTED)
    return Response(started(request, scan, 1), status=status.HTTP_202_ACCEPTED)
