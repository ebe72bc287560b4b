"""Reading a few probes' stdout of a stored capture as a stream (the host page)."""

import random
import tracemalloc

import pytest

from assessments.captures import CaptureError, capture_to_targz, read_stdouts
from assessments.facts import ProbeOutput

MiB = 1024 * 1024


def capture(**stdouts: bytes) -> bytes:
    return capture_to_targz(
        "linux", "web01", {p: ProbeOutput(o, b"", 0) for p, o in stdouts.items()}
    )


def test_it_reads_only_the_probes_asked_for_each_cut():
    data = capture(uname=b"Linux web01\n", df=b"x" * 5000, raw=b"not asked")
    assert read_stdouts(data, ["uname", "df", "absent"], 1000) == {
        "uname": b"Linux web01\n",
        "df": b"x" * 1000,
    }


def test_it_holds_none_of_a_big_capture_it_was_not_asked_for():
    data = capture(uname=b"Linux web01\n", getfattr=random.Random(5).randbytes(16 * MiB))
    tracemalloc.start()
    found = read_stdouts(data, ["uname"], MiB)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert found == {"uname": b"Linux web01\n"}
    assert peak < 2 * MiB  # the whole capture unpacked in memory was 16 MiB and more


def test_a_capture_of_a_frame_flood_stops_at_the_member_limit():
    flood = capture_to_targz("linux", "h", {f"x{n}": ProbeOutput(b"", b"", 0) for n in range(1500)})
    with pytest.raises(CaptureError, match="more than 2000 files"):
        read_stdouts(flood, ["uname"], MiB)


def test_a_bomb_stops_at_the_unpacked_budget():
    data = capture(getfattr=bytes(140 * MiB))
    with pytest.raises(CaptureError, match="archive bomb"):
        read_stdouts(data, ["uname"], MiB)
