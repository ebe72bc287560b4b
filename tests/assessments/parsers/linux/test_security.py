import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.security import parse_aa_status, parse_auditctl, task_never
from tests.assessments.parsers.linux.samples import out, text

AA = "linux-aa-status-collection.txt"
AUDIT = "linux-auditctl-l-collection.txt"


def test_it_counts_apparmor_profiles_by_mode():
    status = parse_aa_status(out(AA, block=0))
    assert status.loaded
    assert status.count("profiles in enforce mode") == 7
    assert status.count("profiles in complain mode") == 22
    assert status.count("processes in enforce mode") == 0
    assert "apt-cacher-ng" in status.names["profiles in enforce mode"]


def test_it_lists_confined_processes():
    status = parse_aa_status(out(AA, block=3))
    assert status.count("processes in enforce mode") == 7
    assert status.names["processes in enforce mode"][0] == "/sbin/dhclient (12496)"


def test_it_reads_old_apparmor_status_count_lines_ending_with_a_colon():
    status = parse_aa_status(
        text(
            "apparmor module is loaded.\n2 processes are in enforce mode :\n"
            "   /sbin/dhclient3 (1034)\n"
        )
    )
    assert status.count("processes in enforce mode") == 2


def test_it_refuses_output_that_is_no_apparmor_status():
    with pytest.raises(ProbeUnavailable):
        parse_aa_status(text("You do not have enough privilege to read the profile set.\n"))


def test_it_reads_no_audit_rules():
    assert parse_auditctl(out(AUDIT, block=0)).rules == []


def test_it_reads_audit_rules_across_a_blank_line():
    rules = parse_auditctl(out(AUDIT, block=1)).rules
    assert len(rules) == 9 and rules[0] == "-w /etc/selinux -p wa -k MAC-policy"


def test_the_stock_task_never_rule_is_not_an_effective_rule():
    assert parse_auditctl(out(AUDIT, block=2)).effective == []
    assert task_never("-a never,task") and not task_never("-a always,exit -S chmod")


def test_it_reads_the_old_list_rules_format():
    rules = parse_auditctl(out(AUDIT, block=3)).effective
    assert rules[0] == "LIST_RULES: exit,always watch=/etc/passwd perm=rwa key=password-file"


OLD_AA = "linux-aa-status-ubuntu-910-1010-collection.txt"


def test_it_reads_real_ubuntu_910_status_with_processes_in_each_mode():
    status = parse_aa_status(out(OLD_AA, 0))
    assert status.loaded
    assert (
        status.count("profiles in enforce mode"),
        status.count("profiles in complain mode"),
    ) == (
        10,
        1,
    )
    assert status.names["processes in enforce mode"] == [
        "/sbin/dhclient3 (2270)",
        "/usr/sbin/cupsd (1683)",
    ]
    assert status.names["processes in complain mode"] == ["/usr/sbin/ntpd (2627)"]


def test_it_reads_real_status_pasted_without_its_module_line():
    mysql, desktop = parse_aa_status(out(OLD_AA, 1)), parse_aa_status(out(OLD_AA, 2))
    assert not mysql.loaded and mysql.names["profiles in enforce mode"][-1] == "/usr/sbin/mysqld"
    assert (
        desktop.count("profiles in enforce mode"),
        desktop.count("processes in enforce mode"),
    ) == (
        3,
        0,
    )
