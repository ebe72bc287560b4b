from assessments.checks.memory import HugePages, KernelSettings, Swap, settable
from tests.assessments.parsers.linux.samples import facts, out, text

SYSCTL = "linux-sysctl-conf-rhel6-mysql.txt"
NO_SWAP = text("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n")


def framed(name: str, body: bytes):
    return text(f"==> {name} <==\n".encode().decode() + body.decode())


def one(check, **probes):
    (finding,) = check().evaluate(facts(**probes))
    return finding


def test_a_swap_file_is_info_and_named_for_exclusion():
    finding = one(Swap, proc_swaps=out("linux-proc-swaps-jc.txt"))
    assert (finding.check, finding.severity) == ("memory.swap", "info")
    assert "/swap.img" in finding.remediation


def test_no_swap_passes():
    assert one(Swap, proc_swaps=NO_SWAP).severity == "pass"


def test_swap_total_alone_is_info():
    finding = one(
        Swap, proc_swaps=text("", 1, "boom\n"), meminfo=out("linux-proc-meminfo-rhel5.txt")
    )
    assert finding.severity == "info" and "SwapTotal" in finding.evidence


def test_swap_without_swaps_or_meminfo_is_unknown():
    assert one(Swap).severity == "unknown"


def test_reserved_huge_pages_are_a_warning():
    finding = one(
        HugePages,
        meminfo=out("linux-proc-meminfo-hugepages-excerpt.txt"),
        sysctl_conf=text(""),
        proc_cmdline=out("linux-proc-cmdline-collection.txt", block=0),
    )
    assert (finding.check, finding.severity) == ("memory.hugepages", "warning")
    assert "kernel command line: hugepages=50" in finding.evidence


def test_vm_nr_hugepages_in_a_sysctl_file_is_a_warning():
    conf = text("==> /etc/sysctl.d/97-oracle.conf <==\nvm.nr_hugepages = 4096\n")
    finding = one(HugePages, meminfo=out("linux-proc-meminfo-jc.txt"), sysctl_conf=conf)
    assert finding.severity == "warning" and "vm.nr_hugepages = 4096" in finding.title


def test_no_huge_pages_pass_and_a_failed_probe_is_unknown():
    assert (
        one(HugePages, meminfo=out("linux-proc-meminfo-jc.txt"), sysctl_conf=text("")).severity
        == "pass"
    )
    assert one(HugePages, meminfo=out("linux-proc-meminfo-jc.txt")).severity == "unknown"


def test_tuned_vm_net_core_and_fs_settings_are_a_warning():
    finding = one(KernelSettings, sysctl_conf=framed("/etc/sysctl.conf", out(SYSCTL).stdout))
    assert (finding.check, finding.severity) == ("memory.sysctls", "warning")
    for key in ("vm.swappiness", "net.core.somaxconn", "fs.aio-max-nr"):
        assert key in finding.evidence
    assert (
        "kernel.shmmax" not in finding.evidence
        and "net.ipv4.tcp_fin_timeout" not in finding.evidence
    )


def test_only_stock_defaults_are_info():
    conf = text(
        "==> /etc/sysctl.conf <==\nkernel.sysrq = 0\nkernel.core_uses_pid = 1\n"
        "net.ipv4.ip_forward = 0\n"
    )
    assert one(KernelSettings, sysctl_conf=conf).severity == "info"


def test_namespaced_settings_pass():
    conf = text("==> /etc/sysctl.conf <==\nnet.ipv4.ip_forward = 1\nkernel.shmmax = 68719476736\n")
    assert one(KernelSettings, sysctl_conf=conf).severity == "pass"


def test_global_network_keys_are_not_settable():
    assert not settable("net.ipv4.tcp_rmem") and settable("net.ipv4.tcp_fin_timeout")
    assert not settable("kernel.panic") and settable("kernel.sem")


VPP = "linux-sysctl-d-80-vpp-hugepages.txt"


def test_the_vpp_packages_huge_pages_are_a_warning_naming_the_file():
    conf = framed("/etc/sysctl.d/80-vpp.conf", out(VPP).stdout)
    finding = one(HugePages, meminfo=out("linux-proc-meminfo-jc.txt"), sysctl_conf=conf)
    assert finding.severity == "warning" and "vm.nr_hugepages = 1024" in finding.title
    assert "/etc/sysctl.d/80-vpp.conf: vm.nr_hugepages=1024" in finding.evidence


def test_the_vpp_packages_vm_settings_cannot_be_set_in_a_container():
    finding = one(KernelSettings, sysctl_conf=framed("/etc/sysctl.d/80-vpp.conf", out(VPP).stdout))
    assert finding.severity == "warning"
    for key in ("vm.nr_hugepages", "vm.max_map_count", "vm.hugetlb_shm_group"):
        assert key in finding.title
    assert "kernel.shmmax" not in finding.title


def test_real_reserved_huge_pages_of_a_2_6_18_era_server_are_a_warning():
    meminfo = out("linux-proc-meminfo-2.6.18-hugepages-2048.txt")
    finding = one(HugePages, meminfo=meminfo, sysctl_conf=text(""))
    assert finding.severity == "warning" and finding.title.endswith("HugePages_Total 2048")
    swap = one(Swap, proc_swaps=text("", 1, "boom\n"), meminfo=meminfo)
    assert swap.severity == "info" and "SwapTotal" in swap.evidence


# -- session 20: real /proc/swaps with zram, swap files and device-mapper swap ---------------

SWAPS = "linux-proc-swaps-zram-file-dm-collection.txt"


def test_a_header_alone_is_no_swap():
    assert one(Swap, proc_swaps=out(SWAPS, 0)).severity == "pass"


def test_real_swap_partitions_zram_and_files_are_info():
    expected = {1: "/dev/dm-0", 2: "/dev/sda8", 3: "/swap/swapfile, /dev/zram0", 4: "/dev/zram0"}
    for block, areas in expected.items():
        finding = one(Swap, proc_swaps=out(SWAPS, block))
        assert finding.severity == "info" and f"({areas})" in finding.title, block
    mixed = one(Swap, proc_swaps=out(SWAPS, 3))
    assert "2 swap area(s), 31687 MiB" in mixed.title
    assert "Exclude the swap files (/swap/swapfile)" in mixed.remediation


OLD_MEMINFO = "linux-proc-meminfo-2.4-2.6-old-kernels-collection.txt"
EMPTY_SYSCTL = text("==> /etc/sysctl.conf <==\n")


def test_real_meminfo_of_2_4_and_early_2_6_kernels_has_no_huge_pages():
    for block in range(3):
        finding = one(HugePages, meminfo=out(OLD_MEMINFO, block), sysctl_conf=EMPTY_SYSCTL)
        assert finding.severity == "pass", block


def test_swap_from_the_meminfo_of_a_2_4_kernel_skips_its_byte_summary_lines():
    unreadable = text("", 1, "cat: /proc/swaps: Permission denied\n")
    finding = one(Swap, proc_swaps=unreadable, meminfo=out(OLD_MEMINFO, 0))
    assert finding.severity == "info" and "1000 MiB of swap" in finding.title
    assert "SwapTotal:     1024120 kB" in finding.evidence
    assert one(Swap, proc_swaps=unreadable, meminfo=out(OLD_MEMINFO, 2)).severity == "pass"


def test_transparent_huge_pages_in_use_are_no_reservation():
    meminfo = out("linux-proc-meminfo-rhel7-anon-hugepages-insights.txt")
    assert one(HugePages, meminfo=meminfo, sysctl_conf=EMPTY_SYSCTL).severity == "pass"


def test_real_oracle_kernel_settings_warn_about_the_node_wide_keys_only():
    for sample, keys in (
        ("linux-sysctl-conf-oracle-19c-preinstall.txt", 7),
        ("linux-sysctl-conf-oracle-10g-rhel5-excerpt.txt", 5),
    ):
        conf = framed("/etc/sysctl.conf", out(sample).stdout)
        finding = one(KernelSettings, sysctl_conf=conf)
        assert finding.severity == "warning" and finding.title.startswith(f"{keys} kernel")
        assert "fs.file-max" in finding.title and "net.core.rmem_max" in finding.title
        assert "kernel.sem" not in finding.title and "kernel.shmmax" not in finding.title
        assert "ip_local_port_range" not in finding.title
