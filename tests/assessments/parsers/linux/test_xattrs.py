from assessments.facts import ProbeOutput
from assessments.parsers.linux.xattrs import kind_of, parse_getfattr
from tests.assessments.parsers.linux.samples import out, text


def test_it_reads_posix_acls_of_the_journal():
    scan = parse_getfattr(out("linux-getfattr-posix-acl-journal-ubuntu.txt"))
    (journal,) = scan.files
    assert journal.path == "/var/log/journal"
    assert {kind_of(name) for name in journal.names} == {"acl"}


def test_it_tells_ima_from_selinux_labels():
    (init,) = parse_getfattr(out("linux-getfattr-ima-selinux-sbin-init.txt")).files
    assert [kind_of(name) for name in init.names] == ["other", "selinux"]


def test_it_notices_a_scan_cut_short_by_the_line_limit():
    data = (
        '# p2c: scanning /\n# file: /a\nuser.x="1"\n'
        "# p2c: scan incomplete: stopped after 20000 lines\n"
    )
    scan = parse_getfattr(text(data))
    assert scan.scanned == ["/"]
    assert scan.incomplete == "stopped after 20000 lines"


def test_output_cut_by_the_collector_is_incomplete():
    scan = parse_getfattr(ProbeOutput(b"# file: /a\nuser.x=1\n", b"", None, truncated=True))
    assert scan.incomplete


def test_capabilities_are_their_own_kind():
    assert kind_of("security.capability") == "capability"
    assert kind_of("trusted.glusterfs.volume-id") == "gluster"
    assert kind_of("trusted.overlay.opaque") == "trusted"
    assert kind_of("user.swift.metadata") == "swift"


def test_it_reads_no_further_than_twice_the_probes_line_limit():
    files = b"".join(b"# file: srv/f%d\nuser.x=1\n\n" % n for n in range(100_000))
    scan = parse_getfattr(ProbeOutput(files, b"", 0))
    assert len(scan.files) < 15_000  # 40,000 lines of 3 per file, not 100,000 files
    assert "more than 40,000 lines" in scan.incomplete


def test_output_of_exactly_the_lines_allowed_is_complete():
    lines = b"# file: srv/f\n" + b"user.x=1\n" * 39_999
    assert parse_getfattr(ProbeOutput(lines, b"", 0)).incomplete == ""
    longer = parse_getfattr(ProbeOutput(lines + b"user.y=1\n", b"", 0))
    assert "more than 40,000 lines" in longer.incomplete
