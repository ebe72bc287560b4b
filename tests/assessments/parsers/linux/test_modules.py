import pytest

from assessments.facts import Absent, ProbeUnavailable
from assessments.parsers.linux.modules import (
    parse_modules_config,
    parse_proc_modules,
    parse_tainted,
)
from tests.assessments.parsers.linux.samples import judged, out, text

NO_MODULES = text("", rc=1, stderr="cat: /proc/modules: No such file or directory\n")


def test_it_reads_proc_modules():
    modules = parse_proc_modules(out("linux-proc-modules-jc.txt"))
    assert len(modules) == 92
    assert (modules[0].name, modules[0].size, modules[0].flags) == ("binfmt_misc", 24576, "")


def test_it_reads_lsmod_output_too():
    modules = parse_proc_modules(out("linux-lsmod-centos7.txt"))
    assert modules[0].name == "ipt_MASQUERADE" and "Module" not in {m.name for m in modules}
    assert len(modules) == 98


def test_it_reads_the_taint_flags_of_a_module():
    (module,) = parse_proc_modules(text("zfs 3564425 6 - Live 0xffffffffc0d5f000 (POE)\n"))
    assert module.flags == "POE"


def test_it_drops_the_loading_marks_from_the_flags():
    (module,) = parse_proc_modules(text("nvidia 35000 0 - Loading 0xffffffffa1000000 (PO+)\n"))
    assert module.flags == "PO"


def test_it_reads_a_32_bit_address_and_an_old_suse_flag():
    (module,) = parse_proc_modules(text("vmnet 34880 13 - Live 0xf8bd3000 (U)\n"))
    assert (module.name, module.flags) == ("vmnet", "U")


def test_an_empty_module_list_is_no_module():
    assert parse_proc_modules(text("")) == []


def test_a_kernel_without_modules_is_absent():
    assert isinstance(judged("proc_modules", NO_MODULES, parse_proc_modules), Absent)


def test_it_refuses_text_that_is_no_module_list():
    with pytest.raises(ProbeUnavailable):
        parse_proc_modules(text("cat: something odd happened here\n"))


def test_it_decodes_the_taint_bits():
    taint = parse_tainted(text("12289\n"))
    assert taint.out_of_tree
    assert taint.described() == [
        "P (1): a proprietary module was loaded",
        "O (4096): an out-of-tree module was loaded",
        "E (8192): an unsigned module was loaded",
    ]


def test_a_kernel_warning_is_no_module_taint():
    taint = parse_tainted(text("512\n"))
    assert not taint.out_of_tree and taint.described() == ["W (512): the kernel issued a warning"]


def test_it_refuses_a_taint_that_is_no_number():
    with pytest.raises(ProbeUnavailable):
        parse_tainted(text("0x200\n"))


MODULES_CONFIG = """\
==> /etc/modules <==
# /etc/modules: kernel modules to load at boot time.
loop max_loop=64
8021q
==> /etc/modules-load.d/zfs.conf <==
# Always load kernel modules at boot.
zfs
==> /etc/sysconfig/modules/bonding.modules <==
#!/bin/sh
/sbin/modprobe bonding >/dev/null 2>&1
==> /etc/modprobe.d/bonding.conf <==
alias bond0 bonding
options bonding mode=4 miimon=100
==> /etc/modprobe.d/blacklist.conf <==
blacklist pcspkr
install usb-storage /bin/true
==> /etc/sysconfig/kernel <==
INITRD_MODULES="processor thermal ata_piix"
MODULES_LOADED_ON_BOOT="ipmi_si ipmi_devintf"
"""


def test_it_lists_modules_loaded_at_boot_from_every_place():
    config = parse_modules_config(text(MODULES_CONFIG))
    assert config.loaded_at_boot() == ["loop", "8021q", "zfs", "bonding", "ipmi_si", "ipmi_devintf"]


def test_it_keeps_options_and_install_lines_but_not_aliases_or_blacklists():
    config = parse_modules_config(text(MODULES_CONFIG))
    tuned = [(s.kind, s.module) for s in config.settings if s.kind != "load"]
    assert tuned == [("options", "bonding"), ("install", "usb-storage")]


def test_no_module_configuration_is_empty():
    config = parse_modules_config(text(""))
    assert (config.settings, config.files) == ([], [])


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------

MODULES = "linux-proc-modules-collection.txt"


def test_it_reads_a_2_6_kernels_modules_where_a_proprietary_driver_carries_no_flag():
    modules = parse_proc_modules(out(MODULES, 0))
    assert [m.name for m in modules][-1] == "nvidia" and {m.flags for m in modules} == {""}


def test_it_reads_the_p_flag_before_a_trailing_blank():
    assert [(m.name, m.flags) for m in parse_proc_modules(out(MODULES, 1))] == [
        ("vmnet", "P"),
        ("vmmon", "P"),
    ]


def test_it_reads_a_double_spaced_paste_with_oe_and_poe_modules():
    modules = {m.name: m.flags for m in parse_proc_modules(out(MODULES, 2))}
    assert len(modules) == 139
    assert (modules["nvidia"], modules["nvidia_uvm"], modules["vboxdrv"]) == ("POE", "OE", "OE")


def test_it_reads_a_parallels_guests_modules_and_their_poe_flags():
    modules = parse_proc_modules(out("linux-proc-modules-ubuntu2004-parallels-guest.txt"))
    assert len(modules) == 81
    assert [m.name for m in modules if m.flags == "POE"] == [
        "prl_fs_freeze",
        "prl_fs",
        "prl_eth",
        "prl_vid",
        "prl_tg",
    ]
