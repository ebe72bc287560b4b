import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fleet.lib.import_csv import COLUMNS
from fleet.models import Host

URL = reverse("host-import")


def upload(client, data: bytes, name: str = "hosts.csv", **extra):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})


def test_it_shows_the_form_and_the_formats(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = operator_client.get(URL)
    assert response.status_code == 200
    assert b'type="file"' in response.content
    for column in COLUMNS:
        assert f"<code>{column}</code>".encode() in response.content
    assert b"ansible_connection" in response.content


def test_a_viewer_is_refused(viewer_client) -> None:  # type: ignore[no-untyped-def]
    assert viewer_client.get(URL).status_code == 403
    assert upload(viewer_client, b"name\nh1\n").status_code == 403
    assert not Host.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_operator_imports_and_sees_the_report(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = upload(operator_client, b"name,address\nh1,10.0.0.1\n")
    assert response.status_code == 200
    assert Host.objects.get(name="h1").address == "10.0.0.1"
    assert b"1 created, 0 updated, 0 unchanged" in response.content


def test_a_dry_run_saves_nothing(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = upload(operator_client, b"name\nh1\n", dry_run="on")
    assert b"Dry run: nothing was saved" in response.content
    assert not Host.objects.exists()


def test_every_error_is_listed_with_its_line(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = upload(operator_client, b"name,port\nh1,0\nh2,x\n")
    text = response.content.decode()
    assert "2 problems: nothing was imported" in text
    assert "<td>2</td>" in text and "<td>3</td>" in text
    assert not Host.objects.exists()


def test_an_ansible_inventory_can_be_uploaded(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = upload(operator_client, b"[web]\nw1 ansible_host=10.0.0.7\n", name="hosts")
    assert b"Ansible inventory (INI)" in response.content
    assert Host.objects.get(name="w1").groups.get().name == "web"


def test_a_post_without_a_file_shows_the_form_error(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = operator_client.post(URL, {})
    assert response.status_code == 200 and b"This field is required" in response.content


def test_a_file_over_the_size_cap_is_refused_with_a_clear_message(operator_client) -> None:  # type: ignore[no-untyped-def]
    response = upload(operator_client, b"name\n" + b"h\n" * (21 * 1024 * 1024 // 2))
    assert response.status_code == 200
    assert b"The file is 21.0 MiB; an import takes at most 20 MiB: split it." in response.content
    assert not Host.objects.exists()


def test_an_alias_bomb_is_refused_on_the_page_with_its_line(operator_client) -> None:  # type: ignore[no-untyped-def]
    from tests.fleet.test_import_limits import ALIAS_BOMB

    response = upload(operator_client, ALIAS_BOMB, name="hosts.yml")
    assert b"YAML aliases expand to more than" in response.content
    assert b"<td>9</td>" in response.content
    assert not Host.objects.exists()


def test_a_binary_file_with_a_utf16_mark_is_named_not_a_text_file(operator_client) -> None:  # type: ignore[no-untyped-def]
    data = b"\xff\xfe" + "name\n".encode("utf-16-le") + b"\x0a"  # odd length: not UTF-16
    response = upload(operator_client, data)
    assert b"codec can" not in response.content
    assert b"the file is not a text CSV/YAML" in response.content
    assert b"UTF-16" in response.content and b"byte offset 12" in response.content
    assert not Host.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("name\nh1\n".encode("utf-16-le"), "line 1: the file is not a text CSV/YAML (a NUL byte"),
        (b"name\nh1\n\x89PNG", "line 3: the file is not UTF-8 (byte 0x89 at byte offset 8)"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_named_so(operator_client, data, expected) -> None:  # type: ignore[no-untyped-def]
    content = upload(operator_client, data).content.decode()
    assert expected in content and "save it as UTF-8" in content
    assert "unknown column" not in content
    assert not Host.objects.exists()
