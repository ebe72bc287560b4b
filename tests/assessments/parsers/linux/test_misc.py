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


def test_it_reads_rsync_versions_old_new_and_development():
    sample = "linux-rsync-version-first-line-collection.txt"
    found = [(v.version, v.protocol) for v in (parse_rsync(out(sample, block=b)) for b in range(3))]
    assert found == [("2.6.8", 29), ("3.2.4", 31), ("3.1.0dev", 31)]


def test_sles_11_sp4_is_read_from_its_os_release_before_suse_release():
    release = parse_os_release(out("linux-distfiles-sles114.txt"))
    assert (release.id, release.version_id) == ("sles", "11.4")
    assert release.pretty_name == "SUSE Linux Enterprise Server 11 SP4"
