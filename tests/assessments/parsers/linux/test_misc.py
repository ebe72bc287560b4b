from assessments.facts import Absent
from assessments.parsers.linux.os_release import parse_os_release
from assessments.parsers.linux.processes import matching, parse_ps
from assessments.parsers.linux.rsync import parse_rsync
from assessments.parsers.linux.sections import split_sections
from tests.assessments.parsers.linux.samples import judged, missing, out, text


def test_it_reads_os_release():
    release = parse_os_release(out("linux-os-release-virtuozzo.txt"))
    assert (release.id, release.version_id) == ("virtuozzo", "7")


def test_it_reads_concatenated_release_files():
    release = parse_os_release(out("linux-distfiles-centos67.txt"))
    assert "6.7" in release.pretty_name


def test_it_reads_the_rsync_version_line():
    version = parse_rsync(text("rsync  version 3.0.6  protocol version 30\n"))
    assert (version.version, version.protocol) == ("3.0.6", 30)


def test_a_missing_rsync_is_absent():
    assert isinstance(judged("rsync", missing("rsync"), parse_rsync), Absent)


def test_it_matches_processes_by_program_name():
    processes = parse_ps(text("USER PID COMMAND\nflexlm 812 /opt/flexlm/lmgrd -c /opt/lic.dat\n"))
    assert [(p.pid, what) for p, what in matching(processes, {"lmgrd": "FlexLM"})] == [
        (812, "FlexLM")
    ]


def test_sections_keep_text_before_the_first_header():
    assert split_sections("a\n==> /x <==\nb\n") == [("", ["a"]), ("/x", ["b"])]
