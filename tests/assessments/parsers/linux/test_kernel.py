import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.kernel import (
    parse_cmdline,
    parse_distribution,
    parse_uname,
    version_of,
)
from tests.assessments.parsers.linux.samples import out, text


@pytest.mark.parametrize(
    ("sample", "family", "version"),
    [
        ("linux-distfiles-centos67.txt", "rhel", (6, 7)),
        ("linux-distfiles-rhel67.txt", "rhel", (6, 7)),
        ("linux-distfiles-rhel77.txt", "rhel", (7, 7)),
        ("linux-distfiles-virtuozzo73.txt", "rhel", (7,)),
        ("linux-distfiles-debian79.txt", "debian", (7,)),
        ("linux-distfiles-ubuntu1004.txt", "ubuntu", (10, 4)),
        ("linux-distfiles-ubuntu1204.txt", "ubuntu", (12, 4)),
        ("linux-distfiles-sles113.txt", "sles", (11,)),
        ("linux-distfiles-sles12sp1.txt", "sles", (12, 1)),
    ],
)
def test_it_tells_the_distribution_release(sample, family, version):
    distribution = parse_distribution(out(sample))
    assert (distribution.family, distribution.version) == (family, version)


def test_it_reads_debian_6_from_debian_version():
    distribution = parse_distribution(text("==> /etc/debian_version <==\n6.0.10\n"))
    assert (distribution.family, distribution.version) == ("debian", (6, 0, 10))


def test_an_unknown_distribution_keeps_its_name():
    distribution = parse_distribution(text('==> /etc/os-release <==\nID=gentoo\nNAME="Gentoo"\n'))
    assert (distribution.family, distribution.name) == ("", "gentoo")


def test_it_refuses_a_release_file_it_cannot_read():
    with pytest.raises(ProbeUnavailable):
        parse_distribution(text("==> /etc/issue <==\nWelcome\n"))


def test_it_reads_the_kernel_release_from_uname():
    line = (
        "Linux lab-el5 2.6.18-419.el5 #1 SMP Fri Feb 24 22:47:42 UTC 2017 x86_64 x86_64 GNU/Linux"
    )
    uname = parse_uname(text(line + "\n"))
    assert (uname.release, uname.version, uname.machine) == ("2.6.18-419.el5", (2, 6, 18), "x86_64")


def test_it_refuses_a_uname_line_of_another_system():
    with pytest.raises(ProbeUnavailable):
        parse_uname(text("SunOS sol10 5.10 Generic_147147-26 sun4v sparc\n"))


def test_it_splits_the_kernel_command_line_and_drops_init_arguments():
    words = parse_cmdline(text('ro root=/dev/sda1 quiet acpi_osi="!Windows 2012" -- --init-arg\n'))
    assert words == ["ro", "root=/dev/sda1", "quiet", "acpi_osi=!Windows 2012"]


def test_it_reads_version_numbers():
    assert version_of("3.10.0-1062.el7") == (3, 10, 0) and version_of("squeeze/sid") == ()


def test_it_reads_real_uname_lines_of_rhel_5_debian_6_and_ubuntu_8_04():
    read = [parse_uname(out("linux-uname-a-old-kernels-collection.txt", i)) for i in range(4)]
    assert [(u.version, u.machine) for u in read] == [
        ((2, 6, 18), "x86_64"),
        ((2, 6, 18), "i686"),
        ((2, 6, 32), "x86_64"),
        ((2, 6, 24), "x86_64"),
    ]


@pytest.mark.parametrize(
    ("block", "release", "machine"),
    [
        (0, "2.6.32-042stab120.19", "x86_64"),
        (2, "2.6.18-274.3.1.el5.028stab094.3", "i686"),
        (3, "2.6.18-028stab059.6", "i686"),
        (4, "2.6.18-92.1.22.el5xen", "x86_64"),  # host name redacted as `[fqdn removed]`
        (7, "2.6.24.7-101.el5rt.x86_64", "x86_64"),
    ],
)
def test_it_reads_openvz_xen_and_realtime_kernel_releases(block, release, machine):
    uname = parse_uname(out("linux-uname-a-openvz-xen-rt-collection.txt", block))
    assert (uname.release, uname.machine) == (release, machine)
