from assessments.parsers.linux.raw import parse_oracleasm, parse_raw_qa, parse_rawdevices_config
from tests.assessments.parsers.linux.samples import out, text

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
