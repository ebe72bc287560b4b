"""Readiness pages, one module per area; urls.py imports the views from here."""

from assessments.views.bulk import host_bulk
from assessments.views.captures import capture_upload, collector_download, collector_page
from assessments.views.destination_edit import (
    destination_create,
    destination_delete,
    destination_edit,
)
from assessments.views.destinations import destination_list
from assessments.views.exports import blockers_csv, hosts_csv, hosts_xlsx
from assessments.views.hosts import (
    host_destination,
    host_detail,
    host_key_approve,
    host_list,
    host_rescan,
    host_wave,
)
from assessments.views.overview import overview
from assessments.views.placement import placement
from assessments.views.report import readiness_report
from assessments.views.restrictions import restriction_detail, restriction_list
from assessments.views.scans import (
    scan_cancel,
    scan_detail,
    scan_filtered,
    scan_list,
    scan_progress_partial,
    scan_reassess,
    scan_reassess_outdated,
    scan_retry_failed,
    scan_start,
)
from assessments.views.schedules import schedule_edit, schedule_list
from assessments.views.waivers import waiver_create, waiver_edit, waiver_list, waiver_revoke
from assessments.views.waves import wave_delete, wave_list

__all__ = [
    "blockers_csv",
    "capture_upload",
    "collector_download",
    "collector_page",
    "destination_create",
    "destination_delete",
    "destination_edit",
    "destination_list",
    "host_bulk",
    "host_destination",
    "host_detail",
    "host_key_approve",
    "host_list",
    "host_rescan",
    "host_wave",
    "hosts_csv",
    "hosts_xlsx",
    "overview",
    "placement",
    "readiness_report",
    "restriction_detail",
    "restriction_list",
    "scan_cancel",
    "scan_detail",
    "scan_filtered",
    "scan_list",
    "scan_progress_partial",
    "scan_reassess",
    "scan_reassess_outdated",
    "scan_retry_failed",
    "scan_start",
    "schedule_edit",
    "schedule_list",
    "waiver_create",
    "waiver_edit",
    "waiver_list",
    "waiver_revoke",
    "wave_delete",
    "wave_list",
]
