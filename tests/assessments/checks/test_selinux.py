from assessments.checks.selinux import SELinuxMode
from tests.assessments.parsers.linux.samples import facts, missing, out, text

NO_SELINUX_MOUNTS = text("/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\n")
NO_CONFIG = text("", 1, "cat: /etc/selinux/config: No such file or directory\n")


def evaluate(**probes):
    (finding,) = SELinuxMode().evaluate(facts(**probes))
    return finding


def test_enforcing_is_a_warning():
    finding = evaluate(getenforce=text("Enforcing\n"), selinux_config=text("SELINUX=enforcing\n"))
    assert (finding.check, finding.severity) == ("selinux.mode", "warning")
    assert "enforcing (configured: enforcing)" in finding.title


def test_permissive_from_sestatus_is_info_as_the_catalogue_says():
    finding = evaluate(
        getenforce=missing("getenforce"), sestatus=out("linux-sestatus-v-b-permissive.txt")
    )
    assert finding.severity == "info"
    assert "Current mode:                   permissive" in finding.evidence


def test_the_configured_mode_comes_from_sestatus_when_the_config_is_unreadable():
    finding = evaluate(
        getenforce=text("Permissive\n"),
        sestatus=out("linux-sestatus-v-b-permissive.txt"),
        selinux_config=text("", 1, "cat: /etc/selinux/config: Permission denied\n"),
    )
    assert "permissive (configured: permissive)" in finding.title
    assert "permission denied" in finding.evidence


def test_a_debian_host_without_selinux_is_info():
    finding = evaluate(
        getenforce=missing("getenforce"),
        sestatus=missing("sestatus"),
        selinux_config=NO_CONFIG,
        proc_mounts=NO_SELINUX_MOUNTS,
    )
    assert finding.severity == "info"
    assert "configured: not configured" in finding.title
    assert "cat /etc/selinux/config: the file does not exist" in finding.evidence


def test_disabled_with_an_invalid_configured_mode_is_info_and_says_so():
    finding = evaluate(
        getenforce=text("Disabled\n"), selinux_config=out("linux-etc-selinux-config.txt")
    )
    assert finding.severity == "info"
    assert "'enabled' is not a valid mode" in finding.evidence


def test_disabled_now_but_enforcing_at_next_boot_warns():
    finding = evaluate(getenforce=text("Disabled\n"), selinux_config=text("SELINUX=enforcing\n"))
    assert finding.severity == "warning"
    assert "next boot" in finding.title


def test_the_enforce_file_is_used_when_tools_are_missing():
    mounts = text("/dev/vda / ext4 rw 0 0\nselinuxfs /selinux selinuxfs rw 0 0\n")
    finding = evaluate(
        getenforce=missing("getenforce"), selinux_enforce=text("1\n"), proc_mounts=mounts
    )
    assert finding.severity == "warning"


def test_permission_denied_everywhere_is_unknown():
    denied = text("", 1, "sudo: a password is required\n")
    finding = evaluate(getenforce=denied, sestatus=denied, selinux_config=denied)
    assert finding.severity == "unknown"


def test_rhel_5_sestatus_enforcing_is_a_warning():
    sample = out("linux-sestatus-rhel5-6-policy-from-config-collection.txt", block=0)
    finding = evaluate(getenforce=missing("getenforce"), sestatus=sample, selinux_config=NO_CONFIG)
    assert finding.severity == "warning"
    assert "Policy from config file:        targeted" in finding.evidence


def test_permissive_now_and_disabled_in_the_config_is_info():
    sample = out("linux-sestatus-rhel5-6-policy-from-config-collection.txt", block=1)
    finding = evaluate(getenforce=missing("getenforce"), sestatus=sample, selinux_config=NO_CONFIG)
    assert finding.severity == "info"
    assert "permissive (configured: disabled)" in finding.title


def test_a_config_with_a_trailing_comment_still_names_the_configured_mode():
    config = out("linux-etc-selinux-config-inline-comments-collection.txt", block=0)
    finding = evaluate(getenforce=text("Permissive\n"), selinux_config=config)
    assert finding.severity == "info"
    assert "permissive (configured: disabled)" in finding.title


def test_sestatus_enabled_without_a_readable_mode_is_never_info():
    # Only the status line (output cut, or a mode word this parser does not know): the
    # runtime mode is not known, so the check falls back or says unknown.
    cut = text(
        "SELinux status:                 enabled\nSELinuxfs mount:                /selinux\n"
    )
    finding = evaluate(getenforce=missing("getenforce"), sestatus=cut, selinux_config=NO_CONFIG)
    assert finding.severity == "unknown"


def test_an_mls_policy_is_a_warning_even_when_permissive():
    # restrictions.md L4: mls/strict policies (compliance profiles) are a warning or more.
    finding = evaluate(
        getenforce=text("Permissive\n"),
        sestatus=out("linux-sestatus-rhel8-mls-permissive.txt"),
        selinux_config=NO_CONFIG,
    )
    assert finding.severity == "warning"
    assert "mls" in finding.title and "Loaded policy name:             mls" in finding.evidence


def test_an_mls_policy_named_by_the_config_alone_is_a_warning():
    finding = evaluate(
        getenforce=text("Enforcing\n"),
        selinux_config=text("SELINUX=enforcing\nSELINUXTYPE=mls\n"),
    )
    assert finding.severity == "warning" and "mls" in finding.title
