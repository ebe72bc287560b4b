import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.memory import parse_meminfo, parse_swaps, parse_sysctl_conf
from tests.assessments.parsers.linux.samples import out, text

SYSCTL = "linux-sysctl-conf-rhel6-mysql.txt"


def framed(name: str, body: bytes) -> bytes:
    return f"==> {name} <==\n".encode() + body


def test_it_reads_a_swap_file_with_tab_separated_columns():
    (area,) = parse_swaps(out("linux-proc-swaps-jc.txt"))
    assert (area.path, area.kind, area.size_kib, area.used_kib) == ("/swap.img", "file", 3996668, 0)


def test_it_reads_no_swap_from_the_header_alone():
    assert parse_swaps(text("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n")) == []


def test_it_decodes_octal_escapes_in_swap_paths():
    (area,) = parse_swaps(
        text("Filename Type Size Used Priority\n/var/swap\\040file file 1024 0 -2\n")
    )
    assert area.path == "/var/swap file"


def test_it_refuses_swaps_without_the_header():
    with pytest.raises(ProbeUnavailable):
        parse_swaps(text("/dev/sda2 partition 1 0 -1\n"))


def test_it_reads_meminfo_of_rhel5_without_hugepage_counts():
    info = parse_meminfo(out("linux-proc-meminfo-rhel5.txt"))
    assert info.get("SwapTotal") == 2097148 and info.get("HugePages_Total") is None


def test_it_reads_hugepage_counts():
    assert (
        parse_meminfo(out("linux-proc-meminfo-hugepages-excerpt.txt")).get("HugePages_Total") == 512
    )
    assert parse_meminfo(out("linux-proc-meminfo-jc.txt")).get("HugePages_Total") == 0


def test_it_reads_sysctl_settings_with_and_without_spaces():
    conf = parse_sysctl_conf(text(framed("/etc/sysctl.conf", out(SYSCTL).stdout).decode()))
    assert conf.files == ["/etc/sysctl.conf"]
    assert conf.last("vm.swappiness").value == "0"
    assert conf.last("net.ipv4.tcp_rmem").value == "4096 87380 8388608"
    assert conf.last("kernel.sysrq").file == "/etc/sysctl.conf"


def test_it_lets_the_last_file_win_and_normalises_keys():
    conf = parse_sysctl_conf(
        text(
            "==> /etc/sysctl.conf <==\nvm.swappiness = 60\n; comment = 1\n"
            "==> /etc/sysctl.d/99-db.conf <==\n-vm/swappiness=10\n"
        )
    )
    assert conf.last("vm.swappiness").value == "10"
    assert [s.key for s in conf.settings] == ["vm.swappiness", "vm.swappiness"]


def test_it_reads_no_sysctl_file_as_no_setting():
    assert parse_sysctl_conf(text("")).settings == []


VPP = "linux-sysctl-d-80-vpp-hugepages.txt"


def test_it_reads_the_vpp_packages_sysctl_file_without_spaces_and_its_commented_key():
    body = framed("/etc/sysctl.d/80-vpp.conf", out(VPP).stdout)
    conf = parse_sysctl_conf(text(body.decode()))
    assert [(s.key, s.value) for s in conf.settings] == [
        ("vm.nr_hugepages", "1024"),
        ("vm.max_map_count", "3096"),
        ("vm.hugetlb_shm_group", "0"),
    ]
    assert conf.files == ["/etc/sysctl.d/80-vpp.conf"]


def test_it_reads_a_real_2_6_18_era_meminfo_with_reserved_huge_pages():
    info = parse_meminfo(out("linux-proc-meminfo-2.6.18-hugepages-2048.txt"))
    assert (info.get("HugePages_Total"), info.get("HugePages_Free")) == (2048, 735)
    assert info.get("MemAvailable") is None and info.get("SwapTotal") == 2031608
