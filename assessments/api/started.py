"""What a write that starts work in the background answers: the scan (the batch) and the
URL to follow it at (`/api/v1/scans/<id>/`: status, progress, verdicts)."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request

from assessments.models import Scan


class StartedSerializer(serializers.Serializer[dict[str, Any]]):
    """A scan (batch) started: poll `status_url` until its `status` is done or failed."""

    scan = serializers.IntegerField(help_text="The batch's id (a scan).")
    status_url = serializers.CharField()
    hosts = serializers.IntegerField()
    notice = serializers.CharField(
        allow_null=True, help_text="Set when the queue did not take the jobs yet."
    )


def started(request: Request, scan: Scan, hosts: int, notice: str | None = None) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("api:scan-detail", args=[scan.pk]))
    return {"scan": scan.pk, "status_url": url, "hosts": hosts, "notice": notice}
