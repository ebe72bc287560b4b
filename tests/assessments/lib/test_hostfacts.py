from assessments.lib.hostfacts import (
    linux_platform,
    platform_of,
    probe_texts,
    shown,
    windows_platform,
)
from assessments.parsers.text import decode
from tests.builders import make_capture
from tests.conftest import sample_bytes


def text(name):
    return decode(sample_bytes(name))


def test_it_reads_windows_2008_r2_x64_from_wmic_os():
    platform = windows_platform({"wmic_os": text("windows-wmic-os-list-2008r2-crcrlf.txt")})
    assert (platform.windows_version, platform.architecture) == ("2008r2", "x64")


def test_it_reads_windows_2003_x86_from_systeminfo():
    platform = windows_platform({"systeminfo": text("windows-systeminfo-2003sp2-x86.txt")})
    assert (platform.windows_version, platform.architecture) == ("2003", "x86")


def test_the_machine_architecture_wins_over_a_32_bit_process():
    env = "PROCESSOR_ARCHITECTURE=x86\nPROCESSOR_ARCHITEW6432=AMD64\n"
    assert windows_platform({"env": env}).architecture == "x64"


def test_it_sums_the_used_space_of_local_disks_only():
    disks = text("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt")
    used = windows_platform({"wmic_logicaldisk": disks}).used_bytes
    assert used == (42949668864 - 21440266240) + (10735316992 - 10506776576)


def test_it_sums_linux_used_space_without_tmpfs():
    df = text("linux-df-centos7.txt")
    platform = linux_platform({"df": df, "uname": "Linux h 3.10.0 x86_64 GNU/Linux"})
    assert platform.architecture == "x64"
    assert platform.used_bytes is not None and platform.used_bytes > 0
    tmpfs_used = 11832 * 1024
    assert platform.used_bytes % 1024 == 0 and platform.used_bytes != tmpfs_used


def test_it_reads_probe_files_from_a_capture_and_cuts_long_output():
    data = make_capture({"df": b"x\n" * 100, "other": b"ignored"})
    texts = probe_texts(data, ["df"])
    assert list(texts) == ["df"]
    assert shown(texts)["df"].endswith("(40 more lines)")


def test_a_broken_capture_gives_no_facts():
    assert probe_texts(b"not a tarball", ["df"]) == {}
    assert platform_of("linux", b"garbage").used_bytes is None


def test_the_windows_summary_names_the_os_and_lists_local_volumes():
    from assessments.lib.hostfacts import summary

    raw = {
        "wmic_os": sample_bytes("windows-wmic-os-list-2008r2-crcrlf.txt"),
        "wmic_logicaldisk": sample_bytes("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt"),
    }
    facts = summary("windows", raw)
    assert facts.os == "Microsoft Windows Server 2008 R2 Standard x64"
    assert [(name, size) for name, _, size, _ in facts.filesystems] == [
        ("C:", 42949668864),
        ("D:", 10735316992),
    ]
