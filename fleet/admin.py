"""Admin of the inventory, gated by role rather than by per-model permissions.

Viewers may look at the inventory, operators may change it, and only admins (or superusers)
see credentials, users and groups at all. Secrets are write-only: the encrypted columns are
never shown and the secret inputs are never pre-filled.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from fleet.forms import SECRET_FIELDS, CredentialAdminForm
from fleet.lib.roles import ADMIN, OPERATOR, VIEWER, has_role
from fleet.models import Credential, Host, HostGroup, HostKey, Tag, TargetNode, Wave

admin.site.site_header = "P2C readiness administration"
admin.site.site_title = "P2C readiness admin"
admin.site.index_title = "Inventory, credentials and users"


class RoleAdminMixin:
    """Permissions from the user's role: `view_role` to look, `change_role` to change."""

    view_role = VIEWER
    change_role = OPERATOR

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, self.view_role)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return has_role(request.user, self.view_role)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_role(request.user, self.change_role)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return has_role(request.user, self.change_role)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return has_role(request.user, self.change_role)


@admin.register(Host)
class HostAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Servers to assess."""

    list_display = [
        "name",
        "address",
        "port",
        "os_family",
        "credential",
        "target",
        "enabled",
        "verdict",
        "last_scanned",
    ]
    list_filter = ["os_family", "enabled", "verdict", "groups", "tags", "target", "use_sudo"]
    search_fields = ["name", "address", "owner", "site", "notes"]
    autocomplete_fields = ["groups", "tags", "target"]
    list_select_related = ["credential", "target"]
    readonly_fields = ["verdict", "last_scanned", "latest_scan", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "address", "port", "os_family", "enabled"]}),
        ("Inventory", {"fields": ["groups", "tags", "owner", "site", "notes", "target", "wave"]}),
        (
            "Connection",
            {
                "fields": [
                    "credential",
                    "jump_host",
                    "use_sudo",
                    "allow_legacy_ssh",
                    "winrm_scheme",
                    "winrm_port",
                    "winrm_transport",
                ]
            },
        ),
        ("Readiness", {"fields": ["verdict", "last_scanned", "latest_scan", "created", "updated"]}),
    ]


@admin.register(HostGroup)
class HostGroupAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Groups of hosts and their policies."""

    list_display = ["name", "parent", "trust_first_host_key", "allow_legacy_ssh", "created"]
    list_filter = ["trust_first_host_key", "allow_legacy_ssh"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Free-form labels."""

    list_display = ["name"]
    search_fields = ["name"]


@admin.register(TargetNode)
class TargetNodeAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Destination container servers."""

    list_display = [
        "name",
        "address",
        "os_family",
        "platform",
        "windows_version",
        "architecture",
        "free_bytes",
    ]
    list_filter = ["os_family", "windows_version", "architecture"]
    search_fields = ["name", "address", "notes"]


@admin.register(Wave)
class WaveAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "target_date"]
    search_fields = ["name"]


@admin.register(HostKey)
class HostKeyAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Pinned SSH host keys; operators approve them, as on the host page."""

    list_display = ["host", "key_type", "fingerprint", "state", "first_seen", "last_seen"]
    list_filter = ["state", "key_type"]
    search_fields = ["host__name", "fingerprint"]
    autocomplete_fields = ["host"]
    readonly_fields = ["first_seen", "last_seen", "decided_by", "decided"]
    list_select_related = ["host"]

    def save_model(self, request: HttpRequest, obj: HostKey, form: Any, change: bool) -> None:
        if "state" in form.changed_data:
            from django.utils import timezone

            obj.decided_by = request.user  # type: ignore[assignment]
            obj.decided = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Credential)
class CredentialAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Credentials: admins only; secrets can be replaced, never read back."""

    view_role = ADMIN
    change_role = ADMIN
    form = CredentialAdminForm
    list_display = ["name", "kind", "username", "winrm_transport", "secret_stored", "updated"]
    list_filter = ["kind", "winrm_transport", "validate_certificate"]
    search_fields = ["name", "username"]
    readonly_fields = ["secret_stored", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "username"]}),
        (
            "Secret (write-only)",
            {
                "fields": [
                    "secret_stored",
                    "password",
                    "private_key",
                    "passphrase",
                    "clear_passphrase",
                ]
            },
        ),
        ("WinRM", {"fields": ["winrm_transport", "validate_certificate"]}),
        ("History", {"fields": ["created", "updated"]}),
    ]

    @method_decorator(sensitive_post_parameters(*SECRET_FIELDS))
    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Error reports (DEBUG pages, mailed tracebacks) then mask what was typed.
        return super().changeform_view(request, *args, **kwargs)

    @admin.display(boolean=True, description="has secret")
    def secret_stored(self, obj: Credential) -> bool:
        return obj.has_secret


# Users and roles are an admin matter too: re-register them under the same rule.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RoleUserAdmin(RoleAdminMixin, UserAdmin):  # type: ignore[type-arg]
    """Logins; give one a role by adding it to the viewer, operator or admin group."""

    view_role = ADMIN
    change_role = ADMIN


@admin.register(Group)
class RoleGroupAdmin(RoleAdminMixin, GroupAdmin):
    """The role groups."""

    view_role = ADMIN
    change_role = ADMIN


# Login throttling (django-axes, AXES_ENABLE_ADMIN off so that these replace its own pages):
# admins see who is being counted and unlock an account or address by deleting its rows.
class _AxesRecordsAdmin(RoleAdminMixin):
    """axes' records for the admin role: read and delete only."""

    view_role = ADMIN
    change_role = ADMIN

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AccessAttempt)
class RoleAccessAttemptAdmin(_AxesRecordsAdmin, AccessAttemptAdmin):  # type: ignore[misc]
    """Failed logins still counted, per user name and address; delete rows to unlock."""


@admin.register(AccessLog)
class RoleAccessLogAdmin(_AxesRecordsAdmin, AccessLogAdmin):  # type: ignore[misc]
    """Successful logins and logouts, with their address."""
