from assessments.facts import Absent, ProbeOutput
from assessments.parsers.linux.quotas import parse_quotaon, quota_options
from tests.assessments.parsers.linux.samples import blocks, judged, missing, out


def test_it_reads_quota_on_lines():
    states = parse_quotaon(out("linux-quotaon-ap-ubuntu-on-off.txt"))
    assert [(s.kind, s.target, s.device, s.on) for s in states] == [
        ("group", "/", "/dev/sda1", True),
        ("user", "/", "/dev/sda1", True),
    ]


def test_it_reads_off_lines_after_quotaoff():
    states = parse_quotaon(out("linux-quotaon-ap-ubuntu-on-off.txt", block=1))
    assert not any(state.on for state in states)


def test_it_reads_project_quota_lines():
    states = parse_quotaon(out("linux-quotaon-p-with-project.txt"))
    assert [(s.kind, s.on) for s in states][-1] == ("project", False)


def test_it_ignores_an_exit_status_that_lies():
    data = blocks("linux-quotaon-ap-ubuntu-on-off.txt")[0]
    assert all(state.on for state in parse_quotaon(ProbeOutput(data, b"", 1)))


def test_it_reads_the_off_text_printed_on_stderr():
    data = blocks("linux-quotaon-ap-ubuntu-on-off.txt")[1]
    assert len(parse_quotaon(ProbeOutput(b"", data, 0))) == 2


def test_missing_quota_tools_are_absent():
    assert isinstance(judged("quotaon", missing("quotaon"), parse_quotaon), Absent)


def test_noquota_is_no_quota_option():
    assert quota_options(("rw", "attr2", "noquota")) == []
    assert quota_options(("rw", "usrjquota=aquota.user", "jqfmt=vfsv0", "uquota")) == [
        "usrjquota=aquota.user",
        "uquota",
    ]


def test_it_reads_quota_states_of_home_with_a_trailing_blank():
    sample = "linux-quotaon-p-home-gentoo-debian-collection.txt"
    gentoo = parse_quotaon(out(sample, block=0))
    assert [(s.kind, s.target, s.device, s.on) for s in gentoo] == [
        ("group", "/home", "/dev/sda10", True),
        ("user", "/home", "/dev/sda10", True),
    ]
    debian = parse_quotaon(out(sample, block=1))
    assert [(s.kind, s.on) for s in debian] == [("group", False), ("user", True)]
