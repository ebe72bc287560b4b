"""Forms of the readiness pages: waivers, destinations, schedules, capture upload, scans."""

import re
import zoneinfo
from decimal import Decimal
from typing import Any

from croniter import croniter
from django import forms

from assessments.checks.restrictions import RESTRICTIONS
from assessments.models import ScanSchedule, Waiver
from assessments.scanning.schedules import next_run
from fleet.models import Host, HostGroup, TargetNode, Wave

MAX_CAPTURE_BYTES = 50 * 1024 * 1024
RESTRICTION_CHOICES = [(r.id, r.name) for r in RESTRICTIONS]


class DateInput(forms.DateInput):
    input_type = "date"


def error_text(form: forms.BaseForm) -> str:
    """A form's errors as plain words for a message ("Hosts: Unknown hosts: x"), no HTML."""
    parts = []
    for field, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        parts.append(text if field == "__all__" else f"{form[field].label}: {text}")
    return " ".join(parts)


class WaiverForm(forms.ModelForm):  # type: ignore[type-arg]
    """Accept one finding (host x check): why, who owns the risk, until when."""

    check_id = forms.CharField(widget=forms.HiddenInput)
    why = forms.CharField(
        required=False, label="Why this change", help_text="Recorded in the audit trail."
    )

    class Meta:
        model = Waiver
        fields = ["reason", "owner", "expires"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 2}),
            "expires": DateInput(),
        }
        help_texts = {"expires": "Optional: the waiver stops counting after this day."}


class BulkWaiverForm(WaiverForm):
    """Waive one restriction class on many hosts: the waiver form's reason, owner and expiry
    (and their validation), for every finding of the class instead of one check."""

    # One form among the buttons of many actions: no `required` attribute, or the browser
    # would refuse every other action until a reason is typed. The view validates.
    use_required_attribute = False
    check_id = None  # type: ignore[assignment]
    why = None  # type: ignore[assignment]
    restriction = forms.ChoiceField(
        choices=[("", "— restriction class —"), *RESTRICTION_CHOICES], label="Restriction class"
    )

    field_order = ["restriction", "reason", "owner", "expires"]


# Value of the submit button -> what it does; the view maps each to assessments.scanning.bulk.
BULK_ACTIONS = {
    "rescan": "Re-scan",
    "reassess": "Re-assess",
    "destination": "Assign destination",
    "tag_add": "Add tag",
    "tag_remove": "Remove tag",
    "group_add": "Add to group",
    "group_remove": "Remove from group",
    "wave_set": "Set wave",
    "wave_clear": "Clear wave",
    "waive": "Waive",
}
# The parameter each action needs (besides the hosts); the waiver's come from BulkWaiverForm.
BULK_NEEDS = {
    "tag_add": "tag",
    "tag_remove": "tag",
    "group_add": "group",
    "group_remove": "group",
    "wave_set": "wave",
}


class BulkActionForm(forms.Form):
    """A bulk action on the hosts list's selection and its parameter (prefix `bulk`, so its
    names never clash with the filters' `group`, `tag`, `wave`, `destination`)."""

    use_required_attribute = False

    action = forms.ChoiceField(
        choices=list(BULK_ACTIONS.items()),
        error_messages={"required": "Choose an action.", "invalid_choice": "Unknown action."},
    )
    target = forms.ModelChoiceField(
        queryset=TargetNode.objects.all(),
        required=False,
        empty_label="— none —",
        label="Destination",
        error_messages={"invalid_choice": "Unknown destination."},
    )
    tag = forms.CharField(required=False, max_length=100, label="Tag")
    group = forms.ModelChoiceField(
        queryset=HostGroup.objects.all(),
        required=False,
        empty_label="— group —",
        label="Group",
        error_messages={"invalid_choice": "Unknown group."},
    )
    wave = forms.ModelChoiceField(
        queryset=Wave.objects.all(),
        required=False,
        empty_label="— wave —",
        label="Wave",
        error_messages={"invalid_choice": "Unknown wave."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = BULK_NEEDS.get(data.get("action", ""))
        if needed and not data.get(needed):
            self.add_error(needed, f"Choose a {needed} to {BULK_ACTIONS[data['action']].lower()}.")
        return data

    def label(self) -> str:
        """The action in words with its parameter: "Assign destination node-a"."""
        data = self.cleaned_data
        action = data["action"]
        if action == "destination":
            return f"Assign destination {data['target'] or '(none)'}"
        needed = BULK_NEEDS.get(action)
        return f"{BULK_ACTIONS[action]} {data[needed]}" if needed else BULK_ACTIONS[action]


class DestinationForm(forms.Form):
    """The TargetNode a host should migrate to (or none)."""

    target = forms.ModelChoiceField(
        queryset=TargetNode.objects.all(), required=False, empty_label="— none —"
    )


class HostWaveForm(forms.Form):
    """The migration wave a host belongs to (or none)."""

    wave = forms.ModelChoiceField(
        queryset=Wave.objects.all(), required=False, empty_label="— none —"
    )


class WaveForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new migration wave: its name, target date and description."""

    class Meta:
        model = Wave
        fields = ["name", "target_date", "description"]
        widgets = {
            "target_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class SelectionForm(forms.Form):
    """Which hosts a scan or schedule covers: all, some groups, some hosts by name."""

    all_hosts = forms.BooleanField(required=False, label="All hosts")
    groups = forms.ModelMultipleChoiceField(queryset=HostGroup.objects.all(), required=False)
    hosts = forms.CharField(
        required=False,
        label="Hosts",
        help_text="Host names separated by spaces or commas.",
        widget=forms.TextInput(attrs={"size": 40}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = [n for n in data.get("hosts", "").replace(",", " ").split() if n]
        known = set(Host.objects.filter(name__in=names).values_list("name", flat=True))
        if missing := [n for n in names if n not in known]:
            self.add_error("hosts", f"Unknown hosts: {', '.join(missing[:10])}")
        if not (data.get("all_hosts") or data.get("groups") or names):
            raise forms.ValidationError("Choose all hosts, some groups or some hosts.")
        data["host_names"] = names
        return data

    def error_text(self) -> str:
        return error_text(self)

    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("all_hosts"):
            return {"all": True}
        selection: dict[str, Any] = {}
        if data.get("groups"):
            selection["groups"] = [g.name for g in data["groups"]]
        if data.get("host_names"):
            selection["hosts"] = data["host_names"]
        return selection

    @classmethod
    def initial_from(cls, selection: dict[str, Any]) -> dict[str, Any]:
        return {
            "all_hosts": bool(selection.get("all")),
            "groups": HostGroup.objects.filter(name__in=selection.get("groups", [])),
            "hosts": " ".join(selection.get("hosts", [])),
        }


# The five cron fields: name, lowest and highest value (weekday 7 is Sunday, as 0).
CRON_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)


def cron_field_problem(cron: str) -> str | None:
    """The first out-of-range number of a five-field cron, named ("hour: 25 is out of range
    0-23"); None when every number is in range (names such as `mon` are left to croniter)."""
    for (name, low, high), field in zip(CRON_FIELDS, cron.split(), strict=True):
        for number in re.findall(r"(?<![/\w])\d+", field):  # not a step's divisor
            if not low <= int(number) <= high:
                return f"{name}: {number} is out of range {low}-{high}."
        for step in re.findall(r"/(\d+)", field):
            if int(step) == 0:
                return f"{name}: a step of 0 is not allowed."
    return None


def timezone_choices() -> list[tuple[str, str]]:
    """The IANA time zones this machine knows, sorted (read when a form is built)."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ScheduleForm(forms.ModelForm):  # type: ignore[type-arg]
    """A recurring scan; the selection comes from a SelectionForm beside it."""

    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial="UTC",
        label="Time zone",
        error_messages={
            "invalid_choice": "Unknown time zone %(value)s: choose one of the list (e.g. UTC, "
            "Europe/Berlin)."
        },
    )

    class Meta:
        model = ScanSchedule
        fields = ["name", "cron", "timezone", "enabled"]

    def clean_cron(self) -> str:
        cron = str(self.cleaned_data["cron"]).strip()
        if (count := len(cron.split())) != 5:
            given = f"{count} field{'s' if count != 1 else ''} given"
            raise forms.ValidationError(f"{given}; five are needed: minute hour day month weekday.")
        if problem := cron_field_problem(cron):
            raise forms.ValidationError(problem)
        if not croniter.is_valid(cron):
            raise forms.ValidationError(
                "Not a valid cron expression: minute hour day month weekday."
            )
        return cron

    def save_with(self, selection: dict[str, Any], user: Any = None) -> ScanSchedule:
        """Save with its selection (a SelectionForm's); the creator is recorded once, the
        next run computed (none while disabled)."""
        saved: ScanSchedule = self.save(commit=False)
        saved.selection = selection
        if saved.created_by_id is None and user is not None and user.is_authenticated:
            saved.created_by = user
        saved.next_run = next_run(saved) if saved.enabled else None
        saved.save()
        return saved


class CaptureUploadForm(forms.Form):
    """An offline capture (.tar.gz) collected on an air-gapped host."""

    host = forms.ModelChoiceField(queryset=Host.objects.all())
    capture = forms.FileField(
        help_text="The .tar.gz (or .tgz, .zip) written by the offline collector."
    )
    # Shown (and needed) only once the capture turned out to name another host.
    import_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_capture(self) -> Any:
        upload = self.cleaned_data["capture"]
        if upload.size > MAX_CAPTURE_BYTES:
            raise forms.ValidationError("The capture is larger than 50 MB.")
        return upload


GIB = 1024**3
MAX_FREE_GIB = 1024 * 1024  # 1 PiB: more is a typing mistake, not a node


class TargetNodeForm(forms.ModelForm):  # type: ignore[type-arg]
    """A destination node, its free space entered in GiB (stored in bytes)."""

    free_gib = forms.DecimalField(
        label="Free space (GiB)",
        required=False,
        decimal_places=3,
        help_text="Free space for containers, in GiB (e.g. 512 or 1.5). Empty: not recorded.",
    )

    class Meta:
        model = TargetNode
        fields = ["name", "address", "os_family", "windows_version", "architecture", "platform"]
        fields += ["notes"]
        labels = {"os_family": "OS family"}

    field_order = ["name", "address", "os_family", "windows_version", "architecture"]
    field_order += ["free_gib", "platform", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        free = self.instance.free_bytes
        if free is not None and "free_gib" not in self.initial:
            self.initial["free_gib"] = (Decimal(free) / GIB).quantize(Decimal("0.001")).normalize()

    def clean_free_gib(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("free_gib")
        if value is None:
            return None
        if value < 0:
            raise forms.ValidationError("Free space cannot be negative.")
        if value > MAX_FREE_GIB:
            raise forms.ValidationError(
                f"{value} GiB is more than {MAX_FREE_GIB:,} GiB (1 PiB): check the unit, "
                "the space is entered in GiB."
            )
        return value

    def save(self, commit: bool = True) -> TargetNode:
        node: TargetNode = super().save(commit=False)
        gib = self.cleaned_data.get("free_gib")
        node.free_bytes = None if gib is None else int(gib * GIB)
        if commit:
            node.save()
        return node
