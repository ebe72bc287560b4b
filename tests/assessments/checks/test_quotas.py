from assessments.checks.quotas import QuotaPartitions
from tests.assessments.parsers.linux.samples import facts, missing, out, text

ROOT = "/dev/sda1 / ext4 rw 0 0\n"


def evaluate(**probes):
    (finding,) = QuotaPartitions().evaluate(facts(**probes))
    return finding


def test_quotas_on_two_partitions_warn_that_only_one_keeps_its_limits():
    mounts = text(ROOT + "/dev/sdb1 /home ext4 rw,usrquota 0 0\n/dev/sdc1 /srv xfs rw,gquota 0 0\n")
    finding = evaluate(proc_mounts=mounts, quotaon=missing("quotaon"))
    assert (finding.check, finding.severity) == ("quotas.partitions", "warning")
    assert finding.title.startswith("Quotas on 2 file systems; only one keeps its limits")
    assert "quotaon -p -a: the tool is not installed" in finding.evidence


def test_quotaon_output_shows_quotas_missing_from_the_mount_options():
    finding = evaluate(proc_mounts=text(ROOT), quotaon=out("linux-quotaon-ap-ubuntu-on-off.txt"))
    assert finding.severity == "warning"
    assert "apply to the whole container" in finding.title
    assert "/ (on: group, user)" in finding.title


def test_quotas_that_are_off_do_not_count():
    finding = evaluate(
        proc_mounts=text(ROOT),
        quotaon=out("linux-quotaon-ap-ubuntu-on-off.txt", block=1),
        fstab=text(""),
    )
    assert finding.severity == "pass"


def test_noquota_xfs_passes():
    finding = evaluate(proc_mounts=out("linux-proc-mounts-rhel7-xfs-noquota.txt"), fstab=text(""))
    assert finding.severity == "pass"


def test_project_quotas_are_named():
    finding = evaluate(proc_mounts=text(ROOT + "/dev/sdb1 /data xfs rw,prjquota 0 0\n"))
    assert "Project quotas on /data" in finding.title


def test_quotas_configured_in_fstab_only_are_reported():
    fstab = text("/dev/sdb1 /home ext4 defaults,usrquota 0 2\n")
    finding = evaluate(proc_mounts=text(ROOT), fstab=fstab)
    assert finding.severity == "warning"
    assert "not mounted with quotas" in finding.title


def test_quotaon_alone_names_the_partitions_with_quotas():
    finding = evaluate(quotaon=out("linux-quotaon-ap-ubuntu-on-off.txt"), fstab=text(""))
    assert finding.severity == "warning"
    assert "Quotas on one file system" in finding.title and "judged from quotaon alone" in (
        finding.evidence
    )


def test_without_mounts_or_quotaon_it_is_unknown():
    denied = text("", 1, "quotaon: Permission denied\n")
    assert evaluate(quotaon=denied, fstab=text("")).severity == "unknown"


def test_an_unreadable_fstab_without_other_quotas_is_unknown():
    denied = text("", 1, "cat: /etc/fstab: Permission denied\n")
    assert evaluate(proc_mounts=text(ROOT), fstab=denied).severity == "unknown"


def test_quotas_on_an_openvz_simfs_root_are_found():
    simfs = text("/dev/simfs / simfs rw,relatime,usrquota,grpquota 0 0\n")
    finding = evaluate(proc_mounts=simfs, fstab=text(""))
    assert finding.severity == "warning" and "/ (options usrquota,grpquota)" in finding.title


def test_user_quota_on_home_alone_is_a_warning_for_one_file_system():
    finding = evaluate(
        proc_mounts=out("linux-proc-mounts-rhel6-nfs-autofs-same-lv-twice.txt"),
        quotaon=out("linux-quotaon-p-home-gentoo-debian-collection.txt", block=1),
        fstab=out("linux-fstab-collection.txt", block=0),
    )
    assert finding.severity == "warning"
    assert "Quotas on one file system" in finding.title and "/home (on: user)" in finding.title


def test_a_quota_file_system_mounted_twice_is_one_partition_with_quotas():
    # A bind mount (or second mount) of /home repeats its options and its quotaon line.
    mounts = "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /home ext4 rw,usrquota 0 0\n"
    mounts += "/dev/sdb1 /srv/home ext4 rw,usrquota 0 0\n"
    states = "user quota on /home (/dev/sdb1) is on\nuser quota on /srv/home (/dev/sdb1) is on\n"
    finding = evaluate(proc_mounts=text(mounts), quotaon=text(states), fstab=text(""))
    assert finding.title.startswith("Quotas on one file system")
    assert "/srv/home" in finding.evidence


def test_quotas_on_a_tmpfs_are_not_merged_data():
    # systemd mounts /tmp and /dev/shm with usrquota on new kernels; their contents are
    # not migrated, so their quotas are nothing to keep.
    mounts = "/dev/sda1 / ext4 rw 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,inode64,usrquota 0 0\n"
    states = "user quota on /tmp (tmpfs) is on\n"
    finding = evaluate(proc_mounts=text(mounts), quotaon=text(states), fstab=text(""))
    assert finding.severity == "pass"


def test_a_tmpfs_with_quotas_in_fstab_is_not_a_partition_with_quotas():
    fstab = text("tmpfs /tmp tmpfs defaults,usrquota 0 0\n")
    finding = evaluate(proc_mounts=text(ROOT), quotaon=text(""), fstab=fstab)
    assert finding.severity == "pass"
