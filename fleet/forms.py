"""Forms of the inventory pages and the credential admin."""

from typing import Any

from django import forms

from fleet.choices import CredentialKind
from fleet.lib.credentials import KeyProblem, load_private_key
from fleet.lib.import_limits import MAX_IMPORT_BYTES
from fleet.lib.imports import FORMATS, too_big
from fleet.models import Credential

SECRET_FIELDS = ("password", "private_key", "passphrase")


class ImportForm(forms.Form):
    """Upload of a CSV file or an Ansible inventory."""

    file = forms.FileField(help_text="CSV, Ansible INI or Ansible YAML inventory.")
    format = forms.ChoiceField(
        choices=[("", "Detect from the name and content"), *FORMATS.items()], required=False
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: show what would change, change nothing"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            message = too_big(upload.size)
            raise forms.ValidationError(message[0].upper() + message[1:] + ".")
        return upload


class WriteOnlyTextarea(forms.Textarea):
    """A textarea that never renders a value, not even the one just submitted."""

    def format_value(self, value: Any) -> None:
        return None


class CredentialAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Secrets are write-only: never pre-filled, and an empty field keeps the stored one."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="SSH or WinRM password. Leave empty to keep the stored one.",
    )
    private_key = forms.CharField(
        required=False,
        widget=WriteOnlyTextarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "SSH private key (OpenSSH or PEM). Never shown; empty keeps the stored one. "
            "A key credential with no key uses the SSH agent of the workers."
        ),
    )
    passphrase = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Passphrase of the private key, if it has one. Empty keeps the stored one.",
    )
    clear_passphrase = forms.BooleanField(
        required=False, help_text="Remove the stored passphrase (the key is not encrypted)."
    )

    class Meta:
        model = Credential
        fields = ["name", "kind", "username", "winrm_transport", "validate_certificate"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        stored = self.instance.pk is not None and self.instance.kind == kind
        if kind == CredentialKind.SSH_KEY:
            self._check_key(data, stored)
        elif kind and not data.get("password") and not (stored and self.instance.has_secret):
            self.add_error("password", "A password is required.")
        return data

    def _check_key(self, data: dict[str, Any], stored: bool) -> None:
        key = data.get("private_key") or ""
        if not key and not (stored and self.instance.has_secret):
            return  # no key at all: the workers' SSH agent logs in
        if not key and not data.get("passphrase"):
            return
        if data.get("clear_passphrase"):
            passphrase = ""
        else:
            passphrase = data.get("passphrase") or (self.instance.passphrase() if stored else "")
        try:
            load_private_key(key or self.instance.secret(), passphrase)
        except KeyProblem as exc:
            self.add_error("private_key" if key else "passphrase", str(exc))

    def save(self, commit: bool = True) -> Credential:
        credential: Credential = super().save(commit=False)
        data = self.cleaned_data
        if credential.kind == CredentialKind.SSH_KEY:
            if data.get("private_key"):
                credential.set_secret(data["private_key"].strip() + "\n")
            if data.get("clear_passphrase"):
                credential.set_passphrase("")
            elif data.get("passphrase"):
                credential.set_passphrase(data["passphrase"])
        else:
            if data.get("password"):
                credential.set_secret(data["password"])
            credential.set_passphrase("")
        if commit:
            credential.save()
        return credential


class TokenForm(forms.Form):
    """A new API token on the user's account page."""

    name = forms.CharField(max_length=100, required=False, help_text="What the token is for.")
    expires_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Expires after (days)",
        help_text="Empty: never expires (revoke it here when it is no longer needed).",
    )
