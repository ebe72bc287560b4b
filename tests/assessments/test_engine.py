"""The engine's platform facts agree with what the checks judged."""

from pathlib import Path

import pytest

from assessments import captures, engine
from assessments.checks.architecture import describe
from assessments.checks.base import Severity
from assessments.checks.windows_facts import DESTINATION_GENERATIONS
from assessments.engine import Platform, assess
from assessments.facts import Facts, ProbeOutput
from assessments.lab.profiles import profiles
from assessments.parsers.linux.df import human_kib
from tests.assessments.parsers.windows.samples import crcrlf, sample

CAPTURES = Path(__file__).parents[1] / "captures"
WINDOWS = sorted(name for name, p in profiles().items() if p.os_family == "windows")
LINUX = sorted(name for name, p in profiles().items() if p.os_family == "linux")


def assessed(name: str) -> engine.Assessment:
    profile = profiles()[name]
    return assess(Facts(profile.os_family, profile.for_host("h1"), hostname="h1"))


def finding(assessment: engine.Assessment, check_id: str):  # type: ignore[no-untyped-def]
    (found,) = [f for f in assessment.findings if f.check == check_id]
    return found


@pytest.mark.parametrize("name", WINDOWS)
def test_the_architecture_is_the_one_the_bitness_check_judged(name):
    assessment = assessed(name)
    judged = finding(assessment, "architecture.bitness")
    assert assessment.platform.architecture in ("x86", "x64")
    assert judged.title.startswith(describe(assessment.platform.architecture) + " Windows")


@pytest.mark.parametrize("name", WINDOWS)
def test_the_generation_is_the_one_the_os_version_check_judged(name):
    assessment = assessed(name)
    platform = assessment.platform
    needed = DESTINATION_GENERATIONS[platform.windows_generation]
    judged = finding(assessment, "os_version.generation")
    assert f"needs a {needed} destination node" in judged.title
    assert platform.os_name.startswith("Microsoft") and platform.os_version.count(".") == 2


@pytest.mark.parametrize("name", LINUX)
def test_the_data_size_is_the_total_the_capacity_check_measured(name):
    assessment = assessed(name)
    platform = assessment.platform
    assert platform.data_bytes is not None and platform.data_bytes % 1024 == 0
    total = f"total used: {human_kib(platform.data_bytes // 1024)}"
    assert total in finding(assessment, "filesystems.capacity").evidence
    assert platform.os_name and not platform.windows_generation and not platform.architecture


def test_the_debian6_capture_has_its_size_and_no_guessed_name():
    platform = assess(captures.read_capture(CAPTURES / "linux-debian6").facts()).platform
    assert platform == Platform("linux", data_bytes=119299916800)  # 111.1 GiB, no os_release


def test_the_windows_2003_capture_has_no_size_rather_than_zero():
    platform = assess(captures.read_capture(CAPTURES / "windows-2003").facts()).platform
    assert (platform.windows_generation, platform.architecture) == ("2003", "x86")
    assert platform.os_name == "Microsoft(R) Windows(R) Server 2003, Standard Edition"
    assert platform.os_version == "5.2.3790" and platform.data_bytes is None


def test_windows_volumes_count_local_used_space_without_the_efi_partition():
    disks = crcrlf(
        "DeviceID=C:\nDriveType=3\nFileSystem=NTFS\nFreeSpace=600\nSize=1000\n\n"
        "DeviceID=Z:\nDriveType=4\nFileSystem=NTFS\nFreeSpace=0\nSize=9000\n"
    )
    volumes = crcrlf(
        "Capacity=1000\nDriveLetter=C:\nDriveType=3\nFileSystem=NTFS\nFreeSpace=600\nName=C:\\\n\n"
        "Capacity=104857600\nDriveLetter=\nDriveType=3\nFileSystem=FAT32\nFreeSpace=1\n"
        "Label=BOOT\nName=\\\\?\\Volume{1}\\\n"
    )
    facts = Facts("windows", {"wmic_logicaldisk": disks, "wmic_volume": volumes})
    assert assess(facts).platform.data_bytes == 400


def test_a_local_volume_without_free_space_makes_the_size_unknown():
    disks = crcrlf("DeviceID=C:\nDriveType=3\nFileSystem=NTFS\nFreeSpace=\nSize=1000\n")
    assert assess(Facts("windows", {"wmic_logicaldisk": disks})).platform.data_bytes is None


def test_disagreeing_sources_leave_the_architecture_unknown_as_the_check_does():
    facts = Facts(
        "windows",
        {
            "wmic_os": sample("windows-wmic-os-list-2008r2-crcrlf.txt"),
            "wmic_cpu": sample("windows-wmic-cpu-list-2003sp2-utf16le.txt"),
        },
    )
    assessment = assess(facts)
    assert finding(assessment, "architecture.bitness").severity == Severity.UNKNOWN
    assert assessment.platform.architecture == ""


def test_an_edition_the_check_cannot_tell_has_no_generation():
    assessment = assess(Facts("windows", {"ver": sample("windows-cmd-ver-2008r2.txt")}))
    assert finding(assessment, "os_version.generation").severity == Severity.UNKNOWN
    assert assessment.platform.windows_generation == ""
    assert assessment.platform.os_version == "6.1.7601"


def test_linux_without_a_mount_table_has_no_size_as_the_capacity_check_says():
    df = b"Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 50 50 50% /\n"
    assessment = assess(Facts("linux", {"df": ProbeOutput(df)}))
    assert finding(assessment, "filesystems.capacity").severity == Severity.UNKNOWN
    assert assessment.platform.data_bytes is None


def test_a_bug_in_the_platform_facts_keeps_the_findings(monkeypatch):
    def broken(facts):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "platform", broken)
    assessment = assessed("linux_clean")
    assert assessment.platform == Platform("linux") and assessment.findings


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([("blocker", True)], "waived"),
        ([("blocker", True), ("warning", False)], "waived"),
        ([("blocker", True), ("unknown", False)], "unknown"),
        ([("blocker", True), ("blocker", False)], "not_ready"),
        ([("warning", True), ("pass", False)], "ready"),
        ([("warning", False)], "conditional"),
    ],
)
def test_a_host_whose_only_blockers_are_waived_is_ready_with_conditions_waived(pairs, expected):
    assert engine.verdict(pairs) == expected
