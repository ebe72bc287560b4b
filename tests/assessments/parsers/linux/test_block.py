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
