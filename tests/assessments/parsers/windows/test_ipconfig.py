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
