"""Re-encrypt every stored secret with the newest key of FLEET_ENCRYPTION_KEY."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fleet.lib.crypto import SecretUnreadable
from fleet.models import Credential


class Command(BaseCommand):
    """`rotate_credentials`: after putting a new key first in FLEET_ENCRYPTION_KEY.

    All or nothing: if any secret cannot be decrypted with any configured key, nothing is
    changed and the credentials concerned are named (never their secrets). Once it has run,
    the old keys can be removed from FLEET_ENCRYPTION_KEY.
    """

    help = "Re-encrypt every credential secret with the first key of FLEET_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable: list[str] = []
        rotated = empty = 0
        with transaction.atomic():
            for credential in Credential.objects.select_for_update().order_by("name"):
                if not credential.secret_encrypted and not credential.passphrase_encrypted:
                    empty += 1
                    continue
                try:
                    credential.rotate_encryption()
                except SecretUnreadable:
                    unreadable.append(credential.name)
                    continue
                credential.save(update_fields=["secret_encrypted", "passphrase_encrypted"])
                rotated += 1
            if unreadable:
                transaction.set_rollback(True)
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} credential(s) cannot be decrypted with any key in "
                f"FLEET_ENCRYPTION_KEY: {', '.join(unreadable)}; nothing was changed"
            )
        self.stdout.write(
            f"re-encrypted {rotated} credential(s) with the newest key; {empty} had no secret"
        )
