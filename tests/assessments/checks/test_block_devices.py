from assessments.checks.block_devices import Layout, Snapshots
from tests.assessments.parsers.linux.samples import facts, missing, out, severities, text

NO_MDSTAT = text("", rc=1, stderr="cat: /proc/mdstat: No such file or directory\n")
MDSTAT = """\
Personalities : [raid1]
md0 : active raid1 sdb1[1] sda1[0]
      104320 blocks [2/2] [UU]
unused devices: <none>
"""
DENIED = text(
    "",
    rc=5,
    stderr="  WARNING: Running as a non-root user. Functionality may be unavailable.\n"
    "  /run/lock/lvm/P_global:aux: open failed: Permission denied\n",
)
SNAPSHOT_LVS = "  vg|data|owi-aos---|10240.00m|\n  vg|data_snap|swi-a-s---|1024.00m|data\n"


def layout(**probes):
    (finding,) = Layout().evaluate(facts(**probes))
    return finding


def test_lvm_md_raid_and_multipath_are_info_flattened_by_the_copy():
    finding = layout(
        mdstat=text(MDSTAT),
        dmsetup=text("vg-home\t(253:0)\n"),
        lvs=out("linux-lvs.txt"),
        multipath=out("linux-multipath-ll.txt"),
    )
    assert (finding.check, finding.severity) == ("block_devices.layout", "info")
    assert "md RAID md0 (raid1)" in finding.title
    assert "8 LVM logical volumes" in finding.title and "24 multipath maps" in finding.title


def test_a_plain_disk_passes():
    finding = layout(
        mdstat=NO_MDSTAT,
        dmsetup=text("No devices found\n"),
        lvs=text(""),
        multipath=missing("multipath"),
    )
    assert finding.severity == "pass"


def test_dmsetup_stands_in_for_lvs_without_root():
    finding = layout(
        mdstat=NO_MDSTAT,
        dmsetup=text("# p2c: names from /sys/block/dm-*/dm\nvg-root\t(253:0)\n"),
        lvs=DENIED,
        multipath=missing("multipath"),
    )
    assert finding.severity == "info" and "1 device-mapper device (vg-root)" in finding.title


def test_an_unreadable_mdstat_is_unknown():
    denied = text("", rc=1, stderr="cat: /proc/mdstat: Permission denied\n")
    assert (
        layout(
            mdstat=denied, dmsetup=text("No devices found\n"), lvs=text(""), multipath=text("")
        ).severity
        == "unknown"
    )


def test_an_older_capture_is_unknown():
    assert layout().severity == "unknown"


def snapshots(**probes):
    return Snapshots().evaluate(facts(**probes))


def test_an_lvm_snapshot_is_a_warning():
    (finding,) = snapshots(lvs=text(SNAPSHOT_LVS), dmsetup=text("vg-data\t(253:0)\n"))
    assert (finding.check, finding.severity) == ("block_devices.snapshots", "warning")
    assert "vg/data_snap (of data)" in finding.title


def test_the_hidden_devices_of_a_snapshot_prove_one_without_lvs():
    (finding,) = snapshots(
        lvs=DENIED, dmsetup=text("vg-data-real\t(253:1)\nvg-data_snap-cow\t(253:3)\n")
    )
    assert finding.severity == "warning"


def test_no_snapshot_passes_and_lvs_denied_without_proof_is_unknown():
    assert severities(snapshots(lvs=out("linux-lvs.txt"), dmsetup=text("vg-home\t(253:0)\n"))) == [
        "pass"
    ]
    assert severities(snapshots(lvs=DENIED, dmsetup=text("vg-home\t(253:0)\n"))) == ["unknown"]


def test_no_lvm_tools_pass():
    assert severities(snapshots(lvs=missing("lvs"), dmsetup=text("No devices found\n"))) == ["pass"]


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------


def test_real_md_arrays_name_their_degraded_and_syncing_state():
    finding = layout(
        mdstat=out("linux-proc-mdstat-node-exporter.txt"),
        dmsetup=text("No devices found\n"),
        lvs=text(""),
        multipath=missing("multipath"),
    )
    assert finding.severity == "info"
    assert "md6 (raid1, degraded [2/1] [U_], recovery 8.5%)" in finding.title
    assert "md4 (raid1, inactive)" in finding.title and "and 4 more" in finding.title
    assert "md219 : inactive sdb[2](S) sdc[1](S) sda[0](S)" in finding.evidence
    assert "md8 : active raid1 sdb1[1] sda1[0] [2/2] [UU] resync 8.5%" in finding.evidence


def test_real_multipath_maps_with_blanks_in_their_wwid_are_all_counted():
    finding = layout(
        mdstat=NO_MDSTAT,
        dmsetup=out("linux-dmsetup-ls-rhel7-lvm.txt"),
        lvs=text(""),
        multipath=out("linux-multipath-ll-collection.txt", 0),
    )
    assert finding.severity == "info" and "8 multipath maps" in finding.title


def test_a_real_lvm_snapshot_in_the_default_layout_is_a_warning():
    (finding,) = Snapshots().evaluate(
        facts(lvs=out("linux-lvs-collection.txt", 0), dmsetup=text("No devices found\n"))
    )
    assert (finding.check, finding.severity) == ("block_devices.snapshots", "warning")
    assert "ubuntu-vg/home_snap (of LogVol_Home)" in finding.title


def test_real_dmsetup_names_without_snapshot_parts_pass():
    (finding,) = Snapshots().evaluate(
        facts(lvs=DENIED, dmsetup=out("linux-dmsetup-ls-rhel7-lvm.txt"))
    )
    assert finding.severity == "unknown"  # thin snapshots only lvs shows


def test_real_separated_lvs_name_the_thin_snapshots_not_the_pool():
    (finding,) = Snapshots().evaluate(
        facts(lvs=out("linux-lvs-separator-collection.txt", 0), dmsetup=text("No devices found\n"))
    )
    assert finding.severity == "warning"
    assert finding.title.startswith("LVM snapshots exist: pixel/boot.bu.2014.12.25 (of boot.bu)")
    assert "thinpool" not in finding.title
    layout_finding = layout(
        mdstat=text(""),
        dmsetup=text("No devices found\n"),
        lvs=out("linux-lvs-separator-collection.txt", 1),
        multipath=text(""),
    )
    assert "3 LVM logical volumes in 1 volume group" in layout_finding.title


def test_lvs_output_of_another_layout_leaves_snapshots_unknown():
    (finding,) = Snapshots().evaluate(
        facts(lvs=out("linux-lvs-separator-collection.txt", 2), dmsetup=text("No devices found\n"))
    )
    assert finding.severity == "unknown"
