from assessments.checks.kernel import BootConfiguration, KernelModules, Userland
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts, out, severities, text

VZ7 = Destination("node", "linux", platform="vz7")
ZFS = """\
zfs 3564425 6 - Live 0xffffffffc0d5f000 (POE)
spl 102412 4 zfs, Live 0xffffffffc0c74000 (OE)
"""
NO_MODULES = text("", rc=1, stderr="cat: /proc/modules: No such file or directory\n")
DENIED = text("", rc=1, stderr="cat: /proc/modules: Permission denied\n")
EL7_UNAME = "Linux h 3.10.0-1062.el7.x86_64 #1 SMP Thu Jul 18 2019 x86_64 GNU/Linux\n"
EL8 = """\
==> /etc/os-release <==
ID="rhel"
VERSION_ID="8.6"
PRETTY_NAME="Red Hat Enterprise Linux 8.6 (Ootpa)"
"""


def modules(**probes):
    return KernelModules().evaluate(facts(**probes))


def test_hypervisor_guest_modules_are_info_to_remove_after_migration():
    (finding,) = modules(proc_modules=out("linux-proc-modules-jc.txt"), kernel_tainted=text("0\n"))
    assert (finding.check, finding.severity) == ("kernel.modules", "info")
    assert "vmw_balloon" in finding.title and "remove the guest tools" in finding.title


def test_lsmod_of_a_vmware_guest_is_read_the_same_way():
    (finding,) = modules(proc_modules=out("linux-lsmod-centos7.txt"), kernel_tainted=text("0\n"))
    assert finding.severity == "info" and "vmw_vmci" in finding.title


def test_out_of_tree_modules_are_a_blocker():
    (finding,) = modules(proc_modules=text(ZFS), kernel_tainted=text("12289\n"))
    assert finding.severity == "blocker"
    assert "zfs (POE), spl (OE)" in finding.title
    assert "P (1): a proprietary module was loaded" in finding.evidence


def test_a_guest_module_tainted_as_out_of_tree_stays_info():
    line = "vboxguest 294912 2 vboxsf, Live 0xffffffffc0a00000 (OE)\n"
    assert severities(modules(proc_modules=text(line), kernel_tainted=text("12288\n"))) == ["info"]


def test_a_known_out_of_tree_module_is_a_blocker_on_kernels_without_the_o_flag():
    line = "oracleasm 46100 1 - Live 0xffffffff88a46000\n"
    assert severities(modules(proc_modules=text(line), kernel_tainted=text("0\n"))) == ["blocker"]


def test_kvm_modules_are_evidence_only():
    line = "kvm_intel 170181 0 - Live 0xc0100000\nkvm 554609 1 kvm_intel, Live 0xc0000000\n"
    (finding,) = modules(proc_modules=text(line), kernel_tainted=text("0\n"))
    assert finding.severity == "pass" and "KVM modules loaded" in finding.evidence


def test_a_taint_without_a_loaded_culprit_is_a_warning():
    line = "ext4 579979 1 - Live 0xffffffffc0800000\n"
    (finding,) = modules(proc_modules=text(line), kernel_tainted=text("4096\n"))
    assert finding.severity == "warning" and "not loaded now" in finding.title


def test_the_taint_alone_follows_the_ruling():
    def alone(value):
        return severities(modules(proc_modules=DENIED, kernel_tainted=text(value)))

    assert (alone("4097\n"), alone("512\n"), alone("0\n")) == (["warning"], ["info"], ["pass"])


def test_a_kernel_without_modules_passes():
    (finding,) = modules(proc_modules=NO_MODULES, kernel_tainted=text("0\n"))
    assert finding.severity == "pass" and "no loadable modules" in finding.evidence


def test_an_older_capture_without_the_module_probes_is_unknown():
    assert severities(modules()) == ["unknown"]


def boot(cmdline, config=""):
    (finding,) = BootConfiguration().evaluate(
        facts(proc_cmdline=text(cmdline), modules_config=text(config))
    )
    return finding


def test_an_installers_command_line_passes():
    finding = boot(
        "BOOT_IMAGE=/vmlinuz-3.10.0 root=/dev/mapper/vg-root ro crashkernel=auto "
        "rd.lvm.lv=vg/root rhgb quiet LANG=en_US.UTF-8\n"
    )
    assert (finding.check, finding.severity) == ("kernel.boot_config", "pass")


def test_custom_parameters_and_module_settings_are_info():
    config = "==> /etc/modprobe.d/b.conf <==\noptions bonding mode=4\n==> /etc/modules <==\n8021q\n"
    finding = boot("ro root=/dev/sda1 hugepages=512 isolcpus=2-3\n", config)
    assert finding.severity == "info"
    assert "parameters hugepages=512, isolcpus=2-3" in finding.title
    assert "modules loaded at boot 8021q" in finding.title and "bonding" in finding.title


def test_boot_settings_not_collected_are_unknown():
    (finding,) = BootConfiguration().evaluate(facts(proc_cmdline=text("ro\n")))
    assert finding.severity == "unknown"


def userland(destination=None, **probes):
    (finding,) = Userland().evaluate(facts(destination, **probes))
    return finding


def test_an_el8_userland_is_blocked_on_a_legacy_node_and_says_it_assumed_the_platform():
    finding = userland(os_release=text(EL8), uname=text(EL7_UNAME))
    assert (finding.check, finding.severity) == ("kernel.userland", "blocker")
    assert "glibc 2.28 runs on Linux 3.2 or newer" in finding.evidence
    assert "judged against the strictest" in finding.evidence


def test_an_el8_userland_runs_on_virtuozzo_7():
    assert userland(VZ7, os_release=text(EL8), uname=text(EL7_UNAME)).severity == "pass"


def test_old_userlands_run_on_a_legacy_node():
    for sample in (
        "linux-distfiles-rhel77.txt",
        "linux-distfiles-debian79.txt",
        "linux-distfiles-sles113.txt",
        "linux-distfiles-ubuntu1004.txt",
    ):
        assert userland(os_release=out(sample), uname=text(EL7_UNAME)).severity == "pass", sample


def test_an_unknown_distribution_on_an_old_kernel_passes_by_its_kernel():
    release = text("==> /etc/os-release <==\nID=gentoo\n")
    uname = text("Linux h 2.6.32-5-amd64 #1 SMP x86_64 GNU/Linux\n")
    finding = userland(os_release=release, uname=uname)
    assert finding.severity == "pass" and "no newer than the node's" in finding.evidence


def test_an_unknown_distribution_on_a_newer_kernel_is_a_warning():
    finding = userland(
        os_release=text("==> /etc/os-release <==\nID=gentoo\n"), uname=text(EL7_UNAME)
    )
    assert finding.severity == "warning"


def test_no_release_and_no_uname_is_unknown():
    assert userland().severity == "unknown"


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------

MODULES = "linux-proc-modules-collection.txt"


def test_a_real_2_6_nvidia_driver_without_taint_flags_is_a_blocker_by_its_name():
    (finding,) = modules(proc_modules=out(MODULES, 0), kernel_tainted=text("1\n"))
    assert finding.severity == "blocker" and finding.title.endswith(": nvidia")


def test_real_vmware_workstation_host_modules_are_a_blocker_not_guest_tools():
    (finding,) = modules(proc_modules=out(MODULES, 1), kernel_tainted=text("1\n"))
    assert finding.severity == "blocker" and "vmnet (P), vmmon (P)" in finding.title


def test_real_nvidia_and_virtualbox_host_modules_are_a_blocker_with_kvm_as_evidence():
    (finding,) = modules(proc_modules=out(MODULES, 2), kernel_tainted=text("12289\n"))
    assert finding.severity == "blocker"
    for name in ("vboxdrv (OE)", "nvidia_uvm (OE)", "nvidia (POE)"):
        assert name in finding.title
    assert "KVM modules loaded" in finding.evidence and "aufs" not in finding.title


def test_a_real_parallels_guests_tainted_modules_are_info_only():
    probes = {
        "proc_modules": out("linux-proc-modules-ubuntu2004-parallels-guest.txt"),
        "kernel_tainted": text("12289\n"),
    }
    (finding,) = modules(**probes)
    assert finding.severity == "info" and "prl_tg (POE)" in finding.title
    assert "virtio_net" in finding.title


def test_real_lsmod_lines_of_a_drbd_module_are_a_blocker_on_old_and_new_kernels():
    for block in range(4):
        probes = {"proc_modules": out("linux-lsmod-drbd-collection.txt", block)}
        (finding,) = modules(**probes, kernel_tainted=text("0\n"))
        assert finding.severity == "blocker" and "drbd" in finding.title, block


def test_real_old_kernels_without_a_release_file_run_on_a_legacy_node():
    no_release = text("", rc=1, stderr="cat: /etc/os-release: No such file or directory\n")
    for block in range(4):
        uname = out("linux-uname-a-old-kernels-collection.txt", block)
        finding = userland(os_release=no_release, uname=uname)
        assert finding.severity == "pass", block


def test_a_rhel_technology_preview_driver_tainted_x_alone_is_in_tree():
    # Rocky 8.9: RHEL kernels mark tech-preview drivers (nvme_tcp) with the auxiliary taint X;
    # SUSE uses X for externally supported KMPs, which are out-of-tree and flagged O as well.
    findings = modules(
        proc_modules=out("linux-proc-modules-rocky89-nvme-tcp-techpreview.txt"),
        kernel_tainted=text("65536\n"),
    )
    assert severities(findings) == ["info"]  # only the virtio guest modules
    assert all("nvme_tcp" not in f.title for f in findings)


def test_a_sles_taint_with_bit_31_names_its_letters():
    (finding,) = modules(
        proc_modules=DENIED, kernel_tainted=out("linux-kernel-tainted-sles-bit31.txt")
    )
    assert finding.severity == "warning"
    assert "N (2147483648): SUSE: an unsupported module was loaded" in finding.evidence


def test_a_real_redacted_xen_guest_uname_is_judged_by_its_kernel():
    release = text("==> /etc/os-release <==\nID=gentoo\n")
    uname = out("linux-uname-a-openvz-xen-rt-collection.txt", 4)
    finding = userland(os_release=release, uname=uname)
    assert finding.severity == "pass"
    assert "running kernel: 2.6.18-92.1.22.el5xen" in finding.evidence


def test_a_taint_with_an_lsmod_listing_does_not_claim_the_module_is_gone():
    # lsmod shows no taint flags: the culprit may well be loaded
    (finding,) = modules(
        proc_modules=out("linux-lsmod-rhel7-libvirt-ebtables.txt"), kernel_tainted=text("4096\n")
    )
    assert finding.severity == "warning"
    assert "not loaded now" not in finding.title
    assert "the module list shows no taint flags (lsmod" in finding.title


def test_vendor_network_and_cache_drivers_in_a_real_lsmod_are_blockers_by_name():
    # Synology DSM: Realtek's out-of-tree r8168 and flashcache, listed by lsmod without flags
    findings = modules(
        proc_modules=out("linux-lsmod-synology-dsm-lio-ipvs-docker.txt"), kernel_tainted=DENIED
    )
    assert severities(findings) == ["blocker"]
    assert "r8168" in findings[0].title and "flashcache" in findings[0].title
