import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.netlinks import parse_ip_link, parse_ip_xfrm
from tests.assessments.parsers.linux.samples import out, text

OPENSTACK = "linux-ip-d-link-openstack-compute-linuxbridge.txt"


def by_name(sample):
    return {link.name: link for link in parse_ip_link(sample).links}


def test_it_reads_link_kinds_from_the_details():
    links = by_name(out(OPENSTACK))
    assert links["brq6d947ca8-d4"].kind == "bridge"
    assert (links["tap9d34b34b-3f"].kind, links["tap9d34b34b-3f"].tun_mode) == ("tun", "tap")
    assert links["tap9d34b34b-3f"].master == "brq6d947ca8-d4"
    assert links["vxlan-267"].kind == "vxlan"
    assert links["eth0"].kind == "" and links["eth3"].kind == ""


def test_it_reads_vlan_parents_tunnels_and_link_types():
    links = by_name(out("linux-ip-d-s-link-ohai.txt"))
    assert (links["eth0.11"].kind, links["eth0.11"].parent) == ("vlan", "eth0")
    assert (links["tun0"].link_type, links["venet0"].link_type) == ("none", "void")
    assert (links["ip6tnl0"].kind, links["ip6tnl0"].parent) == ("ip6tnl", "NONE")


def test_it_reads_one_line_output():
    links = by_name(
        text(
            "7: tap0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT"
            " qlen 1000\\    link/ether f2:9a:1c:44:aa:01 brd ff:ff:ff:ff:ff:ff promiscuity 0"
            " \\    tun type tap pi off vnet_hdr on persist on user sre\n"
        )
    )
    assert links["tap0"].tun_mode == "tap"


def test_it_refuses_output_without_links():
    with pytest.raises(ProbeUnavailable):
        parse_ip_link(text('Object "link" is unknown, try "ip help".\n'))


def test_it_reads_ipsec_security_associations_without_their_keys():
    states = parse_ip_xfrm(out("linux-ip-xfrm-state-sles-strongswan.txt")).states
    assert [(s.src, s.dst, s.proto, s.spi, s.mode) for s in states] == [
        ("192.168.140.200", "192.168.140.205", "esp", "0x0879355b", "tunnel"),
        ("192.168.140.205", "192.168.140.200", "esp", "0x1c0d7b38", "tunnel"),
    ]
    assert not any("0xb8dd42a1" in line for s in states for line in s.lines)


def test_it_reads_no_state_and_the_probes_note():
    assert parse_ip_xfrm(text("")).states == []
    skipped = parse_ip_xfrm(
        text("# p2c: xfrm_user and af_key are not loaded: no IPsec state (not listed)\n")
    )
    assert skipped.states == [] and skipped.note.startswith("xfrm_user and af_key")


TUN_WG = "linux-ip-d-link-tun-wireguard-collection.txt"


def test_it_reads_a_real_one_line_tun_device_with_backslash_separators():
    (link,) = parse_ip_link(out(TUN_WG, 0)).links
    assert (link.name, link.link_type, link.kind, link.tun_mode) == ("tun0", "none", "tun", "tun")


def test_it_reads_real_wireguard_and_persistent_tun_links():
    kinds = [
        [(link.name, link.kind, link.tun_mode) for link in parse_ip_link(out(TUN_WG, i)).links]
        for i in (1, 2, 3)
    ]
    assert kinds == [
        [("wg0", "wireguard", "")],
        [("kilo0", "wireguard", "")],
        [("tun0", "tun", "tun")],
    ]


def test_it_reads_a_real_ppp_link_whose_detail_kind_is_ppp():
    (link,) = parse_ip_link(out("linux-ip-d-link-ppp0.txt")).links
    assert (link.name, link.link_type, link.flags[0]) == ("ppp0", "ppp", "POINTOPOINT")


ARPHRD_NONE = "linux-ip-link-arphrd-none-tun-collection.txt"


def test_numeric_link_types_of_old_iproute2_are_named_by_their_arp_type():
    # iproute2 that has no name for ARPHRD_NONE prints `link/[65534]` (tun devices).
    assert by_name(out(ARPHRD_NONE, 0))["tun0"].link_type == "none"
    assert by_name(out(ARPHRD_NONE, 3))["edw-multisite"].link_type == "none"
    assert by_name(out(ARPHRD_NONE, 4))["ip.tun2"].link_type == "ipip"
