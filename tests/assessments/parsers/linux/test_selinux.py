from assessments.facts import Absent
from assessments.parsers.linux.selinux import (
    parse_enforce_file,
    parse_getenforce,
    parse_selinux_config,
    parse_sestatus,
)
from tests.assessments.parsers.linux.samples import judged, missing, out, text


def test_an_invalid_configured_mode_is_unknown_without_crashing():
    config = parse_selinux_config(out("linux-etc-selinux-config.txt"))
    assert (config.mode, config.raw_mode, config.policy_type) == ("unknown", "enabled", "targeted")


def test_it_reads_sestatus_up_to_the_first_blank_line():
    status = parse_sestatus(out("linux-sestatus-v-b-permissive.txt"))
    assert (status.status, status.current_mode, status.config_mode) == (
        "enabled",
        "permissive",
        "permissive",
    )
    assert status.policy == "test"
    assert not any("secure_mode_policyload" in line for line in status.lines)


def test_getenforce_words_become_modes():
    assert parse_getenforce(text("Enforcing\n")) == "enforcing"
    assert parse_getenforce(text("Disabled\n")) == "disabled"


def test_command_not_found_is_never_a_mode():
    bash = text("", 127, "bash: getenforce: command not found\n")
    assert isinstance(judged("getenforce", bash, parse_getenforce), Absent)
    assert isinstance(judged("getenforce", missing("getenforce"), parse_getenforce), Absent)


def test_the_enforce_file_gives_the_runtime_mode():
    assert parse_enforce_file(text("1\n")) == "enforcing"
    assert parse_enforce_file(text("0\n")) == "permissive"
    assert parse_enforce_file(text("")) == "disabled"


def test_a_missing_config_file_is_reported_as_such():
    gone = text("", 1, "cat: /etc/selinux/config: No such file or directory\n")
    result = judged("selinux_config", gone, parse_selinux_config)
    assert isinstance(result, Absent) and "cat /etc/selinux/config" in result.evidence


OLD_SESTATUS = "linux-sestatus-rhel5-6-policy-from-config-collection.txt"


def test_it_reads_the_rhel_5_sestatus_layout():
    status = parse_sestatus(out(OLD_SESTATUS, block=0))
    assert (status.status, status.current_mode, status.config_mode) == (
        "enabled",
        "enforcing",
        "enforcing",
    )
    assert status.policy == "targeted"  # "Policy from config file"
    other = parse_sestatus(out(OLD_SESTATUS, block=1))
    assert (other.current_mode, other.config_mode) == ("permissive", "disabled")


def test_a_comment_after_the_configured_mode_is_no_part_of_it():
    # The boot scripts source the file as shell and libselinux reads the word: a trailing
    # `# comment` (common in setup guides) leaves the mode readable.
    sample = "linux-etc-selinux-config-inline-comments-collection.txt"
    for block in (0, 1):
        config = parse_selinux_config(out(sample, block=block))
        assert (config.mode, config.raw_mode) == ("disabled", "disabled")
