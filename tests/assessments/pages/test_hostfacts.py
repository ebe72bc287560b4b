"""The platform as the pages show it (stored with each result), and the raw outputs."""

from pathlib import Path

import pytest

from assessments.models import HostScan
from assessments.pages.hostfacts import UNFILLED, binary_size, raw_outputs, shown, shown_platform
from assessments.scanning.results import import_capture
from tests.builders import make_capture, make_host

CAPTURES = Path(__file__).parents[2] / "captures"


def result(**fields) -> HostScan:
    values = {"status": "done", "os_family": "linux", "platform_stored": True, **fields}
    return HostScan(**values)


def test_a_windows_result_shows_its_generation_architecture_and_size():
    platform = shown_platform(
        result(
            os_family="windows",
            os_name="Microsoft Windows Server 2008 R2 Standard",
            os_version="6.1.7601",
            windows_generation="2008r2",
            architecture="x64",
            data_bytes=8589934592,
        )
    )
    assert platform is not None
    assert platform.os == "Microsoft Windows Server 2008 R2 Standard (6.1.7601)"
    assert (platform.generation, platform.architecture) == (
        "Windows Server 2008 R2",
        "64-bit (x64)",
    )
    assert platform.data == "8.0 GiB"
    assert platform.short == "Windows Server 2008 R2, 64-bit (x64)"


def test_a_linux_result_shows_its_name_once_and_no_windows_facts():
    platform = shown_platform(
        result(os_name="Red Hat Enterprise Linux Server 7.7 (Maipo)", os_version="7.7")
    )
    assert platform is not None and platform.os == "Red Hat Enterprise Linux Server 7.7 (Maipo)"
    assert (platform.generation, platform.architecture, platform.data) == ("", "", "unknown")


def test_what_the_checks_could_not_tell_is_unknown_and_zero_bytes_is_zero():
    platform = shown_platform(result(os_family="windows", data_bytes=0))
    assert platform is not None
    assert (platform.os, platform.generation, platform.architecture) == ("unknown",) * 3
    assert platform.data == "0 B"


def test_a_result_stored_before_the_fields_says_to_re_assess():
    platform = shown_platform(result(platform_stored=False, os_name=""))
    assert platform is not None and not platform.stored
    assert platform.os == platform.short == UNFILLED


@pytest.mark.parametrize("status", ["failed", "queued", "running"])
def test_an_unfinished_result_shows_no_platform(status):
    assert shown_platform(result(status=status)) is None
    assert shown_platform(None) is None


@pytest.mark.django_db
def test_an_imported_capture_shows_what_its_checks_judged():
    host = make_host(name="GRANNY", os_family="windows")
    platform = shown_platform(import_capture(host, CAPTURES / "windows-2003"))
    assert platform is not None
    assert platform.os == "Microsoft(R) Windows(R) Server 2003, Standard Edition (5.2.3790)"
    assert platform.short == "Windows Server 2003, 32-bit (x86)"
    assert platform.data == "unknown"  # no volume was listed: unknown, not 0 bytes


def test_it_reads_the_shown_probes_of_a_capture_and_cuts_long_output():
    data = make_capture({"df": b"x\n" * 100, "raw": b"not shown"})
    outputs = raw_outputs(data, "linux")
    assert list(outputs) == ["df"]
    assert outputs["df"].endswith("(40 more lines)")


def test_a_broken_capture_shows_no_outputs():
    assert raw_outputs(b"not a tarball", "linux") == {}
    assert shown({"df": "a\n\nb\n"}) == {"df": "a\nb"}


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (None, "unknown"),
        (0, "0 B"),
        (1000, "1000 B"),
        (1536, "1.5 KiB"),
        (int(18.6 * 2**30), "18.6 GiB"),
    ],
)
def test_every_size_is_binary_with_one_decimal(size, text):
    assert binary_size(size) == text
