from assessments.facts import Absent
from assessments.parsers.linux.addresses import parse_ifconfig, parse_ip_addr
from tests.assessments.parsers.linux.samples import judged, missing, out


def pairs(interfaces):
    return [(a.label, a.address) for a in interfaces.addresses]


def test_it_reads_labels_and_ipv6_flags_of_ip_o():
    data = parse_ip_addr(out("linux-ip-o-addr-alias-label-ipv6.txt"))
    assert ("lo:alias6", "192.168.178.1") in pairs(data)
    global_v6 = next(a for a in data.addresses if a.address.startswith("2001:db8"))
    assert (global_v6.scope, global_v6.flags, global_v6.prefix) == ("global", ("nodad",), 64)


def test_it_reads_a_non_numeric_label_and_strips_the_link_parent():
    data = parse_ip_addr(out("linux-ip-addr-el8-label-srv.txt"))
    assert ("eth0:srv", "10.10.220.100") in pairs(data)
    assert "macvlan0" in data.links
    assert data.links["eth0"].mac == "e4:11:5b:ed:36:0c"


def test_it_keeps_the_same_address_on_two_alias_labels():
    data = parse_ip_addr(out("linux-ip-addr-glpi5-label-alias.txt"))
    assert [label for label, address in pairs(data) if address == "192.168.1.11"] == [
        "wlan0:0",
        "eth0:0",
    ]


def test_it_reads_old_iproute2_without_state():
    data = parse_ip_addr(out("linux-ip-addr-glpi3-no-state-rhel5.txt"))
    assert ("eth0", "10.40.1.16") in pairs(data)
    assert data.links["sit0"].link_type == "sit"


def test_it_reads_interleaved_link_and_address_lines():
    data = parse_ip_addr(out("linux-ip-o-a-links-and-addrs-busybox.txt", block=1))
    assert data.links["eth0"].mac == "02:64:0d:41:b0:69"
    assert ("eth0", "10.47.255.249") in pairs(data)


def test_it_takes_the_local_side_of_a_peer_address():
    data = parse_ip_addr(out("linux-ip-addr-glpi1-tun-ipv6-global.txt"))
    assert ("tun0", "192.168.41.6") in pairs(data)
    assert data.links["tun0"].link_type == "none"


def test_it_reads_infiniband_link_types():
    data = parse_ip_addr(out("linux-ip-o-link-bond-infiniband.txt"))
    assert data.links["ib0"].link_type == "infiniband"
    assert data.links["eth2"].master == "bond0"


def test_it_reads_net_tools_1_60_with_aliases_and_vlans():
    data = parse_ifconfig(out("linux-ifconfig-a-aliases-vlan-venet-ohai.txt"))
    assert ("eth0:5", "192.168.5.1") in pairs(data)
    assert ("eth0.11", "1111:2222:3333:4444::2") in pairs(data)
    assert data.links["foo:veth0@eth0"].mac == "ca:b3:73:8b:0c:e4"
    assert data.links["venet0"].link_type == "UNSPEC"
    assert data.links["eth3"].mac == "E8:39:35:C5:C8:54"


def test_it_reads_net_tools_2_with_a_label_interface():
    data = parse_ifconfig(out("linux-ifconfig-el8.txt"))
    srv = next(a for a in data.addresses if a.label == "eth0:srv")
    assert (srv.interface, srv.address, srv.prefix) == ("eth0", "10.10.220.100", 32)
    link_local = next(a for a in data.addresses if a.address.startswith("fe80"))
    assert link_local.scope == "link"


def test_it_parses_numbers_not_labels_in_a_french_locale():
    data = parse_ifconfig(out("linux-ifconfig-french-locale.txt"))
    wlan = [a for a in data.addresses if a.interface == "wlan0"]
    assert [(a.address, a.prefix, a.scope) for a in wlan] == [
        ("192.168.1.83", 24, ""),
        ("fe80::ae81:12ff:fe2d:8625", 64, "link"),
    ]


def test_it_reads_centos_5_ifconfig():
    data = parse_ifconfig(out("linux-ifconfig-a-centos55.txt"))
    assert ("eth0", "100.100.100.92") in pairs(data)


def test_a_missing_ip_tool_is_absent():
    result = judged("ip_addr", missing("ip"), parse_ip_addr)
    assert isinstance(result, Absent) and "not installed" in result.reason


def test_ip_o_addr_names_lose_their_at_peer_suffix_and_keep_alias_labels():
    data = parse_ip_addr(out("linux-ip-o-addr-veth-peer-index-secondary-label.txt"))
    found = [(a.interface, a.label, a.address) for a in data.addresses if a.family == "inet"]
    assert found == [
        ("lo", "lo", "127.0.0.1"),
        ("eth0", "eth0", "10.0.0.1"),
        ("eth0", "eth0:1", "10.0.0.9"),
        ("eth10", "eth10", "10.0.10.1"),
    ]
    assert "secondary" in data.addresses[3].flags


def test_rac_node_addresses_keep_the_vip_label_and_the_haip_link_local():
    data = parse_ip_addr(out("linux-ip-addr-rhel6-oracle-rac-vip-haip.txt"))
    labels = {a.address: a.label for a in data.addresses}
    assert labels["192.168.0.232"] == "eth0:1" and labels["169.254.43.21"] == "eth1:1"
    assert data.links["eth1"].mac == "00:0c:29:1e:dd:e5"


def test_old_ifconfig_with_infiniband_and_an_ipv6_only_nic():
    data = parse_ifconfig(out("linux-ifconfig-sles12-azure-hpc-infiniband-ipv6-only-nic.txt"))
    assert data.links["ib0"].link_type == "InfiniBand"
    assert [(a.label, a.address) for a in data.addresses if a.family == "inet"] == [
        ("eth0", "10.0.0.4"),
        ("ib0", "172.16.1.28"),
        ("lo", "127.0.0.1"),
    ]
    eth1 = [a for a in data.addresses if a.interface == "eth1"]
    assert [(a.family, a.scope) for a in eth1] == [("inet6", "link")]


def test_net_tools_2_names_the_link_type_in_brackets_and_warns_mid_block():
    # `Infiniband hardware address can be incorrect!` is printed at column 0 inside ib0's
    # block: no interface of its own.
    data = parse_ifconfig(out("linux-ifconfig-nettools2-hpc-login-infiniband-warning.txt"))
    assert sorted(data.links) == ["eth0", "eth1", "ib0", "lo"]
    assert (data.links["ib0"].link_type, data.links["eth0"].link_type) == ("InfiniBand", "Ethernet")
    assert data.links["lo"].link_type == "loopback"
    ib0 = [(a.address, a.scope) for a in data.addresses if a.interface == "ib0"]
    assert ("fd23:711a:2e3c:49e5:22f1:7c03:c4:adfa", "global") in ib0
