"""ipconfig /all: adapters, physical addresses, IPv4 addresses."""

import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.windows.ipconfig import parse_ipconfig
from tests.assessments.parsers.windows.samples import crlf, sample


def test_it_reads_the_2008_sample():
    adapters = parse_ipconfig(sample("windows-ipconfig-all-2008.txt"))
    lan = adapters[0]
    assert lan.name == "Ethernet adapter Local Area Connection"
    assert (lan.mac, lan.ipv4) == ("00:0c:29:76:c8:d0", ["192.168.23.154"])


def test_tunnel_adapters_have_no_mac():
    adapters = parse_ipconfig(sample("windows-winrm-ipconfig-all-pywinrm-stream.txt"))
    tunnels = [a for a in adapters if a.name.startswith("Tunnel adapter")]
    assert tunnels and all(a.physical.endswith("-00-E0") and a.mac == "" for a in tunnels)
    assert adapters[0].ipv4 == ["173.185.153.93"]


def test_it_reads_the_nt5_ip_address_label():
    (lan,) = parse_ipconfig(sample("windows-ipconfig-all-xp.txt"))[:1]
    assert lan.ipv4 == ["192.168.22.135"] and lan.mac == "00:0c:29:25:b6:4d"


def test_it_reads_localised_labels_by_value_shape():
    out = crlf(
        "\nConfiguration IP de Windows\n\nCarte Ethernet Connexion au réseau local :\n\n"
        "   Adresse physique . . . . . . . . . . . : 00-15-5D-01-02-03\n"
        "   Adresse IPv4. . . . . . . . . . . . . .: 10.0.0.5(préféré)\n"
        "   Masque de sous-réseau. . . . . . . . . : 255.255.255.0\n"
        "   Passerelle par défaut. . . . . . . . . : 10.0.0.1\n"
    )
    (lan,) = parse_ipconfig(out)
    assert (lan.mac, lan.ipv4) == ("00:15:5d:01:02:03", ["10.0.0.5"])


def test_it_reports_output_without_sections():
    with pytest.raises(ProbeUnavailable):
        parse_ipconfig(crlf("nothing here\n"))


def test_a_german_xp_ppp_adapter_has_no_mac_and_descriptions_are_read_in_german():
    # Real German XP output: 'Beschreibung', a description wrapped at 80 columns, and a
    # PPP adapter whose 00-53-45-00-00-00 is NdisWan's pseudo address, not a NIC's MAC.
    lan, ppp = parse_ipconfig(sample("windows-ipconfig-all-xp-de-ppp.txt"))
    assert lan.name == "Ethernetadapter LAN-Verbindung"
    assert lan.description.startswith("Realtek RTL8139-Familie-PCI-Fast Eth")
    assert (lan.mac, lan.ipv4) == ("00:50:22:e3:a1:26", ["192.168.1.100"])
    assert ppp.name == "PPP-Adapter Breitbandverbindung"
    assert ppp.description == "WAN (PPP/SLIP) Interface"
    assert ppp.physical == "00-53-45-00-00-00" and ppp.mac == ""
    assert ppp.ipv4 == ["85.180.143.6"]


@pytest.mark.parametrize(
    "label",
    ["Description", "Beschreibung", "Descripción", "Descrizione", "Descrição", "Описание"],
)
def test_the_description_is_read_under_its_localised_labels(label):
    out = crlf(
        "\nWindows IP Configuration\n\nEthernet adapter LAN:\n\n"
        f"   {label}. . . . . . . . . . . : Intel(R) PRO/1000 MT Network Connection\n"
        "   Physical Address. . . . . . . . . : 00-0C-29-76-C8-D0\n"
    )
    (lan,) = parse_ipconfig(out)
    assert lan.description == "Intel(R) PRO/1000 MT Network Connection"


@pytest.mark.parametrize(
    "name",
    [
        "windows-ipconfig-all-win10.txt",
        "windows-ipconfig-all-win11-vpn-wifi-direct.txt",
        "windows-ipconfig-all-2016.txt",
        "windows-ipconfig-all-win7.txt",
    ],
)
def test_real_ipconfig_outputs_give_every_adapter_a_description(name):
    adapters = parse_ipconfig(sample(name))
    with_mac = [a for a in adapters if a.mac]
    assert with_mac and all(a.description for a in with_mac)


def test_a_french_client_output_gives_its_nic_and_not_the_dhcpv6_duid():
    (lan,) = parse_ipconfig(sample("windows-ipconfig-all-fr-client-dhcp.txt"))
    assert lan.name == "Carte Ethernet Ethernet0"
    assert lan.description == "Intel(R) 82574L Gigabit Network Connection"
    assert (lan.mac, lan.ipv4) == ("00:0c:29:e4:bd:1d", ["192.168.100.150"])
