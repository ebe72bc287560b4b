"""Uploads past MAX_UPLOAD_BYTES are dropped while read, and reach the form as a size."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fleet.models import Host
from p2c.uploads import UploadLimitHandler


def feed(handler: UploadLimitHandler, chunks: list[bytes]) -> list[bytes | None]:
    handler.new_file("file", "hosts.csv", "text/csv", None)
    out = [handler.receive_data_chunk(chunk, 0) for chunk in chunks]
    return out


def test_it_passes_a_small_upload_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAX_UPLOAD_BYTES = 1000
    handler = UploadLimitHandler()
    assert feed(handler, [b"x" * 400, b"y" * 400]) == [b"x" * 400, b"y" * 400]
    assert handler.file_complete(800) is None  # the next handler keeps the file


def test_it_drops_what_comes_past_the_limit_and_keeps_the_size(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAX_UPLOAD_BYTES = 1000
    handler = UploadLimitHandler()
    assert feed(handler, [b"x" * 800, b"y" * 800, b"z" * 800]) == [b"x" * 800, None, None]
    placeholder = handler.file_complete(800)
    assert placeholder is not None
    assert placeholder.size == 2400 and placeholder.read() == b""


def test_the_import_page_refuses_an_upload_past_the_limit_by_its_size(  # type: ignore[no-untyped-def]
    settings, client: Client, operator
) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    client.force_login(operator)
    data = b"name\n" + b"h\n" * (21 * 1024 * 1024 // 2)
    response = client.post(reverse("host-import"), {"file": SimpleUploadedFile("h.csv", data)})
    assert b"The file is 21.0 MiB; an import takes at most 20 MiB" in response.content
    assert not Host.objects.exists()
