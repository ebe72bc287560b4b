"""Writing a capture: streamed into a file object, never built in memory."""

import random
import tracemalloc
from datetime import UTC, datetime

from assessments.captures import (
    capture_to_targz,
    read_capture,
    read_capture_bytes,
    write_capture,
)
from assessments.facts import ProbeOutput
from assessments.probes import LINUX

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MiB = 1024 * 1024


def test_it_writes_into_a_file_the_bytes_it_returns_in_memory(tmp_path):
    probes = {"uname": ProbeOutput(b"Linux web01 6.1\n", b"", 0), "df": ProbeOutput(b"x", b"e", 1)}
    path = tmp_path / "web01.tar.gz"
    with path.open("wb") as out:
        written = write_capture(out, "linux", "web01", probes, WHEN)
    assert path.read_bytes() == capture_to_targz("linux", "web01", probes, WHEN)
    assert written == path.stat().st_size
    assert read_capture(path).probes["df"] == probes["df"]


def test_it_writes_a_capture_at_the_output_cap_holding_a_fraction_of_it(tmp_path):
    noise = random.Random(7).randbytes(16 * MiB)  # what no compression shrinks
    probes = {"getfattr": ProbeOutput(noise, b"", 0, truncated=True)}
    with (tmp_path / "big.tar.gz").open("wb") as out:
        tracemalloc.start()
        write_capture(out, "linux", "big", probes, WHEN)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 4 * MiB  # a tar built in memory held the output twice over (32 MiB)
    stored = read_capture(tmp_path / "big.tar.gz")
    assert stored.probes["getfattr"].stdout == noise and stored.probes["getfattr"].truncated


def test_a_capture_of_every_probe_sent_with_all_its_files_reads_back():
    probes = {
        probe_id: ProbeOutput(random.Random(probe_id).randbytes(200_000), b"warning\n", 0)
        for probe_id in LINUX
    }
    stored = read_capture_bytes(capture_to_targz("linux", "web01", probes, WHEN))
    assert stored.probes == probes
