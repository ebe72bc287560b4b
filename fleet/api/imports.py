"""`POST /api/v1/hosts/import/`: the Import page's CSV/Ansible import (fleet.lib.imports),
all-or-nothing, with its report as JSON; `dry_run` reports what a real run would do.

The file comes as a multipart upload (`file`, with `format` and `dry_run` as form fields or
query parameters) or as the raw body (`curl --data-binary @hosts.csv -H 'Content-Type:
text/csv'`), its format then from `?format=`, the content type, or the content."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, content_negotiation_class, parser_classes
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from fleet.lib.import_limits import MAX_IMPORT_BYTES
from fleet.lib.imports import ANSIBLE_YAML, CSV, FORMATS, ImportReport, import_hosts, too_big
from p2c.api.errors import error_body

# A raw body's content type, when no `format` is given, before the content is looked at.
CONTENT_TYPE_FORMATS = {
    "text/csv": CSV,
    "application/yaml": ANSIBLE_YAML,
    "application/x-yaml": ANSIBLE_YAML,
    "text/yaml": ANSIBLE_YAML,
}


class RawFile:
    """A raw request body standing in for an uploaded file."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.content_type = content_type


class RawInventoryParser(BaseParser):
    """Any body that is not a form: the inventory file itself (read up to the import's limit
    plus one byte, so an oversized body is refused without being held whole)."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = stream.read(MAX_IMPORT_BYTES + 1) if stream is not None else b""
        return {"file": RawFile(data, (media_type or "").split(";")[0].strip().lower())}


class _NoFormatOverride:
    """api_settings without URL_FORMAT_OVERRIDE: here `?format=` is the inventory's format,
    not a renderer (DRF would answer 404 for `?format=csv`)."""

    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name: str) -> Any:
        return getattr(api_settings, name)


class InventoryNegotiation(DefaultContentNegotiation):
    settings = _NoFormatOverride()  # type: ignore[assignment]


class ImportOptions(serializers.Serializer[Any]):
    format = serializers.ChoiceField(
        choices=list(FORMATS), required=False, allow_blank=True, default=""
    )
    dry_run = serializers.BooleanField(required=False, default=False)


def report_data(report: ImportReport) -> dict[str, Any]:
    """The report as JSON: what the page shows, line numbers included."""
    return {
        "format": report.format,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "counts": report.counts(),
        "rows": [
            {
                "line": row.line,
                "name": row.name,
                "action": row.action,
                "changes": row.changes,
                "warnings": row.warnings,
            }
            for row in report.rows
        ],
        "groups_created": report.groups_created,
        "errors": [{"line": p.line, "message": p.message} for p in report.errors],
    }


def options(request: Request) -> dict[str, Any]:
    """`format` and `dry_run` from the form, else from the query string."""
    raw: dict[str, Any] = {}
    for key in ("format", "dry_run"):
        value = request.data.get(key) if hasattr(request.data, "get") else None
        if value is None:
            value = request.query_params.get(key)
        if value is not None:
            raw[key] = value
    checked = ImportOptions(data=raw)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def uploaded(request: Request, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, format or "") of the upload or the raw body; 400 without one."""
    upload = request.data.get("file") if hasattr(request.data, "get") else None
    if isinstance(upload, RawFile):
        data, name = upload.data, "upload"
        fmt = fmt or CONTENT_TYPE_FORMATS.get(upload.content_type, "")
    elif upload is not None and hasattr(upload, "read"):
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError({"file": [too_big(upload.size)]})
        data, name = upload.read(), upload.name or "upload"
    else:
        data, name = b"", ""
    if not data:
        raise ValidationError(
            {"file": ["Send the inventory as the multipart field `file` or as the body."]}
        )
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": [too_big(len(data))]})
    return name, data, fmt


REPORT = inline_serializer(
    "ImportReport",
    {
        "format": serializers.ChoiceField(choices=list(FORMATS)),
        "dry_run": serializers.BooleanField(),
        "ok": serializers.BooleanField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "rows": inline_serializer(
            "ImportRow",
            {
                "line": serializers.IntegerField(),
                "name": serializers.CharField(),
                "action": serializers.ChoiceField(choices=["created", "updated", "unchanged"]),
                "changes": serializers.ListField(child=serializers.CharField()),
                "warnings": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
        "groups_created": serializers.ListField(child=serializers.CharField()),
        "errors": inline_serializer(
            "ImportProblem",
            {
                "line": serializers.IntegerField(allow_null=True),
                "message": serializers.CharField(),
            },
            many=True,
        ),
    },
)
REFUSED = inline_serializer(
    "ImportRefused",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "report": REPORT,
    },
)


@extend_schema(
    operation_id="hosts_import",
    request={
        "multipart/form-data": inline_serializer(
            "ImportUpload",
            {
                "file": serializers.FileField(),
                "format": serializers.ChoiceField(choices=list(FORMATS), required=False),
                "dry_run": serializers.BooleanField(required=False),
            },
        ),
        "text/csv": OpenApiTypes.BINARY,
        "application/yaml": OpenApiTypes.BINARY,
        "application/octet-stream": OpenApiTypes.BINARY,
    },
    parameters=[
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=list(FORMATS),
            description="The file's format "
            "(default: from the content type, the file name and the content).",
        ),
        OpenApiParameter(
            "dry_run", OpenApiTypes.BOOL, description="Report what would change, change nothing."
        ),
    ],
    responses={200: REPORT, 400: REFUSED},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser, RawInventoryParser])
@content_negotiation_class(InventoryNegotiation)
def host_import(request: Request) -> Response:
    """Import hosts from a CSV file or an Ansible inventory (INI or YAML), all or nothing."""
    opts = options(request)
    name, data, fmt = uploaded(request, opts["format"])
    report = import_hosts(name, data, dry_run=opts["dry_run"], fmt=fmt or None)
    body = report_data(report)
    if not report.ok:
        count = len(report.errors)
        detail = f"The file has {count} problem{'s' if count != 1 else ''}; nothing was imported."
        refused = error_body(detail, {"file": [str(p) for p in report.errors]})
        return Response({**refused, "report": body}, status=status.HTTP_400_BAD_REQUEST)
    return Response(body)
