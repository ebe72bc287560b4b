from assessments.checks.xattrs import ExtendedAttributes
from assessments.facts import ProbeOutput
from tests.assessments.parsers.linux.samples import facts, missing, out, severities, text


def evaluate(probe):
    return ExtendedAttributes().evaluate(facts(getfattr=probe))


def test_the_journal_acls_of_a_stock_system_are_info():
    (finding,) = evaluate(out("linux-getfattr-posix-acl-journal-ubuntu.txt"))
    assert (finding.check, finding.severity) == ("xattrs.scan", "info")
    assert "/var/log/journal: system.posix_acl_access, system.posix_acl_default" in (
        finding.evidence
    )


def test_acls_on_application_data_are_a_warning():
    data = "# file: /srv/share\nsystem.posix_acl_access=0sAgAAAAEABwD/////\n"
    (finding,) = evaluate(text(data))
    assert finding.severity == "warning"
    assert "POSIX ACLs" in finding.title


def test_file_capabilities_are_listed():
    data = "# p2c: scanning /\n# file: /usr/bin/ping\nsecurity.capability=0sAQAAAgAgAAAA\n"
    (finding,) = evaluate(text(data))
    assert finding.severity == "warning"
    assert "/usr/bin/ping: security.capability" in finding.evidence


def test_selinux_labels_alone_pass():
    (finding,) = evaluate(out("linux-getfattr-selinux-auditlog.txt"))
    assert finding.severity == "pass"
    assert "1 files with SELinux labels only" in finding.title


def test_ima_hashes_are_other_attributes():
    (finding,) = evaluate(out("linux-getfattr-ima-selinux-sbin-init.txt"))
    assert finding.severity == "warning"
    assert "/sbin/init: security.ima" in finding.evidence


def test_a_scan_cut_short_without_findings_is_unknown():
    data = "# p2c: scanning /\n# p2c: scan incomplete: stopped after 20000 lines\n"
    (finding,) = evaluate(text(data))
    assert finding.severity == "unknown"
    assert "cut short: stopped after 20000 lines" in finding.title


def test_a_scan_cut_short_with_findings_says_more_may_exist():
    data = b'# file: /data/a\nuser.mime_type="text/plain"\n'
    findings = evaluate(ProbeOutput(data, b"", None, truncated=True))
    assert severities(findings) == ["warning", "warning"]
    assert "more files than listed" in findings[1].title


def test_a_missing_getfattr_is_unknown():
    (finding,) = evaluate(missing("getfattr"))
    assert finding.severity == "unknown"
    assert "attr package" in finding.remediation


def scanned(sample, block=0):
    """A sample's getfattr output as the probe prints it (one `# p2c: scanning` line)."""
    return text("# p2c: scanning /\n" + out(sample, block=block).stdout.decode())


def test_a_glusterfs_brick_is_a_blocker():
    # restrictions.md L5: GlusterFS bricks become unusable without their trusted.* metadata.
    for block in (0, 1):
        findings = evaluate(scanned("linux-getfattr-glusterfs-brick-collection.txt", block))
        assert severities(findings) == ["blocker"], block
        assert "GlusterFS" in findings[0].title
        assert "trusted.gfid, trusted.glusterfs.dht" in findings[0].evidence


def test_a_swift_object_store_is_a_blocker():
    (finding,) = evaluate(scanned("linux-getfattr-names-swift-object.txt"))
    assert finding.severity == "blocker" and "Swift" in finding.title
    assert "/1412011351.04987.data: user.swift.metadata" in finding.evidence
