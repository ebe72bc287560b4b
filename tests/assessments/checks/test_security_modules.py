from assessments.checks.security_modules import AppArmor, AuditRules
from tests.assessments.parsers.linux.samples import facts, missing, out, text

AA = "linux-aa-status-collection.txt"
AUDIT = "linux-auditctl-l-collection.txt"


def apparmor(sample):
    (finding,) = AppArmor().evaluate(facts(apparmor=sample))
    return finding


def audit(sample):
    (finding,) = AuditRules().evaluate(facts(auditctl=sample))
    return finding


def test_enforced_profiles_are_a_warning():
    finding = apparmor(out(AA, block=3))
    assert (finding.check, finding.severity) == ("security_modules.apparmor", "warning")
    assert "18 profiles in enforce mode, 7 processes confined" in finding.title


def test_enforce_profiles_without_confined_processes_are_still_a_warning():
    assert apparmor(out(AA, block=0)).severity == "warning"


def test_apparmor_not_loaded_or_not_mounted_passes():
    assert apparmor(out(AA, block=1, rc=1)).severity == "pass"
    assert apparmor(out(AA, block=2, rc=3)).severity == "pass"
    assert apparmor(missing("aa-status")).severity == "pass"


def test_complain_mode_only_is_info():
    sample = text(
        "apparmor module is loaded.\n3 profiles are loaded.\n0 profiles are in enforce mode.\n"
        "3 profiles are in complain mode.\n"
    )
    assert apparmor(sample).severity == "info"


def test_aa_status_without_privileges_is_unknown():
    denied = text("", 4, "You do not have enough privilege to read the profile set.\n")
    assert apparmor(denied).severity == "unknown"


def test_audit_rules_are_a_warning():
    finding = audit(out(AUDIT, block=1))
    assert (finding.check, finding.severity) == ("security_modules.audit", "warning")
    assert "9 audit rules" in finding.title


def test_old_list_rules_are_a_warning_too():
    assert audit(out(AUDIT, block=3)).severity == "warning"


def test_no_rules_passes_and_task_never_is_info():
    assert audit(out(AUDIT, block=0)).severity == "pass"
    assert audit(out(AUDIT, block=2)).severity == "info"


def test_auditctl_missing_passes_and_denied_is_unknown():
    assert audit(missing("auditctl")).severity == "pass"
    assert (
        audit(
            text("", 1, "Error sending rule list data request (Operation not permitted)\n")
        ).severity
        == "unknown"
    )


OLD_AA = "linux-aa-status-ubuntu-910-1010-collection.txt"


def test_real_ubuntu_910_to_1010_enforced_profiles_are_a_warning():
    findings = [AppArmor().evaluate(facts(apparmor=out(OLD_AA, i)))[0] for i in range(3)]
    assert [f.severity for f in findings] == ["warning"] * 3
    assert [f.title.split(": ")[1] for f in findings] == [
        "10 profiles in enforce mode, 2 processes confined",
        "5 profiles in enforce mode, 1 processes confined",
        "3 profiles in enforce mode, 0 processes confined",
    ]
    assert "/usr/sbin/mysqld" in findings[1].remediation


# -- session 20: more real aa-status and old auditctl outputs ---------------------------------

MORE_AA = "linux-aa-status-ubuntu-arch-docker-collection.txt"
LIST_RULES = "linux-auditctl-l-list-rules-rhel5-6-collection.txt"


def test_real_enforced_profiles_of_ubuntu_arch_and_docker_hosts_are_a_warning():
    expected = {
        0: ("14 profiles", "/usr/sbin/mysqld"),
        1: ("50 profiles", ""),
        2: ("1 profiles", "docker-default"),
        3: ("1 profiles", "/usr/sbin/slapd"),
    }
    for block, (count, name) in expected.items():
        finding = apparmor(out(MORE_AA, block))
        assert finding.severity == "warning" and count in finding.title, block
        assert name in (finding.remediation or "")
        assert "..." not in (finding.remediation or "")  # upstream elisions are no profile


def test_a_loaded_module_without_policy_passes():
    # aa-status exits 2 when AppArmor is enabled but no policy is loaded.
    assert apparmor(out(MORE_AA, 4, rc=2)).severity == "pass"
    assert apparmor(out(MORE_AA, 4)).severity == "pass"


def test_real_list_rules_of_rhel_5_and_6_are_a_warning_with_each_rule_as_evidence():
    counts = {0: 1, 1: 1, 2: 1, 3: 3}
    for block, count in counts.items():
        finding = audit(out(LIST_RULES, block))
        assert finding.severity == "warning" and finding.title.startswith(f"{count} audit rules")
    assert "dir=/tmp (0x4) perm=rwxa key=TEST" in audit(out(LIST_RULES, 0)).evidence
