"""Enumerated values of the inventory."""

from django.db import models


class OsFamily(models.TextChoices):
    LINUX = "linux", "Linux"
    WINDOWS = "windows", "Windows"
    UNKNOWN = "unknown", "Unknown"


class CredentialKind(models.TextChoices):
    SSH_KEY = "ssh_key", "SSH private key"
    SSH_PASSWORD = "ssh_password", "SSH password"
    WINRM = "winrm", "WinRM password"


class WinrmTransport(models.TextChoices):
    NTLM = "ntlm", "NTLM"
    KERBEROS = "kerberos", "Kerberos"
    CREDSSP = "credssp", "CredSSP"
    BASIC = "basic", "Basic"


class WinrmScheme(models.TextChoices):
    HTTP = "http", "HTTP"
    HTTPS = "https", "HTTPS"


class HostKeyState(models.TextChoices):
    PENDING = "pending", "Pending approval"
    TRUSTED = "trusted", "Trusted"
    REJECTED = "rejected", "Rejected"


class WindowsVersion(models.TextChoices):
    W2003 = "2003", "Windows Server 2003"
    W2008 = "2008", "Windows Server 2008"
    W2008R2 = "2008r2", "Windows Server 2008 R2"


class NodePlatform(models.TextChoices):
    """The container platform of a destination node: the checks beyond the document judge
    against it (assessments/checks/platforms.py holds the same ids)."""

    LEGACY = "legacy", "Legacy OpenVZ / Parallels Virtuozzo Containers 4.x (2.6.18 / 2.6.32)"
    VZ7 = "vz7", "Virtuozzo 7 (3.10)"


class Architecture(models.TextChoices):
    X86 = "x86", "x86 (32-bit)"
    X64 = "x64", "x64 (64-bit)"


class Verdict(models.TextChoices):
    """The readiness of a host (design.md); `never` is a host with no scan yet."""

    NOT_READY = "not_ready", "Not ready"
    UNKNOWN = "unknown", "Readiness unknown"
    CONDITIONAL = "conditional", "Ready with conditions"
    # Extends design.md's verdicts: ready only because every blocker is waived.
    WAIVED = "waived", "Ready with conditions (waived)"
    READY = "ready", "Ready"
    NEVER = "never", "Never scanned"
