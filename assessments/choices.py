"""Enumerated values of scans, findings and waivers."""

from django.db import models

from assessments.checks.base import Severity

# A finding's severity is the pure engine's (`assessments.checks.base.Severity`, which must
# not import Django); these are its choices for the model and the forms.
SEVERITY_CHOICES = [(s.value, s.label) for s in Severity]


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class ScanTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULE = "schedule", "Schedule"
    CAPTURE = "capture", "Offline capture"
    REASSESS = "reassess", "Re-assessment"


class HostScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Transport(models.TextChoices):
    SSH = "ssh", "SSH"
    SSH_LEGACY = "ssh_legacy", "SSH (legacy algorithms)"
    WINRM = "winrm", "WinRM"
    CAPTURE = "capture", "Offline capture"


class ErrorClass(models.TextChoices):
    """What went wrong reaching a host, in the words users need."""

    UNREACHABLE = "unreachable", "Unreachable"
    REFUSED = "refused", "Connection refused"
    TIMEOUT = "timeout", "Timed out"
    AUTH_FAILED = "auth_failed", "Authentication failed"
    HOST_KEY_UNKNOWN = "host_key_unknown", "Host key not yet approved"
    HOST_KEY_CHANGED = "host_key_changed", "Host key changed"
    INCOMPATIBLE_SSH = "incompatible_ssh", "Incompatible SSH algorithms"
    PERMISSION_DENIED = "permission_denied", "Permission denied (sudo)"
    PROTOCOL_ERROR = "protocol_error", "Protocol error"
    NO_CREDENTIAL = "no_credential", "No credential"
    LOST = "lost", "Worker lost"
    NO_CAPTURE = "no_capture", "No stored capture"
    INTERNAL = "internal", "Internal error"


class WaiverAction(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
