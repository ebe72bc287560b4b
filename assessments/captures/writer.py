"""Writing a capture: a .tar.gz streamed into a file object, one probe output at a time.

What `Capture.data` stores and `read_capture_bytes` reads back (design.md, "Capture"). The
tar is never built in memory: each member's header, bytes and padding go through one
gzip compressor straight into the file object, in slices of `FEED_BYTES`, so writing costs
the compressed bytes already written plus one slice, whatever the outputs weigh (a host at
the 32 MiB output cap once cost three times the cap here: the members, the joined tar and
the compressor's input).
"""

import json
import tarfile
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from io import BytesIO
from typing import IO, Any

from assessments.captures.archives import MANIFEST, PROBE_FILE
from assessments.facts import ProbeOutput

FORMAT_VERSION = 1
# zlib's default level 6, not tarfile's 9: on a capture of a few KiB level 9 costs 60 % more
# CPU (2.4 ms against 1.5 ms for a Linux host) for 3 % fewer bytes.
CAPTURE_GZIP_LEVEL = 6
FEED_BYTES = 1024 * 1024  # how much of one output the compressor takes at a time

_BLOCK = tarfile.BLOCKSIZE
_RECORD = tarfile.RECORDSIZE
_USTAR_MAX = 8**11  # what the 12-byte size and mtime fields of a ustar header can hold


def capture_to_targz(
    os_family: str,
    hostname: str,
    probes: Mapping[str, ProbeOutput],
    collected_at: datetime | None = None,
) -> bytes:
    """A capture as the bytes of a .tar.gz (`write_capture` into memory)."""
    out = BytesIO()
    write_capture(out, os_family, hostname, probes, collected_at)
    return out.getvalue()


def write_capture(
    out: IO[bytes],
    os_family: str,
    hostname: str,
    probes: Mapping[str, ProbeOutput],
    collected_at: datetime | None = None,
) -> int:
    """Write a capture as a .tar.gz into `out`; how many bytes were written.

    The same capture always gives the same bytes: the gzip header carries no time (tar
    members have theirs), and the stream is the one `gzip.compress(tar, 6, mtime=0)` gives.
    """
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "os_family": os_family,
        "hostname": hostname,
        "collected_at": collected_at.isoformat() if collected_at else None,
    }
    truncated = sorted(probe_id for probe_id, out in probes.items() if out.truncated)
    if truncated:
        manifest["truncated"] = truncated
    for probe_id in probes:
        if not PROBE_FILE.fullmatch(f"{probe_id}.txt"):
            raise ValueError(f"probe id {probe_id!r} cannot name a capture file")
    mtime = int((collected_at or datetime.now(UTC)).timestamp())
    tar = _TarGz(out)
    tar.member(MANIFEST, json.dumps(manifest, indent=1).encode(), mtime)
    for probe_id, output in sorted(probes.items()):
        tar.member(f"{probe_id}.txt", output.stdout, mtime)
        if output.stderr:
            tar.member(f"{probe_id}.err", output.stderr, mtime)
        if output.rc is not None:
            tar.member(f"{probe_id}.rc", f"{output.rc}\n".encode(), mtime)
    return tar.close()


class _TarGz:
    """A tar stream, gzip-compressed as it is written into a file object."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.packer = zlib.compressobj(CAPTURE_GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self.plain = 0  # tar bytes so far
        self.written = 0  # compressed bytes written

    def _write(self, data: bytes | memoryview) -> None:
        self.plain += len(data)
        for start in range(0, len(data), FEED_BYTES):
            self._emit(self.packer.compress(data[start : start + FEED_BYTES]))

    def _emit(self, packed: bytes) -> None:
        if packed:
            self.out.write(packed)
            self.written += len(packed)

    def member(self, name: str, data: bytes, mtime: int) -> None:
        """One regular file (mode 0600, owner 0) exactly as `TarFile.addfile` writes it."""
        if 0 <= mtime < _USTAR_MAX and len(data) < _USTAR_MAX:
            header = _ustar_header(name, len(data), mtime)
        else:  # a capture dated before 1970 (imported ones carry their own date): a PAX header
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o600
            header = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
        self._write(header)
        self._write(memoryview(data))
        self._write(bytes(-len(data) % _BLOCK))

    def close(self) -> int:
        """End the archive (two zero blocks, padded to whole records) and the gzip stream."""
        end = 2 * _BLOCK
        self._write(bytes(end + -(self.plain + end) % _RECORD))
        self._emit(self.packer.flush())
        return self.written


def _ustar_header(name: str, size: int, mtime: int) -> bytes:
    """The header tarfile's PAX format writes for a short ASCII name (`PROBE_FILE`).

    Written by hand: tarfile spends about 40 us per member building it from a dict of
    fields we never vary, and a Linux capture has some 50 members.
    """
    header = b"".join(
        (
            name.encode("ascii").ljust(100, b"\0"),
            b"0000600\0",  # mode
            b"0000000\0",  # uid
            b"0000000\0",  # gid
            b"%011o\0" % size,
            b"%011o\0" % mtime,
            b"        ",  # the checksum, summed as spaces
            tarfile.REGTYPE,
            bytes(100),  # link name
            tarfile.POSIX_MAGIC,
            bytes(64),  # user and group names
            bytes(16),  # device numbers: none for a regular file
            bytes(167),  # prefix, then padding to the block
        )
    )
    return b"%s%06o\0%s" % (header[:148], sum(header), header[155:])
