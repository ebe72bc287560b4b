from assessments.facts import Absent
from assessments.parsers.linux.mounts import (
    Kind,
    bind_mounts,
    parse_fstab,
    parse_mountinfo,
    parse_proc_mounts,
)
from tests.assessments.parsers.linux.samples import judged, out, text


def by_target(mounts):
    return {mount.target: mount for mount in mounts}


def test_it_finds_the_local_block_file_systems_of_the_fedora_sample():
    mounts = parse_proc_mounts(out("linux-proc-mounts-fedora-seclabel-bind.txt"))
    local = [m.target for m in mounts if m.kind == Kind.LOCAL]
    assert local == ["/", "/boot", "/home"]
    assert by_target(mounts)["/"].source == "/dev/mapper/fedora_dhcp129--186-root"


def test_it_marks_the_loop_backed_btrfs_as_loop():
    mounts = by_target(parse_proc_mounts(out("linux-proc-mounts-fedora-seclabel-bind.txt")))
    assert mounts["/var/lib/machines"].kind == Kind.LOOP


def test_it_sees_four_sshfs_network_mounts_one_with_a_quote_and_ignores_gvfs():
    mounts = parse_proc_mounts(out("linux-proc-mounts-fedora-seclabel-bind.txt"))
    network = [m for m in mounts if m.kind == Kind.NETWORK]
    assert len(network) == 4
    assert "grimlock.g.a:/mnt/data/foto's" in {m.source for m in network}
    assert by_target(mounts)["/run/user/1000/gvfs"].kind == Kind.PSEUDO


def test_it_keeps_seclabel_and_selinuxfs():
    mounts = by_target(parse_proc_mounts(out("linux-proc-mounts-fedora-seclabel-bind.txt")))
    assert mounts["/sys/fs/selinux"].fstype == "selinuxfs"
    assert mounts["/home"].option("seclabel")


def test_it_ignores_rootfs_and_reads_the_by_uuid_root_of_ubuntu_1004():
    mounts = by_target(parse_proc_mounts(out("linux-proc-mounts-ubuntu1004-swift.txt")))
    assert mounts["/"].fstype == "ext4"
    assert mounts["/"].source.startswith("/dev/disk/by-uuid/")
    assert mounts["/mnt/sdb1"].kind == Kind.LOOP
    assert mounts["/mnt/sdb1"].option("noquota")
    assert mounts["/proc/fs/nfsd"].fstype == "nfsd"


def test_it_decodes_octal_escapes_in_paths():
    mounts = parse_proc_mounts(text("/dev/sdb1 /srv/my\\040data ext4 rw 0 0\n"))
    assert mounts[0].target == "/srv/my data"


def test_a_later_mount_on_the_same_target_shadows_the_earlier_one():
    mounts = by_target(parse_proc_mounts(out("linux-proc-mounts-rhel7-xfs-noquota.txt")))
    assert mounts["/proc/sys/fs/binfmt_misc"].fstype == "binfmt_misc"


def test_it_splits_mountinfo_on_the_separator_despite_optional_fields():
    mounts = by_target(parse_mountinfo(out("linux-proc-self-mountinfo-jc.txt")))
    root = mounts["/"]
    assert (root.fstype, root.source, root.device) == (
        "ext4",
        "/dev/mapper/ubuntu--vg-ubuntu--lv",
        "253:0",
    )
    assert mounts["/boot"].kind == Kind.LOCAL
    assert mounts["/snap/core18/2538"].kind == Kind.PSEUDO
    assert mounts["/run/snapd/ns"].root == "/snapd/ns"


def test_it_reports_a_bind_mount_of_a_disk_backed_subtree():
    data = (
        "27 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "40 27 8:1 /srv/www /var/www rw shared:2 - ext4 /dev/sda1 rw\n"
    )
    binds = bind_mounts(parse_mountinfo(text(data)))
    assert [m.target for m in binds] == ["/var/www"]


def test_a_missing_mountinfo_is_absent_as_a_missing_file():
    gone = text("", 1, "cat: /proc/self/mountinfo: No such file or directory\n")
    result = judged("mountinfo", gone, parse_mountinfo)
    assert (
        isinstance(result, Absent)
        and result.reason == "cat /proc/self/mountinfo: the file does not exist"
    )


def test_it_reads_fstab_without_comments():
    entries = parse_fstab(text("# comment\nUUID=abc / ext4 defaults,usrquota 0 1\n\n"))
    assert [(e.target, e.options) for e in entries] == [("/", ("defaults", "usrquota"))]


def test_it_reads_a_real_overlay_root_of_a_docker_container_with_its_long_options():
    (root,) = parse_proc_mounts(out("linux-proc-mounts-grep-overlay-inside-docker.txt"))
    assert (root.target, root.fstype, root.kind) == ("/", "overlay", Kind.OVERLAY)
    assert "upperdir=/var/lib/docker/overlay2/9adda346" in root.line


FSTABS = "linux-fstab-collection.txt"


def test_it_reads_fstabs_with_uuids_comments_and_tabs():
    hadoop = {e.target: e for e in parse_fstab(out(FSTABS, block=0))}
    assert hadoop["/boot"].source == "UUID=2c839365-37c7-4bd5-ac47-040fba761735"
    assert "noquota" in hadoop["/hdfs/data1"].options
    assert hadoop["/srv/rdu/data/000"].fstype == "nfs"
    centos = parse_fstab(out(FSTABS, block=3))
    assert [(e.target, e.options) for e in centos][1] == ("/boot", ("defaults",))
    ubuntu = parse_fstab(out(FSTABS, block=4))
    assert (ubuntu[1].source, ubuntu[1].target, ubuntu[1].fstype) == ("/swap.img", "none", "swap")


def test_fstab_entries_without_options_or_with_escaped_blanks_are_read():
    blanks = [e.target for e in parse_fstab(out(FSTABS, block=1))]
    assert "/l ok/at" in blanks and "/sdbal ok/ab ta" in blanks
    bare = {e.target: e for e in parse_fstab(out(FSTABS, block=2))}
    assert bare["/ceSiteData"].options == ("defaults",)
    assert bare["/var/opt/rh/rh-postgresql95/lib/pgsql"].fstype == "xfs"  # indented line


def test_rhel_6_mountinfo_with_nfs4_and_automounter_maps():
    mounts = by_target(
        parse_mountinfo(out("linux-proc-self-mountinfo-rhel6-nfs4-autofs-hosts.txt"))
    )
    assert mounts["/shared/dir1"].kind == Kind.NETWORK and mounts["/shared/dir1"].fstype == "nfs4"
    assert mounts["/autofshost"].kind == Kind.AUTOFS and mounts["/autofshost"].source == "-hosts"
    assert mounts["/var/log"].device == "253:36"


def test_a_device_mounted_twice_in_proc_mounts_is_a_bind():
    mounts = parse_proc_mounts(out("linux-proc-mounts-rhel6-nfs-autofs-same-lv-twice.txt"))
    assert [m.target for m in bind_mounts(mounts)] == ["/var/tmp"]
    assert by_target(mounts)["/sa/net"].kind == Kind.NETWORK  # source /vol/vol3/wpsanet, nfs
