import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from fleet.models import Credential, Host
from tests.fleet.builders import make_credential

pytestmark = pytest.mark.django_db
PLAINTEXT = "cmd-line-S3cret-value"


class Pipe(io.StringIO):
    """Standard input that is not a terminal."""

    def isatty(self) -> bool:
        return False


def run(name: str, *args: str, stdin: str = "", monkeypatch=None) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def piped(monkeypatch):  # type: ignore[no-untyped-def]
    def give(text: str) -> None:
        monkeypatch.setattr("sys.stdin", Pipe(text + "\n"))

    return give


def test_import_hosts_imports_a_file(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.csv"
    inventory.write_text("name,address\nh1,10.0.0.1\n")
    output = run("import_hosts", str(inventory))
    assert "1 created" in output and Host.objects.get().address == "10.0.0.1"


def test_import_hosts_dry_run_changes_nothing(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts"
    inventory.write_text("[web]\nh1\n")
    assert "dry run" in run("import_hosts", str(inventory), "--dry-run")
    assert not Host.objects.exists()


def test_import_hosts_fails_on_a_bad_file_with_every_error(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.csv"
    inventory.write_text("name,port\nh1,0\nh2,70000\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_hosts", str(inventory), stdout=io.StringIO(), stderr=errors)
    assert "line 2" in errors.getvalue() and "line 3" in errors.getvalue()
    assert not Host.objects.exists()


def test_import_hosts_names_a_missing_file() -> None:
    with pytest.raises(CommandError, match="cannot read /nonexistent"):
        run("import_hosts", "/nonexistent")


def test_add_credential_reads_the_password_from_stdin(piped) -> None:  # type: ignore[no-untyped-def]
    piped(PLAINTEXT)
    output = run(
        "add_credential",
        "win",
        "--kind",
        "winrm",
        "--username",
        "Administrator",
        "--transport",
        "kerberos",
        "--no-verify-cert",
    )
    credential = Credential.objects.get(name="win")
    assert credential.secret() == PLAINTEXT and PLAINTEXT not in output
    assert (credential.winrm_transport, credential.validate_certificate) == ("kerberos", False)


def test_add_credential_stores_no_plaintext(piped) -> None:  # type: ignore[no-untyped-def]
    piped(PLAINTEXT)
    run("add_credential", "c", "--kind", "ssh_password", "--username", "root")
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM fleet_credential")
        assert PLAINTEXT not in cursor.fetchone()[0]


def test_add_credential_updates_and_keeps_the_secret_when_none_is_given(piped) -> None:  # type: ignore[no-untyped-def]
    make_credential("c", secret=PLAINTEXT)
    piped("")
    assert "updated" in run("add_credential", "c", "--kind", "ssh_password", "--username", "admin")
    credential = Credential.objects.get()
    assert (credential.username, credential.secret()) == ("admin", PLAINTEXT)


def test_add_credential_requires_a_password_for_a_new_one(piped) -> None:  # type: ignore[no-untyped-def]
    piped("")
    with pytest.raises(CommandError, match="password is required"):
        run("add_credential", "c", "--kind", "ssh_password", "--username", "root")


def test_add_credential_checks_the_key_file(piped, tmp_path: Path, ed25519_pem: str) -> None:  # type: ignore[no-untyped-def]
    good, bad = tmp_path / "id_ed25519", tmp_path / "not_a_key"
    good.write_text(ed25519_pem)
    bad.write_text("hello")
    piped("")
    run("add_credential", "k", "--kind", "ssh_key", "--username", "root", "--key-file", str(good))
    assert Credential.objects.get().secret() == ed25519_pem
    with pytest.raises(CommandError, match="not a private key"):
        run(
            "add_credential",
            "k2",
            "--kind",
            "ssh_key",
            "--username",
            "root",
            "--key-file",
            str(bad),
        )


def test_add_credential_without_a_key_file_leaves_login_to_the_agent(piped) -> None:  # type: ignore[no-untyped-def]
    output = run("add_credential", "agent", "--kind", "ssh_key", "--username", "root")
    assert "SSH agent" in output and not Credential.objects.get().has_secret


def test_add_credential_takes_the_passphrase_from_stdin(
    piped, tmp_path: Path, encrypted_rsa_pem: str
) -> None:  # type: ignore[no-untyped-def]
    key = tmp_path / "id_rsa"
    key.write_text(encrypted_rsa_pem)
    piped("correct horse")
    run("add_credential", "k", "--kind", "ssh_key", "--username", "root", "--key-file", str(key))
    assert Credential.objects.get().passphrase() == "correct horse"


def test_add_credential_has_no_secret_option() -> None:
    with pytest.raises(CommandError):
        call_command("add_credential", "c", "--kind", "winrm", "--username", "u", "--password", "x")


def test_rotate_credentials_reencrypts_with_the_newest_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FLEET_ENCRYPTION_KEYS=[old]):
        make_credential("a", secret=PLAINTEXT)
        make_credential("b", secret="")
    with override_settings(FLEET_ENCRYPTION_KEYS=[new, old]):
        assert "re-encrypted 1 credential(s)" in run("rotate_credentials")
    with override_settings(FLEET_ENCRYPTION_KEYS=[new]):
        assert Credential.objects.get(name="a").secret() == PLAINTEXT


def test_rotate_credentials_fails_clearly_and_changes_nothing() -> None:
    make_credential("lost", secret=PLAINTEXT)
    before = Credential.objects.get().secret_encrypted
    with override_settings(FLEET_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(CommandError, match=r"cannot be decrypted.*lost") as error:
            run("rotate_credentials")
    assert PLAINTEXT not in str(error.value)
    assert Credential.objects.get().secret_encrypted == before


def test_create_login_gives_exactly_one_role(piped) -> None:  # type: ignore[no-untyped-def]
    piped("a-long-Passphrase-42")
    run("create_login", "ops", "--role", "operator")
    piped("")
    run("create_login", "ops", "--role", "admin")
    user = User.objects.get(username="ops")
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]
    assert user.is_staff and user.check_password("a-long-Passphrase-42")


def test_create_login_refuses_a_weak_password(piped) -> None:  # type: ignore[no-untyped-def]
    piped("123")
    with pytest.raises(CommandError, match="too short"):
        run("create_login", "v", "--role", "viewer")
    assert not User.objects.filter(username="v").exists()


def ansible_tree(root: Path) -> Path:
    (root / "group_vars" / "windows").mkdir(parents=True)
    (root / "host_vars").mkdir()
    (root / "hosts").write_text("[linux]\nl1\n[windows]\nw1\n")
    (root / "group_vars" / "all.yml").write_text("ansible_user: deploy\nansible_port: 2200\n")
    (root / "group_vars" / "windows" / "conn.yml").write_text("ansible_connection: winrm\n")
    (root / "group_vars" / "windows" / "vault.yml").write_text("$ANSIBLE_VAULT;1.1;AES256\n6162\n")
    (root / "host_vars" / "l1.yaml").write_text("ansible_host: 10.0.0.9\n")
    return root


def test_import_hosts_reads_group_vars_and_host_vars_beside_the_inventory(tmp_path: Path) -> None:
    make_credential("deploy", username="deploy")
    run("import_hosts", str(ansible_tree(tmp_path) / "hosts"))
    linux, windows = Host.objects.get(name="l1"), Host.objects.get(name="w1")
    assert (linux.address, linux.port, linux.credential.name) == ("10.0.0.9", 2200, "deploy")
    assert (windows.os_family, windows.winrm_port) == ("windows", 2200)


def test_import_hosts_takes_an_inventory_directory(tmp_path: Path) -> None:
    run("import_hosts", str(ansible_tree(tmp_path)))
    assert Host.objects.get(name="w1").os_family == "windows"


def test_a_directory_with_several_inventories_is_refused(tmp_path: Path) -> None:
    ansible_tree(tmp_path)
    (tmp_path / "staging").write_text("[web]\ns1\n")
    with pytest.raises(CommandError, match=r"exactly one inventory file.*hosts, staging"):
        run("import_hosts", str(tmp_path))


def test_a_broken_group_vars_file_is_named(tmp_path: Path) -> None:
    ansible_tree(tmp_path)
    (tmp_path / "group_vars" / "linux.yml").write_text("ansible_user: [oops\n")
    with pytest.raises(CommandError, match=r"group_vars/linux.yml line \d: unparsable YAML"):
        run("import_hosts", str(tmp_path / "hosts"))
    assert not Host.objects.exists()


def test_group_vars_files_win_over_the_inventorys_group_vars(tmp_path: Path) -> None:
    ansible_tree(tmp_path)
    (tmp_path / "hosts").write_text("[linux]\nl1\n[linux:vars]\nansible_port=2222\n")
    run("import_hosts", str(tmp_path / "hosts"))
    assert Host.objects.get(name="l1").port == 2200
