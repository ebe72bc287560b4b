"""The framed transcript: frames are bounded to the probes sent."""

import pytest

from assessments.facts import ProbeOutput
from assessments.probes import framing
from assessments.probes.framing import FrameError, count_frames, frame, parse_framed

TOKEN = "0123456789abcdef"
SENT = frozenset({"uname", "df"})


def frames(*ids: str, stdout: bytes = b"out") -> bytes:
    return b"".join(frame(TOKEN, probe, ProbeOutput(stdout, b"", 0)) for probe in ids)


def flood(count: int) -> bytes:
    return frames(*(f"x{n}" for n in range(count)), stdout=b"")


def test_it_keeps_the_probes_that_were_sent():
    probes = parse_framed(frames("uname", "df"), TOKEN, SENT)
    assert set(probes) == SENT
    assert probes["df"].stdout == b"out"


def test_a_frame_not_asked_for_is_an_error_that_counts_the_frames():
    with pytest.raises(FrameError) as raised:
        parse_framed(frames("uname", "df") + flood(5000), TOKEN, SENT)
    assert str(raised.value) == (
        "the host sent 5,002 frames for 2 probes sent; frame 'x0' was not asked for"
    )


def test_a_second_frame_of_one_probe_is_an_error():
    with pytest.raises(FrameError, match="probe 'uname' was framed twice"):
        parse_framed(frames("uname", "df", "uname"), TOKEN, SENT)


def test_it_stops_parsing_at_the_first_frame_beyond_the_bound(monkeypatch):
    made = []
    monkeypatch.setattr(framing, "ProbeOutput", lambda **kw: made.append(kw) or ProbeOutput(**kw))
    with pytest.raises(FrameError):
        parse_framed(frames("uname") + flood(20_000) + frames("df"), TOKEN, SENT)
    assert len(made) == 1  # uname; none of the 20,000 flood frames was kept


def test_a_probe_never_answered_is_simply_absent():
    assert set(parse_framed(frames("uname"), TOKEN, SENT)) == {"uname"}


def test_a_long_id_is_cut_in_the_error():
    with pytest.raises(FrameError) as raised:
        parse_framed(frames("y" * 5000), TOKEN, SENT)
    assert len(str(raised.value)) < 200


def test_it_parses_a_read_buffer_as_it_parses_bytes():
    data = frames("uname", "df") + b"\n@@P2C " + TOKEN.encode() + b" BEGIN x\npartial"
    assert parse_framed(bytearray(data), TOKEN) == parse_framed(data, TOKEN)
    assert parse_framed(bytearray(data), TOKEN)["x"] == ProbeOutput(b"partial", truncated=True)


def test_it_counts_frames_without_parsing_them():
    assert count_frames(frames("a", "b") + flood(10), TOKEN) == 12
    assert count_frames(frames("a")[1:], TOKEN) == 1  # a first marker opening the data
