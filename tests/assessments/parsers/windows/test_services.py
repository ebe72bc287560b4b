"""sc query type= service state= all: every service, its state by number."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.services import display_name, parse_sc_services, state_line
from tests.assessments.parsers.windows.samples import crlf, sample

SAMPLE = "windows-sc-query-type-service-state-all-de-cp850.txt"


def test_it_reads_every_block_of_the_real_german_list():
    listed = parse_sc_services(sample(SAMPLE))
    assert len(listed.services) == 23
    assert listed.get("AppIDSvc").running and not listed.get("ADPSvc").running


def test_it_decodes_the_oem_code_page_display_names():
    appid = parse_sc_services(sample(SAMPLE)).get("AppIDSvc")
    assert display_name(appid) == "Anwendungsidentität"


def test_state_numbers_survive_hex_types_and_interactive_flags():
    listed = parse_sc_services(sample(SAMPLE))
    assert listed.get("Spooler").state == 4 and listed.get("PrintNotify").state == 1
    assert listed.get("WpnUserService_37b67").running


def test_names_are_matched_whole():
    listed = parse_sc_services(sample(SAMPLE))
    assert listed.get("kdc") is None and listed.get("LocalKdc") is not None
    assert listed.get("DHCPServer") is None and listed.get("dhcp") is not None


def test_the_evidence_line_names_the_service_and_its_state():
    line = state_line(parse_sc_services(sample(SAMPLE)).get("HvHost"))
    assert line.startswith("SERVICE_NAME: HvHost; DISPLAY_NAME: HV-Hostdienst; STATE")


def test_a_list_cut_by_old_sc_is_not_data():
    out = crlf(
        "\nSERVICE_NAME: Alerter\nDISPLAY_NAME: Alerter\n        TYPE : 20  WIN32_SHARE_PROCESS\n"
        "        STATE : 1  STOPPED\n"
        "[SC] EnumQueryServicesStatus: more data, need 9616 bytes start resume at index 79\n"
    )
    with pytest.raises(ProbeUnavailable, match="cut"):
        parse_sc_services(out)


def test_an_sc_error_is_not_data():
    out = ProbeOutput(b"[SC] OpenSCManager FAILED 1722:\r\n\r\nThe RPC server is unavailable.\r\n")
    with pytest.raises(ProbeUnavailable, match="1722"):
        parse_sc_services(out)


HYPERV = "windows-sc-query-state-all-win10-hyperv-vmware-excerpt.txt"


def test_it_reads_a_real_english_list_with_a_service_name_holding_blanks():
    listed = parse_sc_services(sample(HYPERV))
    assert len(listed.services) == 15
    assert listed.get("vmms").running and listed.get("vmcompute").running
    assert not listed.get("vmicheartbeat").running
    assert listed.get("VMware NAT Service").running
    assert listed.get("DHCPServer") is None and listed.get("VMnetDHCP").running
