"""getmac /v /fo csv: adapters and MAC addresses, columns by position."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.getmac import parse_getmac
from tests.assessments.parsers.windows.samples import crlf, sample


def test_it_reads_the_real_one_adapter_output():
    (adapter,) = parse_getmac(sample("windows-getmac-v-csv-vmware-one-adapter.txt"))
    assert adapter.connection == "Ethernet0" and adapter.mac == "00:0c:29:bb:ec:9b"
    assert adapter.bound


def test_a_disconnected_adapter_keeps_its_mac_but_is_not_bound():
    adapters = parse_getmac(sample("windows-getmac-v-csv-laptop-media-disconnected.txt"))
    wireless = next(a for a in adapters if a.transport == "Media disconnected")
    assert wireless.mac == "f0:7b:cb:72:a7:c7" and not wireless.bound
    assert len(adapters) == 4


def test_localised_titles_and_words_are_read_by_position():
    out = crlf(
        '"Verbindungsname","Netzwerkadapter","Physikalische Adresse","Transportname"\n'
        '"LAN-Verbindung","Intel(R) PRO/1000","00-0C-29-25-B6-4D","Medium getrennt"\n'
        '"Drahtlos","Atheros","Deaktiviert","Deaktiviert"\n'
    )
    adapters = parse_getmac(out)
    assert [a.mac for a in adapters] == ["00:0c:29:25:b6:4d", ""]


def test_getmac_finding_no_adapter_is_an_empty_list():
    assert parse_getmac(crlf("INFO: No network adapters found.\n")) == ()


@pytest.mark.parametrize(
    "stdout",
    [
        b"ERROR: The RPC server is unavailable.\r\n",
        b"Physical Address    Transport Name\r\n=================== ==========\r\n",
        b"garbage\x00\xff line\n",
    ],
)
def test_anything_but_its_csv_is_not_data(stdout):
    with pytest.raises(ProbeUnavailable):
        parse_getmac(ProbeOutput(stdout, b"", 0))
