"""Real texts a host prints around (or instead of) the probe script's frames.

The blocks come from `tests/samples/linux-probe-failure-texts-collection.txt`: login-script
and MOTD noise must not break the transcript, and a session that never ran the script says
in its error what the host printed instead, on stdout as on stderr.
"""

import pytest

from assessments.choices import ErrorClass
from assessments.collectors.base import CollectError
from assessments.collectors.ssh_common import Transcript
from assessments.facts import ProbeOutput
from assessments.probes.framing import frame
from tests.assessments.collectors.test_ssh_common import TOKEN, result
from tests.assessments.parsers.linux.samples import blocks

TEXTS = blocks("linux-probe-failure-texts-collection.txt")
UNAME = ProbeOutput(b"Linux web1 2.6.18-404.el5 #1 SMP x86_64 GNU/Linux\n", b"", 0)


def test_a_nologin_shell_is_a_protocol_error_quoting_what_it_printed_on_stdout():
    with pytest.raises(CollectError) as caught:
        result(Transcript(TEXTS[29], b"", 1))
    assert caught.value.error_class == ErrorClass.PROTOCOL_ERROR
    assert "This account is currently not available." in caught.value.detail
    assert "exit status 1" in caught.value.detail


@pytest.mark.parametrize("block", [23, 25])  # tcsh without a tty; bash that cannot fork
def test_login_noise_without_frames_is_quoted_from_stderr(block):
    with pytest.raises(CollectError) as caught:
        result(Transcript(b"", TEXTS[block], 254))
    last = TEXTS[block].decode().strip().split("\n")[-1]
    assert last in caught.value.detail


def test_what_a_host_printed_instead_of_the_script_is_quoted_bounded():
    flood = TEXTS[24] * 500
    with pytest.raises(CollectError) as caught:
        result(Transcript(flood, flood, 0))
    assert "Welcome to Ubuntu 12.10" in caught.value.detail
    assert len(caught.value.detail) < 1000


def test_a_motd_before_the_frames_and_login_noise_on_stderr_leave_the_probes_intact():
    stdout = TEXTS[24] + TEXTS[23] + frame(TOKEN, "uname", UNAME)
    found = result(Transcript(stdout, TEXTS[23] + TEXTS[25], 0))
    assert found.probes == {"uname": UNAME}
    assert found.hostname == "web1"
