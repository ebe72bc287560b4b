from assessments.checks.nesting import SourceContainer
from tests.assessments.parsers.linux.samples import facts, out, text

CONTAINER = text("/proc/vz\n/proc/user_beancounters\n")
NODE = text("/proc/vz\n/proc/bc\n/proc/bc/0\n/proc/user_beancounters\n/vz/private\n")
SIMFS_ROOT = text("/dev/simfs / simfs rw,relatime,usrquota,grpquota 0 0\nproc /proc proc rw 0 0\n")


def evaluate(**probes):
    (finding,) = SourceContainer().evaluate(facts(**probes))
    return finding


def test_an_openvz_container_is_told_to_migrate_ct_to_ct():
    finding = evaluate(
        virt_markers=CONTAINER, ifconfig=out("linux-ifconfig-openvz-container-venet0.txt")
    )
    assert (finding.check, finding.severity) == ("nesting.source_container", "info")
    assert "vzmigrate" in finding.title
    assert "venet0 carries IPv4 127.0.0.1" in finding.evidence


def test_a_simfs_root_is_shown_as_evidence():
    finding = evaluate(virt_markers=CONTAINER, proc_mounts=SIMFS_ROOT)
    assert "container root file system: /dev/simfs / simfs" in finding.evidence


def test_a_hardware_node_is_told_apart_from_a_container():
    finding = evaluate(
        virt_markers=NODE, ifconfig=out("linux-ifconfig-a-aliases-vlan-venet-ohai.txt")
    )
    assert finding.severity == "blocker"
    assert "hardware node" in finding.title and "container to container" not in finding.title
    assert "venet0 without IPv4 addresses (a hardware node)" in finding.evidence


def test_a_plain_server_passes():
    assert evaluate(virt_markers=text("/dev/net/tun\n")).severity == "pass"


def test_an_older_capture_without_the_markers_is_unknown_even_with_venet0():
    finding = evaluate(ifconfig=out("linux-ifconfig-openvz-container-venet0.txt"))
    assert finding.severity == "unknown"
