from assessments.checks.platforms import VZ7
from assessments.checks.privileged_networking import KernelIpsec, TunnelsAndBridges, VpnDaemons
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts, missing, out, text

PS = text("USER PID COMMAND\nroot 1 /sbin/init\n")
XFRM = "linux-ip-xfrm-state-sles-strongswan.txt"


def one(check, destination=None, **probes):
    findings = check().evaluate(facts(destination, **probes))
    return findings[0] if len(findings) == 1 else findings


def test_bridges_and_taps_need_container_features():
    finding = one(
        TunnelsAndBridges, ip_link=out("linux-ip-d-link-openstack-compute-linuxbridge.txt")
    )
    assert (finding.check, finding.severity) == ("privileged_networking.interfaces", "warning")
    assert "tap9d34b34b-3f (TAP device)" in finding.title and "vxlan-267" in finding.evidence
    assert "the bridge feature" in finding.remediation


def test_a_tun_device_is_a_warning_and_fallback_tunnels_are_ignored():
    finding = one(TunnelsAndBridges, ip_link=out("linux-ip-d-s-link-ohai.txt"))
    assert finding.severity == "warning" and "tun0 (TUN device)" in finding.title
    assert "ip6tnl0" not in finding.title


def test_vlans_are_info():
    sample = text(
        "3: eth0.11@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\n"
        "    link/ether 00:0c:29:41:71:45 brd ff:ff:ff:ff:ff:ff\n"
        "    vlan id 11 <REORDER_HDR>\n"
    )
    assert one(TunnelsAndBridges, ip_link=sample).severity == "info"


def test_wireguard_is_a_blocker():
    sample = text(
        "4: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN\n"
        "    link/none  promiscuity 0\n    wireguard addrgenmode none\n"
    )
    assert one(TunnelsAndBridges, ip_link=sample).severity == "blocker"


def test_without_ip_the_sys_class_net_types_tell():
    finding = one(
        TunnelsAndBridges,
        ip_link=missing("ip"),
        mac_addresses=text("eth0 00:50:56:8b:70:b7 1\nppp0  512\nsit0 00:00:00:00 776\n"),
    )
    assert finding.severity == "warning" and "ppp0 (PPP link)" in finding.title


def test_a_plain_host_passes_and_no_data_is_unknown():
    plain = text(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 16436 qdisc noqueue\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "3: sit0: <NOARP> mtu 1480 qdisc noop\n    link/sit 0.0.0.0 brd 0.0.0.0\n"
    )
    assert one(TunnelsAndBridges, ip_link=plain).severity == "pass"
    assert one(TunnelsAndBridges).severity == "unknown"


def test_ipsec_security_associations_are_a_blocker_on_the_strictest_platform():
    finding = one(KernelIpsec, ip_xfrm=out(XFRM), ps=PS)
    assert (finding.check, finding.severity) == ("privileged_networking.ipsec", "blocker")
    assert "strictest" in finding.evidence and "0xb8dd42a1" not in finding.evidence


def test_ipsec_is_a_warning_for_virtuozzo_7():
    finding = one(KernelIpsec, Destination("vz7", "linux", platform=VZ7), ip_xfrm=out(XFRM), ps=PS)
    assert finding.severity == "warning" and "Virtuozzo 7" in finding.evidence


def test_an_ike_daemon_without_state_is_a_warning():
    ps = text("USER PID COMMAND\nroot 1803 /usr/lib/ipsec/charon --use-syslog\n")
    assert one(KernelIpsec, ip_xfrm=text(""), ps=ps).severity == "warning"


def test_no_ipsec_passes_and_a_denied_listing_is_unknown():
    assert one(KernelIpsec, ip_xfrm=text(""), ps=PS).severity == "pass"
    denied = text("", 2, "RTNETLINK answers: Operation not permitted\n")
    assert one(KernelIpsec, ip_xfrm=denied, ps=PS).severity == "unknown"


def test_vpn_daemons_are_a_warning_naming_the_tun_device():
    ps = text("USER PID COMMAND\nnobody 900 /usr/sbin/openvpn --config server.conf\n")
    finding = one(VpnDaemons, ps=ps, virt_markers=text("/dev/net/tun\n"))
    assert (finding.check, finding.severity) == ("privileged_networking.vpn", "warning")
    assert "/dev/net/tun exists" in finding.evidence


def test_no_vpn_daemon_passes():
    assert one(VpnDaemons, ps=out("linux-ps-user-pid-args-centos7-docker.txt")).severity == "pass"


TUN_WG = "linux-ip-d-link-tun-wireguard-collection.txt"


def test_a_real_tun_device_in_one_line_output_is_a_warning():
    for block in (0, 3):
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(TUN_WG, block)))
        assert finding.severity == "warning" and "tun0 (TUN device)" in finding.title


def test_real_wireguard_links_are_a_blocker_whatever_their_name():
    for block, name in ((1, "wg0"), (2, "kilo0")):
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(TUN_WG, block)))
        assert finding.severity == "blocker" and finding.title == f"WireGuard interfaces: {name}"


def test_a_real_ppp_link_is_a_warning_by_its_link_type():
    (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out("linux-ip-d-link-ppp0.txt")))
    assert finding.severity == "warning" and "ppp0 (PPP link)" in finding.title
    assert "the ppp feature and /dev/ppp" in finding.remediation


ARPHRD_NONE = "linux-ip-link-arphrd-none-tun-collection.txt"


def test_tun_devices_of_any_name_are_told_by_their_link_type():
    for block, name in ((1, "vpn0"), (2, "truc0"), (3, "edw-multisite"), (4, "tunl1")):
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(ARPHRD_NONE, block)))
        assert finding.severity == "warning" and f"{name} (TUN device)" in finding.title


def test_an_old_wireguard_link_without_details_is_still_wireguard():
    (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(ARPHRD_NONE, 5)))
    assert finding.severity == "blocker" and finding.title == "WireGuard interfaces: wg0"


def test_bridges_without_details_are_told_by_the_links_they_are_master_of():
    # `ip link list` of an oVirt host: ovirtmgmt and on0445daeca7cf4 are bridges (bond0,
    # em2 and the vnetN of the guests are their ports); bond0 carries MASTER itself.
    sample = out("linux-ip-link-list-ovirt-host-bridges-no-details.txt")
    (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=sample))
    assert finding.severity == "warning"
    assert "ovirtmgmt (bridge)" in finding.title and "on0445daeca7cf4 (bridge)" in finding.title
    assert "bond0" not in finding.title and "tap2 (TAP device)" in finding.title


INSIGHTS = "linux-ip-s-link-insights-collection.txt"


def test_real_statistics_outputs_keep_their_verdicts():
    ppp_tun, ovs_gre, bond = (
        TunnelsAndBridges().evaluate(facts(ip_link=out(INSIGHTS, block)))[0] for block in (0, 1, 2)
    )
    assert ppp_tun.severity == "warning"
    assert "ppp0 (PPP link)" in ppp_tun.title and "tun0 (TUN device)" in ppp_tun.title
    assert "virbr0" in ppp_tun.evidence and "virbr0" not in ppp_tun.title
    assert ovs_gre.severity == "warning" and "gre1 (GRE tunnel)" in ovs_gre.title
    assert "br-int (Open vSwitch)" in ovs_gre.title and "gre0" not in ovs_gre.title
    assert bond.severity == "pass"


TRANSPORT = "linux-ip-xfrm-state-transport-collection.txt"


def test_real_transport_mode_sas_are_a_blocker_and_never_show_their_keys():
    for block, count in ((0, 2), (1, 1), (2, 1)):
        finding = one(KernelIpsec, ip_xfrm=out(TRANSPORT, block), ps=PS)
        assert finding.severity == "blocker"
        assert finding.title == f"Kernel IPsec in use: {count} IPsec security associations"
        assert "mode transport" in finding.evidence
        for secret in ("0xca2cef3e", "0xfd64273b", "0xbf35cbe6", "cipher_null", "digest_null"):
            assert secret not in finding.evidence


SPECINFRA = "linux-ip-addr-specinfra-tap-tun-libvirt-bridges-venet.txt"
OPENVZ = "linux-ip-addr-openvz-container-and-node-collection.txt"


def test_real_outputs_without_details_show_tun_devices_and_libvirt_bridges():
    tun, bridges, venet = (
        TunnelsAndBridges().evaluate(facts(ip_link=out(SPECINFRA, block)))[0] for block in (0, 1, 2)
    )
    assert tun.severity == "warning" and "fhumbi (TUN device)" in tun.title
    assert bridges.severity == "warning"
    for name in ("internal", "external", "private", "gluster", "lfce-private"):
        assert f"{name} (bridge)" in bridges.title
    assert "private-nic" not in bridges.title and "vnet0" not in bridges.title
    assert venet.severity == "pass"


def test_venet0_of_real_openvz_containers_and_nodes_is_no_virtual_link():
    for block in (0, 1, 2):
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(OPENVZ, block)))
        assert finding.severity == "pass"
    (node,) = TunnelsAndBridges().evaluate(facts(ip_link=out(OPENVZ, 3)))
    assert node.severity == "warning" and node.title.endswith("tap0 (TAP device)")


def test_the_vif_links_of_xen_guests_are_hypervisor_links():
    # Debian 10 Xen 4.11 dom0: xenbr0 bridges eno1 and the guest's vif1.0; OpenVPN on tun1.
    sample = out("linux-ip-addr-debian10-xen-dom0-vif-openvpn.txt")
    (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=sample))
    assert finding.severity == "warning"
    assert "xenbr0 (bridge)" in finding.title and "tun1 (TUN device)" in finding.title
    assert "vif1.0" not in finding.title and "vif1.0" in finding.evidence
    assert "[engine]" in next(line for line in finding.evidence.splitlines() if "vif1.0" in line)


MACVLAN_VLAN = "linux-ip-d-link-macvlan-vlan-collection.txt"


def test_real_macvlan_links_are_a_warning_and_a_real_vlan_is_info():
    for block, name in ((0, "macvlan0"), (1, "data0")):
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=out(MACVLAN_VLAN, block)))
        assert finding.severity == "warning" and f"{name} (macvlan link)" in finding.title
        assert "a veth adapter of the container instead" in finding.remediation
    (vlan,) = TunnelsAndBridges().evaluate(facts(ip_link=out(MACVLAN_VLAN, 2)))
    assert vlan.severity == "info" and vlan.title.startswith("VLAN interfaces stor0")


def test_a_fallback_tunnel_device_brought_up_is_a_tunnel_in_use():
    # Calico (and LVS-TUN real servers) use the kernel's own tunl0: UP, it carries traffic.
    for block in (0, 1):
        sample = out("linux-ip-calico-tunl0-in-use-collection.txt", block)
        (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=sample))
        assert finding.severity == "warning" and "tunl0 (IPIP tunnel)" in finding.title
        assert "the ipip feature" in finding.remediation


def test_tailscale0_is_a_tun_device_by_its_link_type():
    sample = out("linux-ip-addr-show-tailscale0-nixos.txt")
    (finding,) = TunnelsAndBridges().evaluate(facts(ip_link=sample))
    assert finding.severity == "warning" and finding.title.endswith("tailscale0 (TUN device)")


def test_an_xfrm_interface_is_kernel_ipsec_not_a_tun_device():
    # `ip -d link list dev xfrm1` (a kernel patch mail): link/none like a tun device, but
    # its kind says xfrm.
    (finding,) = TunnelsAndBridges().evaluate(
        facts(ip_link=out("linux-ip-d-link-xfrm-interface.txt"))
    )
    assert finding.severity == "warning"
    assert finding.title.endswith("xfrm1 (XFRM (IPsec) interface)")
    assert "kernel IPsec" in finding.remediation
