"""Unpacking compressed captures in one bounded pass: stream count, output size, input fed."""

import bz2
import gzip
import io
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from assessments.captures import archives, capture_to_targz, read_capture_bytes
from assessments.captures.archives import (
    CODECS,
    FIRST_FEED_BYTES,
    HEADER_BYTES,
    LIMITS,
    CaptureError,
    Codec,
    Limits,
    decompress,
)
from assessments.facts import ProbeOutput

EMPTY_GZIP = gzip.compress(b"", mtime=0)  # one empty gzip member: 20 bytes
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def targz() -> bytes:
    probes = {"uname": ProbeOutput(stdout=b"Linux web01 2.6.32 x86_64\n")}
    return capture_to_targz("linux", "web01", probes, WHEN)


def error_of(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(CaptureError) as caught:
        read_capture_bytes(data, limits)
    return str(caught.value)


@dataclass
class Counting:
    """Wraps a codec's decompressors to count them and the input bytes they are handed."""

    codec: Codec
    decompressors: int = 0
    fed: int = 0

    def make(self) -> Any:
        self.decompressors += 1
        inner, counter = self.codec.make(), self

        class Wrapped:
            def decompress(self, data: memoryview, max_length: int) -> bytes:
                counter.fed += len(data)
                return bytes(inner.decompress(data, max_length))

            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

        return Wrapped()


def test_it_refuses_8_mb_of_empty_gzip_members_at_the_stream_cap() -> None:
    data = EMPTY_GZIP * (8 * 1024 * 1024 // len(EMPTY_GZIP))
    message = error_of(data)
    assert f"more than {LIMITS.streams} gzip streams" in message


def test_it_reads_many_streams_in_one_pass_when_the_cap_allows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counting = Counting(CODECS[0])
    monkeypatch.setattr(archives, "CODECS", [Codec("gzip", b"\x1f\x8b", counting.make)])
    count = 1024 * 1024 // len(EMPTY_GZIP)
    assert decompress(EMPTY_GZIP * count, 1000, max_streams=count) == b""
    assert counting.decompressors == count
    # Each stream is handed at most one small first slice: linear, never "the rest" again.
    assert counting.fed <= count * FIRST_FEED_BYTES


def test_it_feeds_a_big_stream_its_input_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counting = Counting(CODECS[0])
    monkeypatch.setattr(archives, "CODECS", [Codec("gzip", b"\x1f\x8b", counting.make)])
    plain = bytes(range(256)) * 40_000
    data = gzip.compress(plain, compresslevel=1)
    assert decompress(data, len(plain)) == plain
    assert counting.fed == len(data)


def test_it_still_reads_a_normal_capture_targz() -> None:
    capture = read_capture_bytes(targz())
    assert capture.hostname == "web01"
    assert capture.probes["uname"].stdout.startswith(b"Linux web01")


def test_it_reads_a_gzip_followed_by_zero_padding() -> None:
    assert read_capture_bytes(targz() + b"\0" * 4096).hostname == "web01"


def test_it_refuses_data_after_the_gzip_stream() -> None:
    assert "something else after its gzip data" in error_of(targz() + b"junk")


def test_it_refuses_a_gzip_bomb_naming_the_limit() -> None:
    limits = Limits(total_bytes=1024 * 1024, members=10)
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    message = error_of(bomb, limits)
    limit = limits.total_bytes + limits.members * HEADER_BYTES
    assert "archive bomb" in message and f"more than 1 MiB ({limit} bytes" in message


def test_it_caps_bzip2_streams_too() -> None:
    data = bz2.compress(b"") * (LIMITS.streams + 1)
    assert f"more than {LIMITS.streams} bzip2 streams" in error_of(data)


def test_it_refuses_a_stream_cut_short() -> None:
    data = gzip.compress(b"x" * 100_000)[:-20]
    assert "ends early" in error_of(data)


def test_it_refuses_an_archive_that_expands_too_many_times_under_the_total() -> None:
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as archive:
        info = tarfile.TarInfo("raw.txt")
        info.size = 20_000_000
        archive.addfile(info, io.BytesIO(b"\0" * info.size))
    message = error_of(gzip.compress(plain.getvalue()))
    assert "unpacks to more than 200 times its own size" in message


def test_it_refuses_a_zip_that_expands_too_many_times_under_the_total() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("raw.txt", b"\0" * 20_000_000)
    assert "unpacks to more than 200 times its own size" in error_of(packed.getvalue())
