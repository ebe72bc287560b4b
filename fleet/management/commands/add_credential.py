"""Create or update a credential; secrets come from standard input or a prompt."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fleet.choices import CredentialKind, WinrmTransport
from fleet.lib.credentials import KeyProblem, load_private_key, read_secret
from fleet.models import Credential


class Command(BaseCommand):
    """`add_credential NAME --kind K --username U [--key-file F] [--transport T]`.

    The password (ssh_password, winrm) or the key's passphrase (ssh_key) is read from
    standard input when it is not a terminal, else from a silent prompt: never from the
    command line, where every user of the machine could read it. Updating an existing
    credential with an empty secret keeps the stored one. An ssh_key credential without
    --key-file stores no key: collectors then use the SSH agent of the worker.
    """

    help = "Create or update a credential (secret from stdin or a prompt, never from argv)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, choices=CredentialKind.values)
        parser.add_argument("--username", required=True)
        parser.add_argument("--key-file", help="private key file (kind ssh_key)")
        parser.add_argument("--transport", choices=WinrmTransport.values, help="WinRM transport")
        parser.add_argument(
            "--no-verify-cert",
            action="store_true",
            help="WinRM over HTTPS: do not validate the server certificate",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        existing = Credential.objects.filter(name=options["name"]).first()
        credential = existing or Credential(name=options["name"])
        kind_changed = existing is not None and existing.kind != kind
        credential.kind = kind
        credential.username = options["username"]
        if options["transport"]:
            credential.winrm_transport = options["transport"]
        credential.validate_certificate = not options["no_verify_cert"]
        if kind == CredentialKind.SSH_KEY:
            self._set_key(credential, options["key_file"])
        else:
            if options["key_file"]:
                raise CommandError("--key-file is only for --kind ssh_key")
            self._set_password(credential, existing is None or kind_changed)
        with transaction.atomic():
            credential.save()
        verb = "updated" if existing else "created"
        self.stdout.write(f"credential {credential.name} {verb} ({kind}, {credential.username})")

    def _set_password(self, credential: Credential, required: bool) -> None:
        prompt = "Password (empty keeps the stored one): " if not required else "Password: "
        password = self._read(prompt, confirm=True)
        if not password and required:
            raise CommandError("a password is required (from standard input or the prompt)")
        if password:
            credential.set_secret(password)
        credential.set_passphrase("")

    def _set_key(self, credential: Credential, key_file: str | None) -> None:
        if not key_file:
            if not credential.has_secret:
                self.stdout.write(
                    "no key stored: the SSH agent of each worker (SSH_AUTH_SOCK) will be used"
                )
            return
        try:
            key_text = Path(key_file).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read the key file {key_file}: {exc}") from None
        passphrase = self._read("Key passphrase (empty for none): ", confirm=False)
        try:
            load_private_key(key_text, passphrase)
        except KeyProblem as exc:
            raise CommandError(f"{key_file}: {exc}") from None
        credential.set_secret(key_text)
        credential.set_passphrase(passphrase)

    def _read(self, prompt: str, *, confirm: bool) -> str:
        try:
            return read_secret(prompt, confirm=confirm)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except (EOFError, KeyboardInterrupt):
            raise CommandError("no secret given") from None
