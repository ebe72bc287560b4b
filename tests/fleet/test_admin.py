import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from fleet.choices import CredentialKind
from fleet.models import Credential
from tests.conftest import make_user
from tests.fleet.builders import make_credential, make_host

pytestmark = pytest.mark.django_db
PLAINTEXT = "Adm1n-secret-never-shown"


def staff(role: str) -> User:
    user = make_user(role, f"staff-{role}")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def admin_staff(client):  # type: ignore[no-untyped-def]
    client.force_login(staff("admin"))
    return client


def change_url(credential: Credential) -> str:
    return reverse("admin:fleet_credential_change", args=[credential.pk])


def credential_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "c1",
        "kind": CredentialKind.SSH_PASSWORD,
        "username": "root",
        "winrm_transport": "ntlm",
        "validate_certificate": "on",
        **overrides,
    }


def test_admin_pages_never_render_the_secret(admin_staff) -> None:  # type: ignore[no-untyped-def]
    credential = make_credential(secret=PLAINTEXT)
    for url in [reverse("admin:fleet_credential_changelist"), change_url(credential)]:
        page = admin_staff.get(url).content.decode()
        assert PLAINTEXT not in page
        assert credential.secret_encrypted not in page
        assert "secret_encrypted" not in page


def test_the_list_shows_whether_a_secret_is_stored(admin_staff) -> None:  # type: ignore[no-untyped-def]
    make_credential()
    page = admin_staff.get(reverse("admin:fleet_credential_changelist")).content.decode()
    assert "has secret" in page.lower() and 'alt="True"' in page


def test_a_new_secret_is_encrypted_and_an_empty_one_keeps_it(admin_staff) -> None:  # type: ignore[no-untyped-def]
    admin_staff.post(reverse("admin:fleet_credential_add"), credential_form(password=PLAINTEXT))
    credential = Credential.objects.get(name="c1")
    assert credential.secret() == PLAINTEXT
    admin_staff.post(change_url(credential), credential_form(username="other", password=""))
    credential.refresh_from_db()
    assert (credential.username, credential.secret()) == ("other", PLAINTEXT)


def test_a_new_password_credential_needs_a_password(admin_staff) -> None:  # type: ignore[no-untyped-def]
    response = admin_staff.post(reverse("admin:fleet_credential_add"), credential_form())
    assert b"A password is required" in response.content
    assert not Credential.objects.exists()


def test_a_bad_private_key_is_refused_without_echoing_it(admin_staff) -> None:  # type: ignore[no-untyped-def]
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nZZZZnotakeyZZZZ\n-----END OPENSSH PRIVATE KEY-----"
    form = credential_form(kind=CredentialKind.SSH_KEY, private_key=key)
    response = admin_staff.post(reverse("admin:fleet_credential_add"), form)
    assert b"cannot be read" in response.content
    assert b"ZZZZnotakeyZZZZ" not in response.content
    assert not Credential.objects.exists()


def test_a_good_private_key_is_stored(admin_staff, ed25519_pem: str) -> None:  # type: ignore[no-untyped-def]
    form = credential_form(kind=CredentialKind.SSH_KEY, private_key=ed25519_pem)
    admin_staff.post(reverse("admin:fleet_credential_add"), form)
    assert Credential.objects.get().secret().strip() == ed25519_pem.strip()


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_staff_without_the_admin_role_cannot_reach_credentials(client, role: str) -> None:  # type: ignore[no-untyped-def]
    credential = make_credential(secret=PLAINTEXT)
    client.force_login(staff(role))
    assert client.get(reverse("admin:fleet_credential_changelist")).status_code == 403
    assert client.get(change_url(credential)).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "Credentials" not in index


def test_the_host_form_lists_credentials_by_name_only(client) -> None:  # type: ignore[no-untyped-def]
    make_credential(secret=PLAINTEXT)
    host = make_host()
    client.force_login(staff("operator"))
    page = client.get(reverse("admin:fleet_host_change", args=[host.pk])).content.decode()
    assert "root-pw" in page and PLAINTEXT not in page


def test_a_viewer_can_look_at_hosts_but_not_change_them(client) -> None:  # type: ignore[no-untyped-def]
    host = make_host()
    client.force_login(staff("viewer"))
    assert client.get(reverse("admin:fleet_host_changelist")).status_code == 200
    url = reverse("admin:fleet_host_change", args=[host.pk])
    assert client.post(url, {"name": "renamed", "address": "x"}).status_code == 403
    assert client.get(reverse("admin:fleet_host_add")).status_code == 403


def test_waves_are_in_the_admin_for_operators(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff("operator"))
    assert client.get(reverse("admin:fleet_wave_changelist")).status_code == 200
    assert client.get(reverse("admin:fleet_wave_add")).status_code == 200


def test_an_operator_cannot_manage_users(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff("operator"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize(
    "name", ["host", "hostgroup", "tag", "targetnode", "hostkey", "credential"]
)
def test_every_inventory_list_works_for_an_admin(admin_staff, name: str) -> None:  # type: ignore[no-untyped-def]
    make_host()
    response = admin_staff.get(reverse(f"admin:fleet_{name}_changelist") + "?q=h")
    assert response.status_code == 200


def test_the_change_history_names_fields_not_secrets(admin_staff) -> None:  # type: ignore[no-untyped-def]
    admin_staff.post(reverse("admin:fleet_credential_add"), credential_form(password=PLAINTEXT))
    credential = Credential.objects.get()
    admin_staff.post(change_url(credential), credential_form(password=PLAINTEXT + "2"))
    url = reverse("admin:fleet_credential_history", args=[credential.pk])
    page = admin_staff.get(url).content.decode()
    assert "Changed Password" in page or "Changed password" in page
    assert PLAINTEXT not in page


def test_error_reports_would_mask_the_typed_secrets(admin_staff) -> None:  # type: ignore[no-untyped-def]
    from django.views.debug import SafeExceptionReporterFilter

    response = admin_staff.post(
        reverse("admin:fleet_credential_add"), credential_form(password=PLAINTEXT)
    )
    masked = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert masked["password"] != PLAINTEXT and masked["username"] == "root"


def test_the_host_list_costs_the_same_queries_for_many_hosts(
    admin_staff, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    credential = make_credential()
    for i in range(30):
        make_host(f"h{i}", credential=credential)
    with django_assert_max_num_queries(15):
        assert admin_staff.get(reverse("admin:fleet_host_changelist")).status_code == 200
