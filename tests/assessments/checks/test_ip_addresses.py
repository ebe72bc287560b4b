from assessments.checks.ip_addresses import AddressesOnVenet
from tests.assessments.parsers.linux.samples import facts, missing, out, severities, text


def evaluate(**probes):
    return AddressesOnVenet().evaluate(facts(**probes))


def test_a_duplicated_address_counts_once():
    (finding,) = evaluate(ip_addr=out("linux-ip-addr-glpi5-label-alias.txt"))
    assert (finding.check, finding.severity) == ("ip_addresses.venet", "warning")
    assert "2 addresses on 2 interface(s)" in finding.title
    assert "192.168.1.11/24 on eth0:0, wlan0:0" in finding.evidence


def test_one_address_is_info():
    (finding,) = evaluate(ip_addr=out("linux-ip-addr-glpi3-no-state-rhel5.txt"))
    assert finding.severity == "info"
    assert "10.40.1.16" in finding.title


def test_alias_labels_and_global_ipv6_count_but_link_local_does_not():
    (finding,) = evaluate(ip_addr=out("linux-ip-o-addr-alias-label-ipv6.txt"))
    assert finding.title.endswith("192.168.178.1, 172.17.0.3, 2001:db8:1::242:ac11:3")
    assert "fe80" not in finding.title


def test_docker_bridges_and_vpn_tunnels_are_not_counted():
    (finding,) = evaluate(ip_addr=out("linux-ip-addr-el8-label-srv.txt"))
    assert "172.17.0.1" not in finding.title
    assert "not counted: 172.17.0.1 on docker0" in finding.evidence
    (tunnels,) = evaluate(ip_addr=out("linux-ip-addr-glpi1-tun-ipv6-global.txt"))
    assert "192.168.41.6" not in tunnels.title


def test_it_falls_back_to_ifconfig():
    (finding,) = evaluate(ip_addr=missing("ip"), ifconfig=out("linux-ifconfig-a-centos55.txt"))
    assert finding.severity == "info"
    assert finding.evidence.startswith("$ ifconfig -a")


def test_an_openvz_container_counts_the_addresses_of_its_venet0_aliases():
    findings = evaluate(ifconfig=out("linux-ifconfig-openvz-container-venet0.txt"))
    assert severities(findings) == ["warning"]
    assert "already" not in findings[0].title  # nesting.source_container says that


def test_without_any_tool_it_is_unknown():
    (finding,) = evaluate(ip_addr=missing("ip"), ifconfig=missing("ifconfig"))
    assert finding.severity == "unknown"


def test_an_address_from_dhcp_only_is_a_warning():
    data = (
        "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global dynamic eth0\\"
        "       valid_lft 86000sec preferred_lft 86000sec\n"
    )
    (finding,) = evaluate(ip_addr=text(data))
    assert finding.severity == "warning"
    assert "10.0.0.5/24 on eth0 (dynamic: DHCP)" in finding.evidence


def test_a_long_list_of_addresses_is_shortened_in_the_title():
    data = "".join(
        f"2: eth0    inet 10.0.1.{n}/24 scope global eth0:{n}\\       valid_lft forever\n"
        for n in range(1, 21)
    )
    (finding,) = evaluate(ip_addr=text(data))
    assert finding.title.endswith("10.0.1.8 and 12 more")
    assert "20 addresses on 1 interface(s)" in finding.title


def test_a_rac_node_moves_its_vip_but_not_the_link_local_haip():
    (finding,) = AddressesOnVenet().evaluate(
        facts(ip_addr=out("linux-ip-addr-rhel6-oracle-rac-vip-haip.txt"))
    )
    assert finding.severity == "warning"
    assert finding.title.endswith("192.168.0.230, 192.168.0.232, 12.168.0.230")
    assert "169.254.43.21" not in finding.title


def test_a_container_veth_with_a_secondary_label_is_named_by_device():
    (finding,) = AddressesOnVenet().evaluate(
        facts(ip_addr=out("linux-ip-o-addr-veth-peer-index-secondary-label.txt"))
    )
    assert "4 addresses on 2 interface(s)" in finding.title
    assert "10.0.0.9/24 on eth0:1" in finding.evidence and "@if13" not in finding.evidence


def test_oracle_grid_node_lists_secondaries_and_a_slaac_address_but_no_haip():
    (finding,) = AddressesOnVenet().evaluate(
        facts(ip_addr=out("linux-ip-addr-oracle-grid-secondaries-slaac-haip.txt"))
    )
    assert finding.severity == "warning"
    assert "8 addresses on 3 interface(s)" in finding.title
    assert "169.254" not in finding.title and "169.254" not in finding.evidence
    # An IPv6 `dynamic` address is autoconfigured (SLAAC) or from DHCPv6, not IPv4 DHCP.
    assert "2606:b400:400:784a:221:28ff:fe3d:efca/64 on eth0 (dynamic: SLAAC or DHCPv6)" in (
        finding.evidence
    )


def test_a_docker_user_network_bridge_is_host_internal():
    # `docker network create` makes br-<12 hex digits> with the network's gateway address.
    (finding,) = AddressesOnVenet().evaluate(
        facts(ip_addr=out("linux-ip-addr-centos8-docker-user-bridge.txt"))
    )
    assert finding.severity == "info" and "(192.168.32.50)" in finding.title
    assert "not counted: 172.18.0.1 on br-1a766cc4740b" in finding.evidence
    assert "172.17.0.1 on docker0" in finding.evidence


def test_an_openstack_external_bridge_keeps_its_address():
    # br-ex / br-lan are real bridges carrying the host's address, not docker networks.
    data = text("8: br-ex    inet 10.13.132.77/23 brd 10.13.133.255 scope global br-ex\n")
    (finding,) = AddressesOnVenet().evaluate(facts(ip_addr=data))
    assert "10.13.132.77" in finding.title


def test_one_address_on_a_bond_is_a_warning():
    # restrictions.md L2: bonding (like several addresses, VLANs, bridges) is a warning:
    # the node does the bonding, venet0 has none.
    (finding,) = AddressesOnVenet().evaluate(facts(ifconfig=out("linux-ifconfig-bonding.txt")))
    assert finding.severity == "warning"
    assert "bond0" in finding.title and "192.168.1.181" in finding.title


def test_one_address_on_a_bridge_is_a_warning():
    data = text("8: br-ex    inet 10.13.132.77/23 brd 10.13.133.255 scope global br-ex\n")
    (finding,) = AddressesOnVenet().evaluate(facts(ip_addr=data))
    assert finding.severity == "warning" and "bridge" in finding.title
