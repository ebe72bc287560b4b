"""sc query / sc qc output: numbers, not localised words."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.sc import parse_sc
from tests.assessments.parsers.windows.samples import SC_ES, SC_PT_BR, crlf, sample

SAMPLE = "windows-sc-query-kernel-driver-formats.txt"


@pytest.mark.parametrize("block", [0, 1])
def test_it_reads_type_and_state_numbers_in_both_formats(block):
    (service,) = parse_sc(sample(SAMPLE, block)).services
    assert (service.type, service.state) == (1, 4)
    assert service.running


def test_it_reads_localised_state_words_by_their_number():
    out = crlf(
        "\nSERVICE_NAME: Psched\n        TYPE  : 1  PILOTE_NOYAU\n        STATE : 1  ARRETE\n"
    )
    (service,) = parse_sc(out).services
    assert service.state == 1 and not service.running


def test_it_reads_the_start_type_of_sc_qc():
    out = crlf(
        "[SC] QueryServiceConfig SUCCESS\n\nSERVICE_NAME: Psched\n"
        "        TYPE               : 1  KERNEL_DRIVER\n"
        "        START_TYPE         : 4   DISABLED\n"
        "        BINARY_PATH_NAME   : system32\\DRIVERS\\pacer.sys\n"
    )
    assert parse_sc(out).services[0].disabled


def test_it_reads_error_1060_as_not_installed():
    out = crlf(
        "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\n\nThe specified service...\n"
    )
    assert parse_sc(ProbeOutput(out.stdout, b"", 1060)).installed is False
    assert parse_sc(ProbeOutput(out.stdout, b"", None)).installed is False


def test_it_reports_access_denied():
    out = crlf("[SC] OpenService FAILED 5:\n\nAccess is denied.\n", rc=5)
    with pytest.raises(ProbeUnavailable, match="access is denied"):
        parse_sc(out)


def test_it_reports_output_without_a_service():
    with pytest.raises(ProbeUnavailable):
        parse_sc(crlf("something else\n"))


@pytest.mark.parametrize(
    ("text", "name", "kind"), [(SC_PT_BR, "audiosrv", 10), (SC_ES, "DHCPServer", 30)]
)
def test_translated_field_names_are_read_by_the_shape_of_their_values(text, name, kind):
    (service,) = parse_sc(ProbeOutput(text.encode("cp850"), b"", 0)).services
    assert (service.name, service.type, service.state) == (name, kind, 4)
    assert service.running
    assert any("4  RUNNING" in line for line in service.lines)


def test_a_translated_enumeration_splits_into_its_service_blocks():
    # The block layout of `sc query state= all` with every field name translated (the
    # names here are made up: only the layout and the values are sc's).
    text = (
        "\nNOM_SERVICE: Dhcp\nNOM_AFFICHAGE: Client DHCP\n"
        "        TYPE_X             : 20  WIN32_SHARE_PROCESS\n"
        "        ETAT_X             : 4  RUNNING\n"
        "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\n"
        "        CODE_X             : 0  (0x0)\n"
        "\nNOM_SERVICE: DHCPServer\nNOM_AFFICHAGE: Serveur DHCP\n"
        "        TYPE_X             : 20  WIN32_SHARE_PROCESS\n"
        "        ETAT_X             : 1  STOPPED\n"
        "        CODE_X             : 1077  (0x435)\n"
    )
    dhcp, server = parse_sc(crlf(text)).services
    assert (dhcp.name, dhcp.display, dhcp.state) == ("Dhcp", "Client DHCP", 4)
    assert (server.name, server.display, server.state) == ("DHCPServer", "Serveur DHCP", 1)


def test_a_translated_sc_qc_gives_the_start_type_by_its_word():
    text = (
        "[SC] QueryServiceConfig CORRECTO\n\nNOMBRE_SERVICIO: Psched\n"
        "        TIPO               : 1  KERNEL_DRIVER\n"
        "        TIPO_INICIO        : 4   DISABLED\n"
        "        CONTROL_ERROR      : 1   NORMAL\n"
    )
    (service,) = parse_sc(crlf(text)).services
    assert service.start_type == 4 and service.disabled and service.state is None


SRVANY = "windows-sc-query-srvany-running-paused-stopped-collection.txt"


@pytest.mark.parametrize(("block", "state"), [(0, 4), (1, 7), (2, 1), (3, 1)])
def test_a_real_service_running_paused_and_stopped(block, state):
    (service,) = parse_sc(sample(SRVANY, block)).services
    assert (service.name, service.state) == ("wmzwebpy", state)
    assert service.active is (state != 1)
    assert service.running is (state == 4)


def test_the_real_1060_message_is_a_missing_service():
    assert parse_sc(sample(SRVANY, 4, rc=None)).installed is False
