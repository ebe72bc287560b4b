from assessments.checks.filesystems import DestinationCapacity, LocalFilesystems, SpecialMounts
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts, out, severities, text

DEBIAN6 = {
    "proc_mounts": out("linux-proc-mounts-debian6-rootfs-md-lvm.txt"),
    "df": out("linux-df-P-debian6-lvm.txt"),
}
SINGLE_ROOT = text("/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\ntmpfs /run tmpfs rw 0 0\n")


def node(free_gib: float) -> Destination:
    return Destination("node1", "linux", free_bytes=int(free_gib * 1024**3))


def test_it_warns_about_several_local_file_systems_with_sizes():
    (finding,) = LocalFilesystems().evaluate(facts(**DEBIAN6))
    assert finding.check == "filesystems.local_count"
    assert finding.severity == "warning"
    assert finding.title.startswith("7 local file systems")
    assert "/home (btrfs on /dev/mapper/sys.vg-home.lv, 51.1 GiB used of 93.1 GiB)" in (
        finding.evidence
    )
    assert "options lost: ro" in finding.evidence  # /special is mounted read-only


def test_one_local_file_system_is_info():
    (finding,) = LocalFilesystems().evaluate(facts(proc_mounts=SINGLE_ROOT))
    assert finding.severity == "info"
    assert "size unknown" in finding.evidence


def test_it_prefers_mountinfo_over_proc_mounts():
    (finding,) = LocalFilesystems().evaluate(
        facts(mountinfo=out("linux-proc-self-mountinfo-jc.txt"), proc_mounts=SINGLE_ROOT)
    )
    assert finding.title.endswith(": /, /boot")


def test_it_falls_back_to_proc_mounts_on_rhel_5():
    missing = text("", 1, "cat: /proc/self/mountinfo: No such file or directory\n")
    (finding,) = LocalFilesystems().evaluate(facts(mountinfo=missing, proc_mounts=SINGLE_ROOT))
    assert finding.severity == "info"


def test_without_mounts_it_is_unknown():
    (finding,) = LocalFilesystems().evaluate(facts())
    assert finding.severity == "unknown"


def test_data_larger_than_the_destination_is_a_blocker():
    (finding,) = DestinationCapacity().evaluate(facts(destination=node(50), **DEBIAN6))
    assert (finding.check, finding.severity) == ("filesystems.capacity", "blocker")


def test_data_that_fits_passes():
    (finding,) = DestinationCapacity().evaluate(facts(destination=node(500), **DEBIAN6))
    assert finding.severity == "pass"


def test_without_a_destination_it_gives_the_volume():
    (finding,) = DestinationCapacity().evaluate(facts(**DEBIAN6))
    assert finding.severity == "info"
    assert "111.1 GiB" in finding.title


def test_capacity_without_df_is_unknown():
    (finding,) = DestinationCapacity().evaluate(facts(proc_mounts=SINGLE_ROOT))
    assert finding.severity == "unknown"


def test_it_reports_network_and_loop_mounts_of_the_fedora_sample():
    findings = SpecialMounts().evaluate(
        facts(proc_mounts=out("linux-proc-mounts-fedora-seclabel-bind.txt"))
    )
    assert severities(findings) == ["warning", "warning"]
    network, loop = findings
    assert network.check == "filesystems.special_mounts"
    assert network.evidence.count("fuse.sshfs") == 4
    assert "/var/lib/machines" in loop.title


def test_a_cluster_file_system_is_a_blocker():
    mounts = text("/dev/sda1 / ext4 rw 0 0\n/dev/sdc1 /u02 ocfs2 rw,_netdev 0 0\n")
    (finding,) = SpecialMounts().evaluate(facts(proc_mounts=mounts))
    assert finding.severity == "blocker"
    assert "/u02" in finding.title


def test_plain_local_mounts_pass():
    (finding,) = SpecialMounts().evaluate(facts(proc_mounts=SINGLE_ROOT))
    assert finding.severity == "pass"


SIMFS = text("/dev/simfs / simfs rw,relatime,usrquota,grpquota 0 0\nproc /proc proc rw 0 0\n")
SIMFS_DF = text(
    "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
    "/dev/simfs 20971520 5242880 15728640 25% /\n"
)
SNAP_DF = (
    "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
    "/dev/sda1 10485760 2097152 8388608 20% /\n"
    "/dev/loop0 56320 56320 0 100% /snap/core18/1705\n"
    "/dev/loop1 95232 95232 0 100% /snap/core/8935\n"
)


def test_an_openvz_container_root_on_simfs_is_its_one_file_system():
    (finding,) = LocalFilesystems().evaluate(facts(proc_mounts=SIMFS))
    assert finding.severity == "info" and "(/)" in finding.title


def test_an_openvz_container_is_sized_from_its_simfs_root():
    (finding,) = DestinationCapacity().evaluate(facts(node(100), proc_mounts=SIMFS, df=SIMFS_DF))
    assert finding.severity == "pass" and finding.title.startswith("5.0 GiB of data fits")


def test_capacity_never_passes_on_no_file_system_to_measure():
    empty = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 1024 0 1024 0% /run\n"
    )
    (finding,) = DestinationCapacity().evaluate(facts(node(100), proc_mounts=SINGLE_ROOT, df=empty))
    assert finding.severity == "unknown" and "no local disk-backed" in finding.title


def test_without_a_mount_table_snap_loop_images_are_not_counted_as_data():
    (finding,) = DestinationCapacity().evaluate(facts(node(0.001), df=text(SNAP_DF)))
    assert finding.severity == "blocker" and finding.title.startswith("2.0 GiB of data")
    assert "/dev/loop0" not in finding.evidence


def test_without_a_mount_table_a_fit_is_unknown_not_pass():
    (finding,) = DestinationCapacity().evaluate(facts(node(100), df=text(SNAP_DF)))
    assert finding.severity == "unknown" and "about 2.0 GiB" in finding.title


# insights-core's RHEL 6 /proc/mounts: /dev/mapper/rootvg-tmplv on /tmp and again on /var/tmp.
SAME_LV_TWICE = out("linux-proc-mounts-rhel6-nfs-autofs-same-lv-twice.txt")
# df of that host is not public: rows written for these tests, /var/tmp repeating /tmp's
# numbers as df does for a second mount of one device (old coreutils list both).
SAME_LV_DF = text(
    "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
    "/dev/mapper/rootvg-rootlv 2031440 1048576 982864 52% /\n"
    "/dev/sda1 495844 102400 367844 22% /boot\n"
    "/dev/mapper/rootvg-homelv 4062912 1048576 3014336 26% /home\n"
    "/dev/mapper/rootvg-optlv 4062912 1048576 3014336 26% /opt\n"
    "/dev/mapper/rootvg-tmplv 2031440 1048576 982864 52% /tmp\n"
    "/dev/mapper/rootvg-usrlv 4062912 1048576 3014336 26% /usr\n"
    "/dev/mapper/rootvg-varlv 4062912 1048576 3014336 26% /var\n"
    "/dev/mapper/rootvg-tmplv 2031440 1048576 982864 52% /var/tmp\n"
)


def test_a_device_mounted_twice_is_one_file_system_to_merge():
    (finding,) = LocalFilesystems().evaluate(facts(proc_mounts=SAME_LV_TWICE, df=SAME_LV_DF))
    assert finding.title.startswith("7 local file systems")
    assert "/var/tmp (ext4 on /dev/mapper/rootvg-tmplv, the same file system as /tmp)" in (
        finding.evidence
    )


def test_a_device_mounted_twice_is_counted_once_in_the_data_to_copy():
    (finding,) = DestinationCapacity().evaluate(facts(proc_mounts=SAME_LV_TWICE, df=SAME_LV_DF))
    assert finding.title.startswith("6.1 GiB of data")  # 100 MiB + 6 x 1 GiB, not 7 GiB


def test_a_file_system_df_does_not_list_makes_a_fit_unknown():
    only_root = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
        "/dev/mapper/rootvg-rootlv 2031440 1048576 982864 52% /\n"
    )
    (finding,) = DestinationCapacity().evaluate(
        facts(node(100), proc_mounts=SAME_LV_TWICE, df=only_root)
    )
    assert finding.severity == "unknown"
    assert "/boot" in finding.title and "at least 1.0 GiB" in finding.title


def test_a_file_system_df_does_not_list_still_proves_a_misfit():
    only_root = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
        "/dev/mapper/rootvg-rootlv 2031440 1048576 982864 52% /\n"
    )
    (finding,) = DestinationCapacity().evaluate(
        facts(node(0.5), proc_mounts=SAME_LV_TWICE, df=only_root)
    )
    assert finding.severity == "blocker"


def test_rhel_6_mountinfo_reports_nfs4_and_both_automounter_maps():
    mountinfo = out("linux-proc-self-mountinfo-rhel6-nfs4-autofs-hosts.txt")
    (local,) = LocalFilesystems().evaluate(facts(mountinfo=mountinfo))
    assert local.title.startswith("7 local file systems")
    network, automount = SpecialMounts().evaluate(facts(mountinfo=mountinfo))
    assert (network.severity, automount.severity) == ("warning", "info")
    assert network.title.endswith("/shared/dir1, /shared/dir2")
    assert automount.title.endswith("/misc, /autofshost")


# Excerpts (grep) of mount tables: a whole table mounts something at /, so the tests add a
# root line; a table without one is unreadable (linux_common.mount_table).
UNRAID = text(
    "rootfs / rootfs rw 0 0\n"
    + out("linux-proc-mounts-grep-btrfs-unraid-subvolumes.txt").stdout.decode()
)


def test_btrfs_subvolumes_of_one_pool_are_one_file_system_and_no_bind_mounts():
    (local,) = LocalFilesystems().evaluate(facts(proc_mounts=UNRAID))
    assert local.severity == "info" and "(/test)" in local.title
    assert "/archive (btrfs on /dev/sdb8, the same file system as /test)" in local.evidence
    (special,) = SpecialMounts().evaluate(facts(proc_mounts=UNRAID))
    assert special.severity == "pass"


def test_btrfs_subvolumes_count_the_pools_usage_once():
    # df repeats the pool's numbers on every subvolume; rows written for the test.
    rows = "".join(
        f"/dev/sdb8 976762584 104857600 871904984 11% {target}\n"
        for target in ("/test", "/config", "/media", "/archive")
    )
    df = text("Filesystem 1024-blocks Used Available Capacity Mounted on\n" + rows)
    (finding,) = DestinationCapacity().evaluate(facts(proc_mounts=UNRAID, df=df))
    assert finding.title.startswith("100.0 GiB of data")


GPFS_EXFAT = "linux-proc-mounts-lines-gpfs-exfat-collection.txt"


def with_root(line_sample, block):
    return text("/dev/vda1 / ext4 rw 0 0\n" + out(line_sample, block=block).stdout.decode())


def test_a_gpfs_mount_is_a_shared_disk_cluster_file_system():
    (finding,) = SpecialMounts().evaluate(facts(proc_mounts=with_root(GPFS_EXFAT, 0)))
    assert finding.severity == "blocker" and finding.title.endswith(": /soft")


def test_an_exfat_disk_is_local_data_with_changed_semantics():
    mounts = with_root(GPFS_EXFAT, 1)
    (local,) = LocalFilesystems().evaluate(facts(proc_mounts=mounts))
    assert local.title.startswith("2 local file systems")
    (odd,) = SpecialMounts().evaluate(facts(proc_mounts=mounts))
    assert odd.severity == "warning" and "/media/arturo/USB (exfat)" in odd.title


def test_an_unknown_file_system_type_on_a_block_device_is_data_not_pseudo():
    # Fail closed: a type no list names, mounted from /dev, is counted and flagged.
    mounts = text("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /legacy ufs ro 0 0\n")
    (local,) = LocalFilesystems().evaluate(facts(proc_mounts=mounts))
    assert local.title.startswith("2 local file systems")
    (odd,) = SpecialMounts().evaluate(facts(proc_mounts=mounts))
    assert (
        odd.severity == "warning"
        and "/legacy (ufs, a type this assessment does not know)" in odd.title
    )


def test_snap_packages_and_iso_images_are_info():
    # restrictions.md L1: squashfs under /snap and ISO images are INFO, not data to merge.
    findings = SpecialMounts().evaluate(facts(mountinfo=out("linux-proc-self-mountinfo-jc.txt")))
    assert severities(findings) == ["info"]
    assert "/snap/core18/2538" in findings[0].title and "snapd" in findings[0].remediation
    iso = text("/dev/sda1 / ext4 rw 0 0\n/dev/sr0 /media/cdrom iso9660 ro 0 0\n")
    (cdrom,) = SpecialMounts().evaluate(facts(proc_mounts=iso))
    assert cdrom.severity == "info" and "/media/cdrom" in cdrom.title


def test_a_hypervisor_shared_folder_is_remote_data_not_ignored():
    # A VirtualBox guest (RHEL 6 era, one ext4 disk per mount point) with a vboxsf folder:
    # the folder lives on the hypervisor host, like a network mount.
    mounts = out("linux-proc-mounts-rhel6-virtualbox-guest-vboxsf.txt")
    (local,) = LocalFilesystems().evaluate(facts(proc_mounts=mounts))
    assert local.title.startswith("7 local file systems")
    (shared,) = SpecialMounts().evaluate(facts(proc_mounts=mounts))
    assert shared.severity == "warning" and shared.title.endswith(": /mnt/benjamin")
    vmware = text("/dev/sda1 / ext4 rw 0 0\nvmhgfs-fuse /mnt/hgfs fuse.vmhgfs-fuse rw 0 0\n")
    (hgfs,) = SpecialMounts().evaluate(facts(proc_mounts=vmware))
    assert hgfs.severity == "warning" and "/mnt/hgfs" in hgfs.title


def test_the_efi_system_partition_is_no_vfat_data_warning():
    # Every UEFI host mounts its ESP (vfat) on /boot/efi: boot files, not application data.
    excerpt = with_root("linux-proc-mounts-ubuntu1804-partitions-esp-snaps-excerpt.txt", 0)
    findings = SpecialMounts().evaluate(facts(proc_mounts=excerpt))
    assert severities(findings) == ["info"] and "/snap/core/8213" in findings[0].title
    (local,) = LocalFilesystems().evaluate(facts(proc_mounts=excerpt))
    assert local.title.startswith("9 local file systems")
    for block in (0, 1):
        esp = with_root("linux-proc-mounts-grep-esp-opensuse150-debian10-collection.txt", block)
        (finding,) = SpecialMounts().evaluate(facts(proc_mounts=esp))
        assert finding.severity == "pass", block


def test_vfat_elsewhere_is_still_a_warning():
    mounts = text("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /srv/share vfat rw 0 0\n")
    (finding,) = SpecialMounts().evaluate(facts(proc_mounts=mounts))
    assert finding.severity == "warning" and "/srv/share (vfat)" in finding.title
