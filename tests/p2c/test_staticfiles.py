"""Static files: hashed and compressed after collectstatic, plain names before it."""

import json
import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware


@pytest.fixture(scope="module")
def collected(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def _hashed(root, name: str) -> str:  # type: ignore[no-untyped-def]
    paths: dict[str, str] = json.loads((root / "staticfiles.json").read_text())["paths"]
    return paths[name]


def test_without_collectstatic_names_stay_plain(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path  # no staticfiles.json there
    assert static("vendor/plotly.min.js") == "/static/vendor/plotly.min.js"


def test_collectstatic_writes_a_hashed_bundle_and_its_gzip_copy(collected) -> None:  # type: ignore[no-untyped-def]
    hashed = _hashed(collected, "vendor/plotly.min.js")
    assert re.fullmatch(r"vendor/plotly\.min\.[0-9a-f]{12}\.js", hashed)
    assert (collected / hashed).read_bytes() == (collected / "vendor/plotly.min.js").read_bytes()
    assert (collected / f"{hashed}.gz").stat().st_size < (collected / hashed).stat().st_size / 2


def test_collectstatic_writes_a_brotli_copy_smaller_than_the_gzip_one(collected) -> None:  # type: ignore[no-untyped-def]
    hashed = collected / _hashed(collected, "vendor/plotly.min.js")
    brotli = hashed.with_name(hashed.name + ".br")
    assert brotli.stat().st_size < hashed.with_name(hashed.name + ".gz").stat().st_size


def test_pages_name_the_hashed_files_once_collected(collected, settings, viewer_client) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = collected
    content = viewer_client.get(reverse("overview")).content.decode()
    assert f'/static/{_hashed(collected, "vendor/plotly.min.js")}"' in content
    assert f'/static/{_hashed(collected, "js/charts.js")}"' in content


@pytest.mark.parametrize(
    ("accepted", "encoding", "suffix"), [("gzip, br", "br", ".br"), ("gzip", "gzip", ".gz")]
)
def test_whitenoise_serves_the_hashed_bundle_compressed_and_cached_for_a_year(
    collected, accepted, encoding, suffix
) -> None:  # type: ignore[no-untyped-def]
    hashed = _hashed(collected, "vendor/plotly.min.js")
    with override_settings(STATIC_ROOT=collected, WHITENOISE_USE_FINDERS=False):
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        request = RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING=accepted)
        response = middleware(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert int(response["Content-Length"]) == (collected / f"{hashed}{suffix}").stat().st_size
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
