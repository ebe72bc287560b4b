from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("hosts/", views.host_list, name="host-list"),
    path("hosts/<int:pk>/", views.host_detail, name="host-detail"),
    path("hosts/<int:pk>/rescan/", views.host_rescan, name="host-rescan"),
    path("hosts/<int:pk>/destination/", views.host_destination, name="host-destination"),
    path(
        "hosts/<int:pk>/host-keys/<int:key_pk>/approve/",
        views.host_key_approve,
        name="host-key-approve",
    ),
    path("hosts/<int:pk>/waivers/", views.waiver_create, name="waiver-create"),
    path("waivers/", views.waiver_list, name="waiver-list"),
    path("waivers/<int:pk>/edit/", views.waiver_edit, name="waiver-edit"),
    path("waivers/<int:pk>/revoke/", views.waiver_revoke, name="waiver-revoke"),
    path("restrictions/", views.restriction_list, name="restriction-list"),
    path("restrictions/<str:restriction>/", views.restriction_detail, name="restriction-detail"),
    path("scans/", views.scan_list, name="scan-list"),
    path("scans/start/", views.scan_start, name="scan-start"),
    path("scans/start-filtered/", views.scan_filtered, name="scan-filtered"),
    path("scans/reassess/", views.scan_reassess, name="scan-reassess"),
    path("scans/reassess-outdated/", views.scan_reassess_outdated, name="scan-reassess-outdated"),
    path("scans/<int:pk>/", views.scan_detail, name="scan-detail"),
    path("scans/<int:pk>/progress/", views.scan_progress_partial, name="scan-progress"),
    path("scans/<int:pk>/cancel/", views.scan_cancel, name="scan-cancel"),
    path("destinations/", views.destination_list, name="destination-list"),
    path("schedules/", views.schedule_list, name="schedule-list"),
    path("schedules/new/", views.schedule_edit, name="schedule-create"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule-edit"),
    path("collector/", views.collector_page, name="collector"),
    path("collector/<str:os_family>/", views.collector_download, name="collector-download"),
    path("captures/upload/", views.capture_upload, name="capture-upload"),
    path("export/blockers.csv", views.blockers_csv, name="export-blockers"),
    path("report/", views.readiness_report, name="report"),
]
