from assessments.parsers.linux.addresses import parse_ip_addr
from assessments.parsers.linux.macs import (
    inventory_from_links,
    normalise_mac,
    parse_bonding_lines,
    parse_sys_net,
    vm_vendor,
)
from tests.assessments.parsers.linux.samples import blocks, out, text


def test_it_normalises_every_notation():
    forms = ["00:1A:2B:3C:4D:5E", "001a2b3c4d5e", "00-1a-2b-3c-4d-5e", "001A.2B3C.4D5E"]
    assert {normalise_mac(form) for form in forms} == {"001a2b3c4d5e"}


def test_it_rejects_zero_broadcast_and_long_addresses():
    assert normalise_mac("00:00:00:00:00:00") is None
    assert normalise_mac("ff:ff:ff:ff:ff:ff") is None
    assert normalise_mac("00-00-00-00-00-00-00-00-00-00-00-00-00-00-00-00") is None
    assert normalise_mac("80:00:02:08:fa:81:00:00:00:00:00:00:00:23:7d:ff:ff:94:73:fd") is None


def test_it_reads_permanent_macs_of_bond_slaves():
    lines = blocks("linux-proc-net-bonding-bond0.txt")[0].decode().split("\n")
    assert parse_bonding_lines(lines) == {"eth2": "089e013a3240", "eth3": "089e013a3241"}


def test_bond_slaves_share_one_mac_and_infiniband_is_ignored():
    links = parse_ip_addr(out("linux-ip-o-link-bond-infiniband.txt")).links
    macs = inventory_from_links(links).macs()
    assert macs["08002729dca5"] == ["eth2", "eth3", "bond0"]
    assert all(len(mac) == 12 for mac in macs)
    assert "ib0" not in {name for names in macs.values() for name in names}


def test_it_uses_permanent_macs_from_the_sys_listing():
    bonding = blocks("linux-proc-net-bonding-bond0.txt")[0].decode()
    data = (
        "bond0 08:9e:01:3a:32:40 1\neth2 08:9e:01:3a:32:40 1\neth3 08:9e:01:3a:32:40 1\n"
        "lo 00:00:00:00:00:00 772\n"
        "ib0 80:00:02:08:fa:81:00:00:00:00:00:00:00:23:7d:ff:ff:94:73:fd 32\n"
        f"==> /proc/net/bonding/bond0 <==\n{bonding}"
    )
    macs = parse_sys_net(text(data)).macs()
    assert macs == {"089e013a3240": ["bond0", "eth2"], "089e013a3241": ["eth3"]}


def test_it_names_vm_vendors():
    assert vm_vendor("005056854406") == "VMware"


def test_macs_from_old_ifconfig_skip_the_infiniband_address():
    from assessments.parsers.linux.addresses import parse_ifconfig
    from assessments.parsers.linux.macs import inventory_from_links

    data = parse_ifconfig(out("linux-ifconfig-sles12-azure-hpc-infiniband-ipv6-only-nic.txt"))
    macs = inventory_from_links(data.links).macs()
    assert macs == {"000d3af98d15": ["eth0"], "00155d33ff25": ["eth1"]}
