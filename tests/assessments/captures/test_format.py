"""Reading captures: directories, tar.gz and zip, partial ones, and hostile ones."""

import gzip
import io
import json
import os
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assessments.captures import (
    CaptureError,
    Limits,
    capture_to_targz,
    read_capture,
    read_capture_bytes,
)
from assessments.captures.archives import zip_entries
from assessments.facts import ProbeOutput
from tests.conftest import sample_bytes

CAPTURES = Path(__file__).parents[2] / "captures"
MOUNTS = sample_bytes("linux-proc-mounts-debian6-rootfs-md-lvm.txt")
WMIC_CPU = sample_bytes("windows-wmic-cpu-list-2003sp2-utf16le.txt")
MANIFEST = json.dumps(
    {"format": 1, "os_family": "linux", "hostname": "web01", "collected_at": "2026-11-20T10:00:00Z"}
).encode()


def make_tar(files: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def tar_with(member: tarfile.TarInfo) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.addfile(tarfile.TarInfo("proc_mounts.txt"), io.BytesIO(b""))
        archive.addfile(member)
    return buffer.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_dir(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


def error_of(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(CaptureError) as caught:
        read_capture_bytes(data, limits or Limits())
    return str(caught.value)


# -- well-formed captures ----------------------------------------------------------------------


def test_it_reads_a_directory_with_its_manifest(tmp_path):
    files = {"manifest.json": MANIFEST, "proc_mounts.txt": MOUNTS, "proc_mounts.rc": b"0\n"}
    capture = read_capture(write_dir(tmp_path / "c", files))
    assert (capture.os_family, capture.hostname) == ("linux", "web01")
    assert capture.collected_at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert capture.probes["proc_mounts"] == ProbeOutput(stdout=MOUNTS, rc=0)


def test_it_reads_the_folder_the_collector_wrote_inside_a_directory(tmp_path):
    write_dir(tmp_path / "p2c-capture-db1-20261120-100000", {"proc_mounts.txt": MOUNTS})
    capture = read_capture(tmp_path)
    assert capture.hostname == "db1"
    assert capture.os_family == "linux"


def test_it_reads_stderr_and_exit_codes(tmp_path):
    files = {"raw.txt": b"", "raw.err": b"sh: raw: not found\n", "raw.rc": b"127\r\n"}
    capture = read_capture(write_dir(tmp_path / "c", files))
    assert capture.probes["raw"] == ProbeOutput(b"", b"sh: raw: not found\n", 127)


def test_it_round_trips_a_capture_through_targz():
    probes = {
        "proc_mounts": ProbeOutput(MOUNTS, rc=0),
        "getfattr": ProbeOutput(b"# file: /x\n", b"denied\n", 124, truncated=True),
    }
    when = datetime(2026, 11, 20, 10, tzinfo=UTC)
    capture = read_capture_bytes(capture_to_targz("linux", "web01", probes, when))
    assert capture.probes == probes
    assert (capture.hostname, capture.collected_at) == ("web01", when)


def tarfile_capture(probes: dict[str, ProbeOutput], manifest: bytes, mtime: int) -> bytes:
    """What `capture_to_targz` wrote with `TarFile.addfile`, uncompressed."""
    members = [("manifest.json", manifest)]
    for probe_id, out in sorted(probes.items()):
        members.append((f"{probe_id}.txt", out.stdout))
        if out.stderr:
            members.append((f"{probe_id}.err", out.stderr))
        if out.rc is not None:
            members.append((f"{probe_id}.rc", f"{out.rc}\n".encode()))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o600
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("year", [2026, 1969])
def test_it_writes_the_tar_bytes_tarfile_would_write(year):
    probes = {
        "proc_mounts": ProbeOutput(MOUNTS, rc=0),
        "getfattr": ProbeOutput(b"# file: /x\n", b"denied\n", 124, truncated=True),
        "raw": ProbeOutput(b"x" * 512, rc=-1),
        "empty": ProbeOutput(b""),
    }
    when = datetime(year, 11, 20, 10, tzinfo=UTC)
    written = gzip.decompress(capture_to_targz("linux", "web01", probes, when))
    manifest = tarfile.open(fileobj=io.BytesIO(written)).extractfile("manifest.json")
    assert manifest is not None
    assert written == tarfile_capture(probes, manifest.read(), int(when.timestamp()))


def test_it_writes_the_same_bytes_for_the_same_capture():
    probes = {"df": ProbeOutput(b"x", rc=0)}
    when = datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert capture_to_targz("linux", "a", probes, when) == capture_to_targz(
        "linux", "a", probes, when
    )


def test_it_reads_a_zip_of_the_windows_folder_with_backslashes():
    data = make_zip(
        {
            "p2c-capture-W2K3-20261120-100000\\wmic_cpu.txt": WMIC_CPU,
            "p2c-capture-W2K3-20261120-100000\\wmic_cpu.rc": b"0 \r\n",
        }
    )
    capture = read_capture_bytes(data)
    assert capture.os_family == "windows"
    assert capture.probes["wmic_cpu"] == ProbeOutput(WMIC_CPU, rc=0)
    assert capture.hostname == "W2K3"


def test_it_reads_a_memoryview_as_postgresql_returns_binary_fields():
    data = memoryview(capture_to_targz("linux", "web01", {"df": ProbeOutput(b"x")}))
    assert read_capture_bytes(data).probes["df"].stdout == b"x"


def test_it_reads_a_plain_tar_and_a_tgz_file_on_disk(tmp_path):
    path = tmp_path / "c.tar"
    path.write_bytes(make_tar({"./proc_mounts.txt": MOUNTS}, mode="w"))
    assert read_capture(path).probes["proc_mounts"].stdout == MOUNTS


def test_it_takes_the_hostname_from_uname_without_a_manifest():
    data = make_tar({"uname.txt": b"Linux db7 2.6.18-419.el5 #1 SMP x86_64 GNU/Linux\n"})
    assert read_capture_bytes(data).hostname == "db7"


def test_it_reads_a_manifest_in_utf16_with_bom():
    data = make_tar(
        {
            "manifest.json": "\ufeff".encode("utf-16-le") + MANIFEST.decode().encode("utf-16-le"),
            "df.txt": b"",
        }
    )
    assert read_capture_bytes(data).hostname == "web01"


def test_it_keeps_probe_bytes_in_any_encoding_as_they_are():
    latin = "Système de fichiers\n".encode("cp1252")
    assert read_capture_bytes(make_tar({"df.txt": latin})).probes["df"].stdout == latin


def test_it_reads_the_fixture_captures():
    linux = read_capture(CAPTURES / "linux-debian6")
    windows = read_capture(CAPTURES / "windows-2003")
    assert (linux.os_family, linux.hostname) == ("linux", "deb6-files")
    assert linux.probes["raw"].rc == 127
    assert (windows.os_family, windows.hostname) == ("windows", "GRANNY")


# -- partial or odd content ------------------------------------------------------------------


def test_it_notes_an_exit_code_file_that_holds_no_number():
    capture = read_capture_bytes(make_tar({"df.txt": b"x", "df.rc": b"oops"}))
    assert capture.probes["df"].rc is None
    assert "df.rc does not hold an exit code" in capture.notes


def test_it_ignores_files_that_are_not_probe_outputs():
    capture = read_capture_bytes(make_tar({"df.txt": b"x", "notes.doc": b"y"}))
    assert set(capture.probes) == {"df"}
    assert "ignored notes.doc" in capture.notes


def test_it_cuts_a_huge_probe_output_and_marks_it_truncated():
    limits = Limits(file_bytes=1000)
    capture = read_capture_bytes(make_tar({"df.txt": b"x" * 5000}), limits)
    assert capture.probes["df"].stdout == b"x" * 1000
    assert capture.probes["df"].truncated


def test_it_marks_probes_the_manifest_lists_as_truncated():
    manifest = json.dumps({"format": 1, "os_family": "linux", "truncated": ["df"]}).encode()
    capture = read_capture_bytes(make_tar({"manifest.json": manifest, "df.txt": b"x"}))
    assert capture.probes["df"].truncated


def test_it_refuses_a_capture_whose_family_it_cannot_tell():
    assert "manifest.json" in error_of(make_tar({"mystery.txt": b"x"}))


# -- malformed and hostile captures ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (os.urandom(4096), "not a capture"),
        (b"\x1f\x8b" + os.urandom(200), "damaged"),
        (gzip.compress(b"just text, not a tar"), "damaged"),
        (make_tar({"manifest.json": MANIFEST, "df.txt": MOUNTS * 50})[:300], "damaged"),
        (make_zip({"df.txt": MOUNTS})[:60], "damaged"),
        (make_tar({}), "no probe outputs"),
        (make_tar({"manifest.json": MANIFEST}), "no probe outputs"),
    ],
    ids=[
        "empty",
        "junk",
        "bad-gzip",
        "gzip-not-tar",
        "cut-tar",
        "cut-zip",
        "no-files",
        "only-manifest",
    ],
)
def test_it_refuses_malformed_data_with_a_clear_error(data, message):
    assert message in error_of(data)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"format": 2}', "format 2 is not supported"),
        (b'{"format": "1"}', "not supported"),
        (b'{"os_family": "solaris"}', "linux or windows"),
        (b'{"hostname": 42}', "hostname must be a string"),
        (b"\xff\xfe\x00\xd8", "not valid JSON"),
        (b"[" * 60000, "not valid JSON"),
        (b" " * 70000, "larger than"),
    ],
)
def test_it_refuses_a_bad_manifest(manifest, message):
    assert message in error_of(make_tar({"manifest.json": manifest, "df.txt": b"x"}))


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "C:\\evil.txt", "..\\evil.txt"]
)
def test_it_refuses_paths_leaving_the_capture_in_a_tar(name):
    assert "path" in error_of(make_tar({name: b"x"}))


@pytest.mark.parametrize("name", ["../evil.txt", "/abs/evil.txt"])
def test_it_refuses_paths_leaving_the_capture_in_a_zip(name):
    assert "path" in error_of(make_zip({name: b"x"}))


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (tarfile.SYMTYPE, "link"),
        (tarfile.LNKTYPE, "link"),
        (tarfile.CHRTYPE, "special file"),
        (tarfile.FIFOTYPE, "special file"),
    ],
)
def test_it_refuses_links_and_devices_in_a_tar(kind, message):
    member = tarfile.TarInfo("df.txt")
    member.type, member.linkname = kind, "/etc/shadow"
    assert message in error_of(tar_with(member))


def test_it_refuses_a_symlink_in_a_zip():
    info = zipfile.ZipInfo("df.txt")
    info.external_attr = 0o120777 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, "/etc/shadow")
    assert "link" in error_of(buffer.getvalue())


def test_it_refuses_a_symlink_in_a_directory(tmp_path):
    write_dir(tmp_path / "c", {"df.txt": b"x"})
    (tmp_path / "c" / "proc_mounts.txt").symlink_to("/etc/passwd")
    with pytest.raises(CaptureError, match="link"):
        read_capture(tmp_path / "c")


def test_it_refuses_a_fifo_in_a_directory_without_blocking(tmp_path):
    write_dir(tmp_path / "c", {"df.txt": b"x"})
    os.mkfifo(tmp_path / "c" / "proc_mounts.txt")
    with pytest.raises(CaptureError, match="special"):
        read_capture(tmp_path / "c")


def test_it_refuses_a_tar_bomb_before_unpacking_it():
    bomb = make_tar({"df.txt": b"\0" * 3_000_000})
    assert len(bomb) < 10_000
    assert "archive bomb" in error_of(bomb, Limits(total_bytes=1_000_000))


def test_it_refuses_a_gzip_bomb_whatever_the_tar_headers_claim():
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert "archive bomb" in error_of(bomb, Limits(total_bytes=1_000_000, members=10))


@pytest.mark.parametrize("mode", ["w:bz2", "w:xz"])
def test_it_reads_tars_in_other_compressions(mode):
    data = make_tar({"df.txt": MOUNTS}, mode=mode)
    assert read_capture_bytes(data).probes["df"].stdout == MOUNTS


def test_it_reads_a_gzip_of_several_members():
    plain = make_tar({"df.txt": MOUNTS}, mode="w")
    data = gzip.compress(plain[:700]) + gzip.compress(plain[700:])
    assert read_capture_bytes(data).probes["df"].stdout == MOUNTS


def test_it_refuses_a_zip_bomb():
    bomb = make_zip({f"p{i}.txt": b"\0" * 600_000 for i in range(3)})
    assert "archive bomb" in error_of(bomb, Limits(total_bytes=1_000_000))


@pytest.mark.parametrize("make", [make_tar, make_zip])
def test_it_refuses_too_many_members(make):
    many = make({f"p{i}.txt": b"" for i in range(30)})
    assert "more than 20 files" in error_of(many, Limits(members=20))


def test_it_counts_zip_entries_from_the_end_record():
    assert zip_entries(make_zip({f"p{i}.txt": b"" for i in range(30)})) == 30


def test_it_refuses_an_oversized_archive(tmp_path):
    path = tmp_path / "big.tar.gz"
    path.write_bytes(make_tar({"df.txt": os.urandom(5000)}))
    with pytest.raises(CaptureError, match="more than a capture may be"):
        read_capture(path, Limits(archive_bytes=1000))


def test_it_refuses_duplicate_members():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for data in (b"one", b"two"):
            info = tarfile.TarInfo("df.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert "twice" in error_of(buffer.getvalue())


def test_it_refuses_a_missing_path(tmp_path):
    with pytest.raises(CaptureError, match="No such file"):
        read_capture(tmp_path / "nothing")


def test_it_writes_nothing_while_reading_hostile_archives(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = [make_tar({"../evil.txt": b"x"}), make_zip({"../evil.txt": b"x"})]
    link = tarfile.TarInfo("../../evil")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    hostile.append(tar_with(link))
    before = sorted(os.listdir(tmp_path.parent))
    for data in hostile:
        with pytest.raises(CaptureError):
            read_capture_bytes(data)
    assert os.listdir(tmp_path) == []
    assert sorted(os.listdir(tmp_path.parent)) == before


def test_it_cuts_a_huge_file_in_a_directory_without_refusing_the_capture(tmp_path):
    folder = write_dir(tmp_path / "c", {"getfattr.txt": b"x" * 5000, "df.txt": b"y"})
    capture = read_capture(folder, Limits(file_bytes=1000, total_bytes=3000))
    assert capture.probes["getfattr"].truncated and capture.probes["df"].stdout == b"y"
