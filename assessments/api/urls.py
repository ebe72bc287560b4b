"""API routes of the readiness app, assembled under /api/v1/ by p2c/api/urls.py."""

from typing import Any

from django.urls import URLPattern, path

from assessments.api import exports
from assessments.api.captures import capture_upload
from assessments.api.destinations import DestinationViewSet
from assessments.api.findings import FindingViewSet
from assessments.api.hosts import HostViewSet
from assessments.api.reassessments import ReassessmentViewSet
from assessments.api.scans import ScanViewSet
from assessments.api.schedules import ScheduleViewSet
from assessments.api.waivers import WaiverViewSet
from assessments.api.waves import WaveViewSet

ROUTES: list[tuple[str, Any, str]] = [
    ("hosts", HostViewSet, "host"),
    ("findings", FindingViewSet, "finding"),
    ("scans", ScanViewSet, "scan"),
    ("destinations", DestinationViewSet, "destination"),
    ("waves", WaveViewSet, "wave"),
    ("waivers", WaiverViewSet, "waiver"),
    ("schedules", ScheduleViewSet, "schedule"),
    ("reassessments", ReassessmentViewSet, "reassessment"),
]
urlpatterns: list[URLPattern] = [
    path("exports/blockers.csv", exports.blockers_csv, name="export-blockers"),
    path("exports/hosts.csv", exports.hosts_csv, name="export-hosts-csv"),
    path("exports/hosts.xlsx", exports.hosts_xlsx, name="export-hosts-xlsx"),
    path("captures/", capture_upload, name="capture-upload"),
]
