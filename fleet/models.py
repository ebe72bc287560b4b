"""The inventory: servers to assess, how to reach them, and where they could go."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.urls import reverse

from fleet.choices import (
    Architecture,
    CredentialKind,
    HostKeyState,
    NodePlatform,
    OsFamily,
    Verdict,
    WindowsVersion,
    WinrmScheme,
    WinrmTransport,
)
from fleet.lib import crypto


class HostGroup(models.Model):
    """A named set of hosts (from an Ansible group, a CSV `groups` column, or made by hand).

    Group policies apply to every member: trusting a host key on first contact and allowing
    legacy SSH algorithms.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    trust_first_host_key = models.BooleanField(
        default=False,
        help_text="Trust a member's SSH host key on first contact instead of pending.",
    )
    allow_legacy_ssh = models.BooleanField(
        default=False, help_text="Members may be scanned with SHA-1 key exchange and ssh-rsa keys."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free-form label on hosts."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A migration wave: a named set of hosts with a target date (a host is in at most one)."""

    name = models.CharField(max_length=200, unique=True)
    target_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """How to log in: SSH password, SSH private key (+ passphrase) or WinRM password.

    Secrets are encrypted at rest with Fernet and only ever leave this model through
    `secret()` and `passphrase()`, which collectors call right before they connect.
    """

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    username = models.CharField(max_length=200)
    secret_encrypted = models.TextField(blank=True, editable=False)
    passphrase_encrypted = models.TextField(blank=True, editable=False)
    winrm_transport = models.CharField(
        max_length=20, choices=WinrmTransport.choices, default=WinrmTransport.NTLM
    )
    validate_certificate = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, {self.username})"

    def set_secret(self, plaintext: str) -> None:
        self.secret_encrypted = crypto.encrypt(plaintext)

    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    def set_passphrase(self, plaintext: str) -> None:
        self.passphrase_encrypted = crypto.encrypt(plaintext)

    def passphrase(self) -> str:
        return crypto.decrypt(self.passphrase_encrypted)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def rotate_encryption(self) -> None:
        self.secret_encrypted = crypto.rotate(self.secret_encrypted)
        self.passphrase_encrypted = crypto.rotate(self.passphrase_encrypted)


class TargetNode(models.Model):
    """A destination Parallels/Virtuozzo server that containers would run on."""

    name = models.CharField(max_length=200, unique=True)
    address = models.CharField(max_length=255, blank=True)
    os_family = models.CharField(max_length=10, choices=OsFamily.choices, default=OsFamily.LINUX)
    windows_version = models.CharField(max_length=10, choices=WindowsVersion.choices, blank=True)
    architecture = models.CharField(max_length=5, choices=Architecture.choices, default="x64")
    free_bytes = models.BigIntegerField(
        null=True, blank=True, help_text="Free space for containers, in bytes."
    )
    platform = models.CharField(
        max_length=10,
        choices=NodePlatform.choices,
        blank=True,
        help_text="Empty: unknown, and the checks beyond the document judge against the "
        "strictest platform (legacy OpenVZ / PVC 4.x).",
    )
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The ORM's `.exclude(latest_scan__finished__gt=finished)`, without its join and subquery:
# as SQL text, because a fleet scan saves thousands of results (bench/save_path.py), and
# building the queryset cost the worker 1.0-1.4 ms of CPU against 0.1-0.8 ms for the text.
MAKE_LATEST = """
UPDATE fleet_host SET verdict = %s, latest_scan_id = %s, last_scanned = %s
WHERE id = %s AND NOT EXISTS (
    SELECT 1 FROM assessments_hostscan AS latest
    WHERE latest.id = fleet_host.latest_scan_id AND latest.finished > %s
)
"""


# The groups' policies of SSH hosts, which the SSH collector reads for every host it scans:
# the ORM took 0.9 ms of worker CPU to build this query, the text 0.15 ms.
SSH_POLICIES = """
SELECT h.id, h.allow_legacy_ssh, g.trust_first_host_key, g.allow_legacy_ssh
FROM fleet_host AS h
LEFT JOIN fleet_host_groups AS member ON member.host_id = h.id
LEFT JOIN fleet_hostgroup AS g ON g.id = member.hostgroup_id
WHERE h.id IN ({ids})
"""


@dataclass(frozen=True)
class SshPolicy:
    """What scanning one host over SSH may do, from the host and all its groups."""

    trust_first_host_key: bool = False  # any of its groups trusts a key on first contact
    allow_legacy_ssh: bool = False  # the host or any of its groups allows SHA-1 algorithms


class HostManager(models.Manager["Host"]):
    def ssh_policies(self, host_ids: Iterable[int]) -> dict[int, SshPolicy]:
        """The SSH policy of each of these hosts (that exist), in one query."""
        ids = list(host_ids)
        if not ids:
            return {}
        flags: dict[int, tuple[bool, bool]] = {}
        with connection.cursor() as cursor:
            cursor.execute(SSH_POLICIES.format(ids=", ".join(["%s"] * len(ids))), ids)
            for host_id, host_legacy, group_trust, group_legacy in cursor.fetchall():
                trust, legacy = flags.get(host_id, (False, bool(host_legacy)))
                flags[host_id] = (trust or bool(group_trust), legacy or bool(group_legacy))
        return {host_id: SshPolicy(*pair) for host_id, pair in flags.items()}

    def make_latest(
        self,
        host_id: int,
        host_scan_id: int,
        verdict: str,
        finished: datetime,
        *,
        replacing: int | None = None,
    ) -> bool:
        """The host takes this result (its verdict, and `finished` as its last scan date)
        unless a result of it that finished later is stored already, so a scan that ends
        late never hides a newer one. With `replacing` (a re-assessment of that HostScan), only
        while that HostScan is still the host's latest. False when the host kept its result.
        """
        if replacing is not None:
            values = {"verdict": verdict, "latest_scan_id": host_scan_id, "last_scanned": finished}
            return bool(self.filter(pk=host_id, latest_scan_id=replacing).update(**values))
        when = _db_value(Host, "last_scanned", finished)
        with connection.cursor() as cursor:
            cursor.execute(MAKE_LATEST, [verdict, host_scan_id, when, host_id, when])
            return bool(cursor.rowcount)


class Host(models.Model):
    """A physical server to assess for migration into a container."""

    name = models.CharField(max_length=255, unique=True)
    address = models.CharField(max_length=255)
    port = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: 22 for SSH, 5985/5986 then 80/443 for WinRM."
    )
    os_family = models.CharField(max_length=10, choices=OsFamily.choices, default=OsFamily.UNKNOWN)
    groups = models.ManyToManyField(HostGroup, blank=True, related_name="hosts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="hosts")
    owner = models.CharField(max_length=200, blank=True)
    site = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosts"
    )
    jump_host = models.CharField(
        max_length=255, blank=True, help_text="SSH bastion as [user@]host[:port]."
    )
    use_sudo = models.BooleanField(default=False)
    allow_legacy_ssh = models.BooleanField(default=False)
    winrm_scheme = models.CharField(
        max_length=5, choices=WinrmScheme.choices, default=WinrmScheme.HTTP
    )
    winrm_port = models.PositiveIntegerField(null=True, blank=True)
    winrm_transport = models.CharField(
        max_length=20,
        choices=WinrmTransport.choices,
        blank=True,
        help_text="Empty: the credential's transport.",
    )
    target = models.ForeignKey(
        TargetNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosts"
    )
    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosts"
    )
    # Denormalised from the latest finished HostScan (and waivers), for fast fleet pages.
    verdict = models.CharField(
        max_length=12, choices=Verdict.choices, default=Verdict.NEVER, db_index=True
    )
    last_scanned = models.DateTimeField(null=True, blank=True, db_index=True)
    latest_scan = models.ForeignKey(
        "assessments.HostScan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = HostManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("host-detail", args=[self.pk])

    def ssh_policy(self) -> SshPolicy:
        return Host.objects.ssh_policies([self.pk])[self.pk]

    def legacy_ssh_allowed(self) -> bool:
        return self.ssh_policy().allow_legacy_ssh

    def trusts_first_host_key(self) -> bool:
        return self.ssh_policy().trust_first_host_key


class HostKey(models.Model):
    """An SSH host key seen for a host; only a trusted key lets a scan proceed."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="host_keys")
    key_type = models.CharField(max_length=50)
    fingerprint = models.CharField(max_length=100, help_text="SHA256:base64, as OpenSSH shows it.")
    public_key = models.TextField(help_text="Base64 of the key blob.")
    state = models.CharField(
        max_length=10, choices=HostKeyState.choices, default=HostKeyState.PENDING
    )
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    # Key history: set on a trusted key when an approved key of the same type replaced it.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    replacement_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["host__name", "-first_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["host", "key_type", "public_key"], name="hostkey_unique_per_host"
            )
        ]

    def __str__(self) -> str:
        return f"{self.host} {self.key_type} {self.fingerprint} ({self.state})"


def _db_value(model: type[models.Model], name: str, value: object) -> Any:
    """`value` as the ORM would send it for that field (SQLite stores dates and datetimes as
    text in the ORM's own format; PostgreSQL takes them as they are)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection)


class ApiToken(models.Model):
    """A user's key to the REST API (docs/api.md), stored as a SHA-256 digest.

    The key is 32 random bytes, so a fast digest is enough: there is nothing to guess. It is
    shown once, when it is made; afterwards only its `prefix` (which finds the row) is shown.
    A revoked or expired token authenticates nobody; it stays listed for the audit trail.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    prefix = models.CharField(max_length=16, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_active(self, now: datetime) -> bool:
        return self.revoked is None and (self.expires is None or self.expires > now)

    def status(self, now: datetime) -> str:
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= now:
            return "expired"
        return "active"
