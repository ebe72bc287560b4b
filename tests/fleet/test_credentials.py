import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from fleet.lib import crypto
from fleet.lib.credentials import KeyProblem, load_private_key
from fleet.models import Credential
from tests.fleet.builders import make_credential

pytestmark = pytest.mark.django_db
PLAINTEXT = "Tr0ub4dor&3-unique-plaintext"


def raw_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted, passphrase_encrypted FROM fleet_credential")
        return list(cursor.fetchall())


def test_the_raw_column_holds_no_plaintext() -> None:
    credential = make_credential(secret=PLAINTEXT)
    credential.set_passphrase(PLAINTEXT + "-pp")
    credential.save()
    for secret, passphrase in raw_columns():
        assert PLAINTEXT not in secret and PLAINTEXT not in passphrase
        assert secret.startswith("gAAAA")
    assert Credential.objects.get().secret() == PLAINTEXT


def test_rotation_moves_every_secret_to_the_newest_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FLEET_ENCRYPTION_KEYS=[old]):
        make_credential(secret=PLAINTEXT)
    with override_settings(FLEET_ENCRYPTION_KEYS=[new, old]):
        assert Credential.objects.get().secret() == PLAINTEXT
        for credential in Credential.objects.all():
            credential.rotate_encryption()
            credential.save()
    with override_settings(FLEET_ENCRYPTION_KEYS=[new]):
        assert Credential.objects.get().secret() == PLAINTEXT
    with override_settings(FLEET_ENCRYPTION_KEYS=[old]), pytest.raises(crypto.SecretUnreadable):
        Credential.objects.get().secret()


def test_an_unreadable_secret_names_no_secret() -> None:
    make_credential(secret=PLAINTEXT)
    with override_settings(FLEET_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(crypto.SecretUnreadable) as error:
            Credential.objects.get().secret()
    assert PLAINTEXT not in str(error.value) and "gAAAA" not in str(error.value)


def test_a_private_key_is_validated_without_being_quoted(ed25519_pem: str) -> None:
    assert load_private_key(ed25519_pem).get_name() == "ssh-ed25519"
    broken = ed25519_pem.replace("A", "B", 20)
    with pytest.raises(KeyProblem) as error:
        load_private_key(broken)
    assert broken.splitlines()[1] not in str(error.value)


def test_an_encrypted_key_needs_its_passphrase(encrypted_rsa_pem: str) -> None:
    with pytest.raises(KeyProblem, match="give its passphrase"):
        load_private_key(encrypted_rsa_pem)
    with pytest.raises(KeyProblem, match="cannot be decrypted"):
        load_private_key(encrypted_rsa_pem, "wrong")
    assert load_private_key(encrypted_rsa_pem, "correct horse").get_bits() == 1024


def test_text_that_is_not_a_key_is_refused() -> None:
    with pytest.raises(KeyProblem, match="not a private key"):
        load_private_key("hunter2")
