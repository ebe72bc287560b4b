"""What the API shows of hosts and their findings (credentials: by name only, never a secret)."""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Finding, HostScan
from fleet.models import Credential, Host, HostGroup, Tag, TargetNode, Wave
from p2c.api.fields import IdentityUrl


class NamesField(serializers.ListField):
    """Groups or tags as a list of names; a name not yet known is created on save (as the
    import does). A list view sets `<field>_names` on each host beforehand (one query of
    names for the page: `attach_names`) instead of prefetching the objects."""

    child = serializers.CharField(max_length=100)

    def get_attribute(self, instance: Any) -> Any:
        names = getattr(instance, f"{self.field_name}_names", None)
        if names is not None:
            return names
        # A detail: the prefetched rows themselves (no related manager and queryset per
        # field), else the manager.
        cached = getattr(instance, "_prefetched_objects_cache", {}).get(self.source)
        items = cached if cached is not None else getattr(instance, str(self.field_name)).all()
        return [item.name for item in items]

    def to_representation(self, data: Any) -> list[str]:
        return list(data)


def attach_names(hosts: list[Host]) -> None:
    """Set `groups_names` and `tags_names` on each host of a page: two queries of names,
    much cheaper than prefetching the groups and tags themselves."""
    ids = [host.pk for host in hosts]
    for field, name in (("groups", "hostgroup__name"), ("tags", "tag__name")):
        through = getattr(Host, field).through.objects
        names: dict[int, list[str]] = {}
        rows = through.filter(host_id__in=ids).order_by(name).values_list("host_id", name)
        for host_id, value in rows:
            names.setdefault(host_id, []).append(value)
        for host in hosts:
            setattr(host, f"{field}_names", names.get(host.pk, []))


class HostSerializer(serializers.ModelSerializer[Host]):
    """A host of the inventory as the hosts list shows it; operators create and edit it."""

    groups = NamesField(required=False)
    tags = NamesField(required=False)
    credential = serializers.SlugRelatedField(
        slug_field="name", queryset=Credential.objects.all(), allow_null=True, required=False
    )
    target = serializers.SlugRelatedField(
        slug_field="name", queryset=TargetNode.objects.all(), allow_null=True, required=False
    )
    wave = serializers.SlugRelatedField(
        slug_field="name", queryset=Wave.objects.all(), allow_null=True, required=False
    )
    blockers = serializers.IntegerField(read_only=True, required=False)
    warnings = serializers.IntegerField(read_only=True, required=False)
    url = IdentityUrl(view_name="api:host-detail")

    class Meta:
        model = Host
        fields = [
            "id",
            "url",
            "name",
            "address",
            "port",
            "os_family",
            "groups",
            "tags",
            "owner",
            "site",
            "notes",
            "enabled",
            "credential",
            "jump_host",
            "use_sudo",
            "allow_legacy_ssh",
            "winrm_scheme",
            "winrm_port",
            "winrm_transport",
            "target",
            "wave",
            "verdict",
            "blockers",
            "warnings",
            "last_scanned",
            "created",
            "updated",
        ]
        read_only_fields = ["verdict", "last_scanned", "created", "updated"]

    def create(self, validated_data: dict[str, Any]) -> Host:
        groups, tags = validated_data.pop("groups", []), validated_data.pop("tags", [])
        with transaction.atomic():
            host = super().create(validated_data)
            self._set_names(host, groups, tags)
        return host

    def update(self, instance: Host, validated_data: dict[str, Any]) -> Host:
        groups, tags = validated_data.pop("groups", None), validated_data.pop("tags", None)
        with transaction.atomic():
            host = super().update(instance, validated_data)
            self._set_names(host, groups, tags)
        return host

    @staticmethod
    def _set_names(host: Host, groups: list[str] | None, tags: list[str] | None) -> None:
        if groups is not None:
            host.groups.set([HostGroup.objects.get_or_create(name=n)[0] for n in groups])
        if tags is not None:
            host.tags.set([Tag.objects.get_or_create(name=n)[0] for n in tags])


class FindingSerializer(serializers.ModelSerializer[Finding]):
    """One finding of a host's latest scan (design.md's fields, `check` for `check_id`)."""

    check = serializers.CharField(source="check_id")
    host_name = serializers.CharField(source="host.name", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "host",
            "host_name",
            "host_scan",
            "restriction",
            "check",
            "severity",
            "title",
            "evidence",
            "remediation",
            "waived",
        ]
        read_only_fields = fields


class LatestScanSerializer(serializers.ModelSerializer[HostScan]):
    """The host's latest result: how the scan went and what it judged."""

    class Meta:
        model = HostScan
        fields = [
            "id",
            "scan",
            "status",
            "verdict",
            "ruleset",
            "transport",
            "os_family",
            "os_name",
            "os_version",
            "architecture",
            "error_class",
            "error_detail",
            "started",
            "finished",
        ]
        read_only_fields = fields


class HostDetailSerializer(HostSerializer):
    """A host with its latest result and that result's findings."""

    latest_scan = LatestScanSerializer(read_only=True, allow_null=True)
    findings = serializers.SerializerMethodField()

    class Meta(HostSerializer.Meta):
        fields = [*HostSerializer.Meta.fields, "latest_scan", "findings"]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, host: Host) -> list[dict[str, Any]]:
        if host.latest_scan_id is None:
            return []
        findings = Finding.objects.filter(host_scan_id=host.latest_scan_id).select_related("host")
        return FindingSerializer(findings.order_by("restriction", "check_id"), many=True).data  # type: ignore[return-value]
