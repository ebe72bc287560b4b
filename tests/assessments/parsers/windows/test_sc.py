"""sc query / sc qc output: numbers, not localised words."""

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.sc import parse_sc
from tests.assessments.parsers.windows.samples import crlf, sample

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
