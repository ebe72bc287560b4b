from assessments.parsers.linux.licenses import parse_license_scan, parse_lmhostid, scan_text
from tests.assessments.parsers.linux.samples import blocks, text


def lines(name, block=0):
    return blocks(name)[block].decode().split("\n")


def test_it_finds_the_flexlm_hostid_as_a_mac():
    scanned = scan_text("/opt/ansys/license.dat", lines("linux-flexlm-license-header-ansys.txt"))
    assert list(scanned.macs) == ["005056854406"]
    assert scanned.servers == ["SERVER license3.Stanford.EDU 005056854406 27035"]
    assert scanned.is_license


def test_it_finds_a_lowercase_hostid_in_the_second_file():
    scanned = scan_text("/x/license.txt", lines("linux-flexlm-license-header-ansys.txt", 1))
    assert "68c6ac5d3be9" in scanned.macs


def test_the_increment_signature_is_not_a_mac():
    scanned = scan_text(
        "/x/license.dat", ["INCREMENT aa_mcad ansyslmd 9999.9999 14-sep-2014 250 85A8C486BC8B \\"]
    )
    assert scanned.macs == {}


def test_it_reads_lmhostid_outputs():
    sample = "linux-lmhostid-outputs-collection.txt"
    assert parse_lmhostid(lines(sample, 0)) == ["00123f7c25ed"]
    assert parse_lmhostid(lines(sample, 3)) == ["HOSTNAME=storage"]
    assert parse_lmhostid(lines(sample, 6)) == [
        "00155d90a4a9",
        "f889d2da54e1",
        "00155d5d3bc0",
        "d85ed381d398",
    ]


def test_it_reads_typed_host_ids():
    scanned = scan_text("/opt/x.lic", ["FEATURE f v 1.0 permanent uncounted HOSTID=00105a1b2c3d"])
    assert scanned.host_ids == ["HOSTID=00105a1b2c3d"]
    assert list(scanned.macs) == ["00105a1b2c3d"]


def test_it_splits_the_probe_sections():
    data = (
        "==> /etc/sysconfig/network-scripts/ifcfg-eth0 <==\nHWADDR=00:50:56:85:44:06\n"
        '==> lmhostid <==\nThe FlexNet host ID of this machine is "005056854406"\n'
        "==> hostid <==\n007f0100\n"
    )
    scan = parse_license_scan(text(data))
    (config,) = scan.files
    assert config.is_network_config and list(config.macs) == ["005056854406"]
    assert scan.lmhostids == ["005056854406"]
    assert scan.hostid == "007f0100"
