import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.block import parse_dmsetup, parse_lvs, parse_mdstat, parse_multipath
from tests.assessments.parsers.linux.samples import out, text

MDSTAT = """\
Personalities : [raid1] [raid6] [raid5] [raid4]
md1 : active raid1 sdb2[1] sda2[0]
      136448 blocks [2/2] [UU]

md2 : active (auto-read-only) raid1 sda6[0] sdb6[1](F)
      4200952 blocks super 1.0 [2/1] [U_]

md127 : inactive sdc[0](S)
      976762584 blocks super 1.2

unused devices: <none>
"""


def test_it_reads_md_arrays_with_their_level_and_members():
    arrays = parse_mdstat(text(MDSTAT))
    assert [(a.name, a.state, a.level, a.devices) for a in arrays] == [
        ("md1", "active", "raid1", ["sdb2", "sda2"]),
        ("md2", "active", "raid1", ["sda6", "sdb6(F)"]),
        ("md127", "inactive", "", ["sdc(S)"]),
    ]


def test_an_mdstat_without_arrays_lists_none():
    assert parse_mdstat(text("Personalities : \nunused devices: <none>\n")) == []


def test_it_reads_dmsetup_ls_in_both_number_formats():
    devices = parse_dmsetup(text("vg-root\t(253:0)\nmpatha\t(253, 1)\n"))
    assert [(d.name, d.device) for d in devices] == [("vg-root", "253:0"), ("mpatha", "253:1")]


def test_dmsetup_without_devices_lists_none():
    assert parse_dmsetup(text("No devices found\n")) == []


def test_it_tells_the_hidden_devices_of_a_classic_snapshot():
    devices = parse_dmsetup(text("vg-data-real\t(253:2)\nvg-snap-cow\t(253:4)\nvg-data\t(253:0)\n"))
    assert [d.snapshot_part for d in devices] == [True, True, False]


def test_it_reads_lvs_columns_of_another_option_list():
    volumes = parse_lvs(out("linux-lvs.txt"))
    assert [v.name for v in volumes][:3] == ["home", "root", "swap_1"]
    assert (volumes[0].attr, volumes[0].size, volumes[0].vg) == ("-wi-ao", "5901.39", "")
    assert not any(v.snapshot or v.has_snapshots for v in volumes)


def test_it_reads_the_probes_separated_lvs_and_its_snapshots():
    volumes = parse_lvs(
        text(
            "  vg|root|owi-aos---|19456.00m|\n"
            "  vg|root_nightly|swi-a-s---|2048.00m|root\n"
            "  vg|thin_snap|Vwi---tz-k|1024.00m|thin_vol\n"
            "  vg|swap_1|-wi-ao----|2048.00m|\n"
        )
    )
    assert [(v.name, v.snapshot, v.has_snapshots) for v in volumes] == [
        ("root", False, True),
        ("root_nightly", True, False),
        ("thin_snap", True, False),
        ("swap_1", False, False),
    ]


def test_it_ignores_lvm_messages():
    assert parse_lvs(text("  No volume groups found\n")) == []


def test_it_reads_multipath_maps_and_their_paths():
    maps = parse_multipath(out("linux-multipath-ll.txt"))
    assert len(maps) == 24
    assert (maps[0].name, maps[0].wwid, maps[0].dm, maps[0].paths) == (
        "d11",
        "35000c500ad9ae4b3",
        "dm-15",
        ["sdai", "sdbg"],
    )


def test_it_reads_the_rhel5_multipath_format():
    maps = parse_multipath(
        text(
            "mpath0 (3600507680181009c3000000000000007) dm-0 IBM,2145\n"
            "[size=10G][features=1 queue_if_no_path][hwhandler=0][rw]\n"
            "\\_ round-robin 0 [prio=50][active]\n"
            " \\_ 1:0:0:0 sdb 8:16  [active][ready]\n"
            " \\_ 2:0:0:0 sdc 8:32  [active][ready]\n"
        )
    )
    assert [(m.name, m.dm, m.paths) for m in maps] == [("mpath0", "dm-0", ["sdb", "sdc"])]


def test_it_skips_multipath_warnings():
    warning = "Nov 26 10:00:00 | /etc/multipath.conf does not exist, blacklisting all devices.\n"
    assert parse_multipath(text(warning)) == []


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------


def test_it_reads_every_array_of_node_exporters_mdstat_with_its_state():
    arrays = {a.name: a for a in parse_mdstat(out("linux-proc-mdstat-node-exporter.txt"))}
    assert len(arrays) == 12
    assert (arrays["md3"].level, len(arrays["md3"].devices)) == ("raid6", 8)
    assert (arrays["md4"].state, arrays["md4"].level) == ("inactive", "raid1")
    assert (arrays["md219"].state, arrays["md219"].level) == ("inactive", "")
    assert arrays["md219"].devices == ["sdb(S)", "sdc(S)", "sda(S)"]
    assert arrays["md11"].line.startswith("md11 : active (auto-read-only) raid1")


def test_it_reads_degraded_arrays_and_sync_progress_under_blank_or_tab_indents():
    arrays = {a.name: a for a in parse_mdstat(out("linux-proc-mdstat-node-exporter.txt"))}
    assert (arrays["md6"].slots, arrays["md6"].sync) == ("[2/1] [U_]", "recovery 8.5%")
    assert arrays["md6"].degraded and arrays["md7"].degraded  # [4/3] [U_UU]
    assert (arrays["md8"].sync, arrays["md8"].degraded) == ("resync 8.5%", False)
    assert arrays["md9"].sync == "resync DELAYED" and arrays["md11"].sync == "resync PENDING"
    assert (arrays["md10"].slots, arrays["md10"].sync) == ("", "")  # raid0: no slots
    assert arrays["md6"].summary == "md6 (raid1, degraded [2/1] [U_], recovery 8.5%)"


def test_it_reads_a_24_kernels_mdstat_with_its_read_ahead_line():
    arrays = parse_mdstat(out("linux-proc-mdstat-collection.txt", 0))
    assert [(a.name, a.level, a.devices, a.slots) for a in arrays] == [
        ("md1", "raid5", ["hdc3", "hdb3", "hda3"], "[3/3] [UUU]"),
        ("md0", "raid1", ["hdc4", "hda4"], "[2/2] [UU]"),
    ]


def test_it_reads_resync_check_and_failed_members_past_bitmap_lines():
    (resyncing,) = parse_mdstat(out("linux-proc-mdstat-collection.txt", 1))
    assert (resyncing.devices, resyncing.sync) == (["sdb1", "sdc1"], "resync 25.7%")
    assert [a.slots for a in parse_mdstat(out("linux-proc-mdstat-collection.txt", 2))] == [
        "[2/2] [UU]",
        "[2/2] [UU]",
    ]
    (failed,) = parse_mdstat(out("linux-proc-mdstat-collection.txt", 3))
    assert (failed.devices, failed.slots, failed.degraded) == (
        ["vdc", "vdb(F)"],
        "[2/1] [_U]",
        True,
    )
    raid10 = parse_mdstat(out("linux-proc-mdstat-collection.txt", 4))[0]
    assert (raid10.level, len(raid10.devices), raid10.sync) == ("raid10", 12, "check 94.3%")


def test_it_reads_real_dmsetup_ls_names():
    devices = parse_dmsetup(out("linux-dmsetup-ls-rhel7-lvm.txt"))
    assert [(d.name, d.device) for d in devices][-1] == ("VolGroup00-LogVol00", "253:0")
    assert len(devices) == 3 and not any(d.snapshot_part for d in devices)


def test_it_reads_default_lvs_columns_with_group_and_origin_under_the_header():
    volumes = parse_lvs(out("linux-lvs-collection.txt", 0))
    assert [(v.vg, v.name, v.snapshot, v.has_snapshots) for v in volumes][:2] == [
        ("ubuntu-vg", "LogVol_Home", False, True),
        ("ubuntu-vg", "home_snap", True, False),
    ]
    assert volumes[1].origin == "LogVol_Home" and volumes[0].origin == ""
    assert volumes[3].vg == "vg_var"


def test_a_thin_volume_is_no_snapshot_and_a_vg_uuid_is_no_group():
    volumes = parse_lvs(out("linux-lvs-collection.txt", 1))
    assert [(v.name, v.snapshot) for v in volumes] == [
        ("vbirdlv", False),
        ("vbirdsnap1", True),
        ("vbirdthin1", False),
        ("vbirdtpool", False),
    ]
    assert {v.vg for v in volumes} == {"vbirdvg"}
    assert {v.vg for v in parse_lvs(out("linux-lvs.txt"))} == {""}


def test_it_reads_multipath_maps_whose_wwid_holds_blanks():
    maps = parse_multipath(out("linux-multipath-ll-collection.txt", 0))
    assert [(m.name, m.dm) for m in maps] == [
        ("mpathg", "dm-2"),
        ("mpathe", "dm-4"),
        ("36001405b1629f80d52a4c898f8856e43", "dm-5"),
        ("mpatha", "dm-0"),
        ("1IET     00080001", "dm-0"),
        ("mpathb", "dm-8"),
        ("1IET     00080007", "dm-19"),
        ("mpathc", "dm-1"),
    ]
    assert maps[3].wwid == "1IET     00080001" and maps[5].vendor == "COMPELNT,Compellent Vol"
    assert maps[2].paths == ["sdc", "sdb"] and maps[0].paths[:2] == ["sdc", "sdi"]
    assert maps[7].paths == []


def test_it_skips_the_path_list_and_debug_lines_of_a_verbose_rhel5_run():
    (lun,) = parse_multipath(out("linux-multipath-ll-collection.txt", 1))
    assert (lun.name, lun.wwid, lun.dm, lun.vendor) == (
        "L004",
        "360060160ade32800f2e3baf47665e211",
        "dm-9",
        "DGC,RAID 5",
    )
    assert lun.paths == ["sdk", "sdp", "sdf", "sdu"]
    (mpath1,) = parse_multipath(out("linux-multipath-ll-collection.txt", 2))
    assert (mpath1.vendor, len(mpath1.paths)) == ("DGC,VRAID", 8)


# RHEL 5's map line without a friendly name, as quoted in a public multipath check script
# (code-search index document 2798046694): the WWID runs into the dm name.
RHEL5_GLUED = "0HP_OPEN-E_500060e802c43216001e0f00000000000000c600dm-2 HP,OPEN-E\n"


def test_it_reads_a_wwid_glued_to_the_dm_name():
    (glued,) = parse_multipath(text(RHEL5_GLUED + "\\_ 1:0:0:30 sdc 8:32 [active][undef]\n"))
    assert (glued.name, glued.dm, glued.vendor, glued.paths) == (
        "0HP_OPEN-E_500060e802c43216001e0f00000000000000c600",
        "dm-2",
        "HP,OPEN-E",
        ["sdc"],
    )


def test_it_reads_separated_lvs_by_its_header():
    # `lvs --separator '|'` with headings: LV first, then VG, Pool before Origin (thin snapshots)
    volumes = parse_lvs(out("linux-lvs-separator-collection.txt", 0))
    assert len(volumes) == 16 and {v.vg for v in volumes} == {"pixel"}
    snapshots = [(v.name, v.origin) for v in volumes if v.snapshot]
    assert snapshots[:2] == [("boot.bu.2014.12.25", "boot.bu"), ("boot.bu.2014.12.27", "boot.bu")]
    assert len(snapshots) == 8  # the pool `thinpool` is no origin
    assert (volumes[-1].name, volumes[-1].size, volumes[-1].origin) == ("thinpool", "564.09g", "")


def test_it_reads_separated_lvs_in_the_default_column_order_without_header():
    # Checkmk's agent: `lvs --units b --nosuffix --noheadings --separator '|'`, 12 columns
    volumes = parse_lvs(out("linux-lvs-separator-collection.txt", 1))
    assert [(v.vg, v.name, v.size) for v in volumes] == [
        ("centos", "home", "20073938944"),
        ("centos", "root", "41120956416"),
        ("centos", "swap", "2147483648"),
    ]


def test_lvs_output_in_a_layout_it_cannot_read_is_unavailable():
    # `lvs --noheadings --separator : -o lv_attr,lv_name,...`: volumes it cannot read are not
    # "no volumes" (a cache origin and a snapshot are in there)
    with pytest.raises(ProbeUnavailable):
        parse_lvs(out("linux-lvs-separator-collection.txt", 2))


def test_it_reads_3par_maps_whose_path_lines_start_in_the_first_column():
    maps = parse_multipath(out("linux-multipath-l-3par-ralph.txt"))
    assert [(m.name, m.dm, m.vendor, len(m.paths)) for m in maps] == [
        ("mpath2", "dm-11", "3PARdata,VV", 4),
        ("mpath1", "dm-7", "3PARdata,VV", 4),
        ("mpath3", "dm-2", "3PARdata,VV", 4),
    ]


def test_it_reads_partitionable_cciss_and_imsm_arrays():
    (d0,) = parse_mdstat(out("linux-proc-mdstat-insights-collection.txt", 0))
    assert (d0.name, d0.level, d0.degraded) == ("md_d0", "raid5", False)
    assert "cciss/c0d0p1" in d0.devices
    (imsm,) = parse_mdstat(out("linux-proc-mdstat-insights-collection.txt", 1))
    assert (imsm.state, imsm.level, imsm.devices) == ("inactive", "", ["sdb(S)", "sda(S)"])
    arrays = parse_mdstat(out("linux-proc-mdstat-insights-collection.txt", 2))
    assert [(a.name, a.slots) for a in arrays][-1] == ("md3", "[10/10] [UUUUUUUUUU]")


def test_it_skips_the_locking_warning_lvs_prints_before_its_header():
    volumes = parse_lvs(out("linux-lvs-rhel-locking-disabled-warning.txt"))
    assert len(volumes) == 9 and {v.vg for v in volumes} == {"vg_root"}
    assert (volumes[0].name, volumes[0].size, volumes[0].origin) == ("lv_app", "71.63g", "")


def test_it_reads_netapp_luns_without_friendly_names_over_two_path_groups():
    for block in (0, 1):
        (lun,) = parse_multipath(out("linux-multipath-netapp-alua-collection.txt", block))
        assert (lun.vendor, len(lun.paths)) == ("NETAPP,LUN C-Mode", 8)
        assert lun.name == lun.wwid and lun.name.startswith("3600a098")
