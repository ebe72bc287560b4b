from assessments.parsers.linux.raw import parse_oracleasm, parse_raw_qa, parse_rawdevices_config
from tests.assessments.parsers.linux.samples import out, text
from tests.conftest import sample_bytes

RAW_SAMPLE = "linux-raw-qa-spaces-and-rawdevices-rhel5.txt"


def test_it_reads_raw_qa_with_two_spaces():
    bindings = parse_raw_qa(out(RAW_SAMPLE, block=2))
    assert [(b.device, b.major, b.minor) for b in bindings] == [
        ("/dev/raw/raw1", 8, 16),
        ("/dev/raw/raw2", 8, 32),
    ]


def test_it_reads_raw_qa_with_a_tab():
    (binding,) = parse_raw_qa(text("/dev/raw/raw7:\tbound to major 253, minor 4\n"))
    assert (binding.major, binding.minor) == (253, 4)


def test_it_reads_the_rawdevices_config():
    entries = parse_rawdevices_config(out(RAW_SAMPLE, block=0))
    assert (entries[0].raw, entries[0].block) == ("/dev/raw/raw1", "/dev/sda1")
    assert len(entries) == 3


def test_it_reads_asm_labels_one_per_line():
    sample = "linux-oracleasm-listdisks-status-querydisk.txt"
    assert parse_oracleasm(out(sample, block=1)) == ["ASMSP", "DATA", "DATA1", "FRA"]
    assert parse_oracleasm(text("")) == []


STOCK_NODES = "linux-udev-rules-stock-raw-nodes-collection.txt"


def test_stock_udev_rules_naming_raw_nodes_are_no_binding():
    # udev's own rules name the nodes (NAME="raw/%k", GROUP="disk") on every host; RHEL 5
    # keeps them in /etc/udev/rules.d/50-udev.rules, next to firewire's raw1394.
    for block in (0, 1, 2):
        assert parse_rawdevices_config(out(STOCK_NODES, block=block)) == []


def test_a_udev_rule_giving_raw_nodes_to_oracle_counts():
    (entry,) = parse_rawdevices_config(out(STOCK_NODES, block=3))
    assert entry.raw == "/dev/raw/raw[1-2]"


def test_it_reads_the_udev_raw_bindings_of_a_rac_node():
    entries = parse_rawdevices_config(out("linux-udev-60-raw-rules-rhel6-rac.txt", block=0))
    assert len(entries) == 14  # 7 RUN+="/bin/raw ..." bindings, 7 nodes owned by grid
    assert entries[0].raw == "/dev/raw/raw1"
    bindings = parse_raw_qa(out("linux-udev-60-raw-rules-rhel6-rac.txt", block=1))
    assert [(b.device, b.minor) for b in bindings] == [("/dev/raw/raw1", 17), ("/dev/raw/raw2", 33)]


def test_it_reads_udev_raw_bindings_by_disk_multipath_and_lvm_name():
    sample = "linux-udev-60-raw-rules-centos7-collection.txt"
    for block in range(4):
        (entry,) = parse_rawdevices_config(out(sample, block=block))
        assert entry.raw.startswith("/dev/raw/raw")


def test_it_reads_the_sles_etc_raw_config():
    entries = parse_rawdevices_config(
        text("==> /etc/raw <==\n" + sample_bytes("linux-etc-raw-sles11.txt").decode())
    )
    assert [(e.raw, e.block) for e in entries] == [
        ("/dev/raw/raw1", "/dev/sdb1"),
        ("/dev/raw/raw2", "/dev/sdb2"),
        ("/dev/raw/raw3", "/dev/sdb3"),
    ]
