from assessments.checks.transfer import RsyncAvailable, TransferVolume
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts, missing, out, text

DEBIAN6 = {
    "proc_mounts": out("linux-proc-mounts-debian6-rootfs-md-lvm.txt"),
    "df": out("linux-df-P-debian6-lvm.txt"),
}


def test_rsync_present_is_info_about_leftovers():
    (finding,) = RsyncAvailable().evaluate(
        facts(rsync=text("rsync  version 3.0.6  protocol version 30\n"))
    )
    assert (finding.check, finding.severity) == ("transfer.rsync", "info")
    assert "/vz/private/CT_ID" in finding.title


def test_rsync_missing_is_a_warning():
    (finding,) = RsyncAvailable().evaluate(facts(rsync=missing("rsync")))
    assert finding.severity == "warning"


def test_rsync_not_collected_is_unknown():
    (finding,) = RsyncAvailable().evaluate(facts())
    assert finding.severity == "unknown"


def test_the_volume_is_info_with_files_counted():
    inodes = text("Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/md0 100 42 58 42% /boot\n")
    (finding,) = TransferVolume().evaluate(facts(df_inodes=inodes, **DEBIAN6))
    assert (finding.check, finding.severity) == ("transfer.volume", "info")
    assert finding.title.startswith("111.1 GiB to copy, 42 files")


def test_too_little_room_for_a_retry_is_a_warning():
    node = Destination("node1", "linux", free_bytes=150 * 1024**3)
    (finding,) = TransferVolume().evaluate(facts(destination=node, **DEBIAN6))
    assert finding.severity == "warning"
    assert "less than twice" in finding.title


def test_the_volume_without_df_is_unknown():
    (finding,) = TransferVolume().evaluate(facts(df=missing("df")))
    assert finding.severity == "unknown"


def test_nothing_to_copy_is_unknown_not_zero_bytes():
    empty = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 1024 0 1024 0% /run\n"
    )
    (finding,) = TransferVolume().evaluate(
        facts(proc_mounts=text("/dev/sda1 / ext4 rw 0 0\n"), df=empty)
    )
    assert finding.severity == "unknown"
    assert "0 KiB" not in finding.title


def test_a_file_system_df_does_not_list_makes_the_volume_a_lower_bound():
    mounts = out("linux-proc-mounts-rhel6-nfs-autofs-same-lv-twice.txt")
    only_root = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
        "/dev/mapper/rootvg-rootlv 2031440 1048576 982864 52% /\n"
    )
    (finding,) = TransferVolume().evaluate(facts(proc_mounts=mounts, df=only_root))
    assert finding.severity == "info" and finding.title.startswith("At least 1.0 GiB to copy")
    assert "df lists no size for /boot, /home" in finding.evidence


def test_file_systems_without_inode_counts_make_the_file_count_a_lower_bound():
    # btrfs (and vfat) print 0 inodes in df -i: their files are not counted.
    mounts = text("/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /data btrfs rw 0 0\n")
    df = text(
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
        "/dev/sda1 10485760 2097152 8388608 20% /\n/dev/sdb1 10485760 1048576 9437184 10% /data\n"
    )
    inodes = text(
        "Filesystem Inodes IUsed IFree IUse% Mounted on\n"
        "/dev/sda1 655360 81234 574126 13% /\n/dev/sdb1 0 0 0 - /data\n"
    )
    (finding,) = TransferVolume().evaluate(facts(proc_mounts=mounts, df=df, df_inodes=inodes))
    assert "at least 81,234 files and directories" in finding.title
    assert "no inode counts for /data" in finding.evidence
