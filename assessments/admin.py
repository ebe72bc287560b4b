"""Admin of scans, findings, waivers and schedules: mostly read-only.

Results come from scans and waivers from the host page (which records the audit trail), so
the admin shows them without letting anyone edit around `assessments.scanning.waivers`.
Schedules may be changed by operators, as on the schedules page.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from assessments.models import Capture, Finding, HostScan, Scan, ScanSchedule, Waiver, WaiverEvent
from fleet.admin import RoleAdminMixin


class ReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewers look; nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdmin):
    """Scan runs."""

    list_display = ["id", "status", "trigger", "requested_by", "created", "finished"]
    list_filter = ["status", "trigger"]
    list_select_related = ["requested_by"]


@admin.register(HostScan)
class HostScanAdmin(ReadOnlyAdmin):
    """One host in one scan."""

    list_display = ["id", "host", "scan", "status", "transport", "verdict", "error_class"]
    list_filter = ["status", "transport", "verdict", "error_class"]
    search_fields = ["host__name"]
    list_select_related = ["host", "scan"]
    raw_id_fields = ["host", "scan", "reassessed_from"]


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    """Raw captures (the archive itself is not shown)."""

    list_display = ["id", "host_scan", "hostname", "size", "collected", "created"]
    exclude = ["data"]
    raw_id_fields = ["host_scan"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    """Findings of every scan."""

    list_display = ["id", "host", "restriction", "check_id", "severity", "waived"]
    list_filter = ["severity", "restriction", "waived"]
    search_fields = ["host__name", "check_id", "title"]
    list_select_related = ["host"]
    raw_id_fields = ["host", "host_scan"]


class WaiverEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WaiverEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "user", "reason", "changes", "created"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    """Waivers with their audit trail; change them on the host page."""

    list_display = ["id", "host", "check_id", "owner", "expires", "active", "created_by"]
    list_filter = ["active", "restriction"]
    search_fields = ["host__name", "check_id", "owner", "reason"]
    list_select_related = ["host", "created_by"]
    inlines = [WaiverEventInline]


@admin.register(ScanSchedule)
class ScanScheduleAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Recurring scans (operators may change them)."""

    list_display = ["name", "cron", "timezone", "enabled", "next_run", "last_run"]
    list_filter = ["enabled"]
    readonly_fields = ["next_run", "last_run", "created_by", "created"]
