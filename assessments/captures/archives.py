"""Reading capture archives and directories defensively, into memory, never extracting.

Captures come from users and the network: sizes are capped per file (the output is cut and
marked truncated) and in total (an error, counted from the declared sizes before anything is
unpacked), and so is how many times its own size an archive unpacks to; links, devices,
absolute paths, `..`, duplicate names and too many members are refused with a `CaptureError`
in words a user can act on.
"""

import bz2
import gzip
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
PROBE_FILE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})\.(txt|err|rc)")


class CaptureError(ValueError):
    """The file is not a usable capture; the message says why, for users."""


@dataclass(frozen=True)
class Limits:
    """Caps on what a capture may hold (defaults fit the biggest real hosts we know)."""

    archive_bytes: int = 64 * 1024 * 1024  # the compressed file as uploaded
    file_bytes: int = 32 * 1024 * 1024  # one probe's output; more is cut, marked truncated
    total_bytes: int = 128 * 1024 * 1024  # everything unpacked; more is an error
    members: int = 2000
    manifest_bytes: int = 64 * 1024
    streams: int = 16  # compressed streams one after the other (gzip members); `gzip` writes one
    # Unpacked bytes per archive byte, once more than ratio_floor_bytes are unpacked: probe
    # outputs compress 5-20 times; a file of zeros 1000 times (a bomb that stays under
    # total_bytes still costs seconds of unpacking and judging).
    expansion_ratio: int = 200
    ratio_floor_bytes: int = 8 * 1024 * 1024


LIMITS = Limits()


def is_tar(data: bytes) -> bool:
    compressed = data.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"))
    return compressed or data[257:262] == b"ustar"


class Files:
    """Member name -> content, with the size budget and the notes of a read in progress."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.content: dict[str, bytes] = {}
        self.truncated: set[str] = set()
        self.notes: list[str] = []
        self.total = 0
        self.members = 0
        self.folder = ""  # the directory read, when it was one

    def count_member(self) -> None:
        self.members += 1
        if self.members > self.limits.members:
            raise CaptureError(f"the capture holds more than {self.limits.members} files")

    def reserve(self, name: str, size: int, *, skipping_unpacks: bool = False) -> int:
        """Book a file of `size` bytes against the total; how many bytes to read of it.

        In a compressed tar, skipping the rest of a member still unpacks it, so there the
        declared size counts in full; elsewhere only what is read counts.
        """
        if name in self.content:
            raise CaptureError(f"the capture holds {name} twice")
        want = min(size, self.limits.file_bytes)
        self.total += size if skipping_unpacks else want
        if size < 0 or self.total > self.limits.total_bytes:
            raise CaptureError(
                f"the capture unpacks to more than {self.limits.total_bytes} bytes (archive bomb?)"
            )
        return want

    def add(self, name: str, data: bytes, cut: bool) -> None:
        self.content[name] = data
        if cut:
            self.truncated.add(name)
            self.notes.append(f"{name} was cut to {self.limits.file_bytes} bytes")


def member_name(raw: str) -> str:
    """The normalised path of an archive member, or CaptureError if it points anywhere odd."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise CaptureError(f"the capture holds an absolute path: {raw!r}")
    parts = [part for part in PurePosixPath(name).parts if part not in ("", ".")]
    if ".." in parts:
        raise CaptureError(f"the capture holds a path leaving its folder: {raw!r}")
    if any("\x00" in part for part in parts):
        raise CaptureError(f"the capture holds a file name with a NUL byte: {raw!r}")
    return "/".join(parts)


# Room for tar headers (512 bytes each, more for long names) per member allowed.
HEADER_BYTES = 2048
# Compressed input is fed to a decompressor in slices of a memoryview, the first small and
# each next one twice as big up to FEED_BYTES: what a decompressor copies aside after the
# end of its stream (`unused_data`) is then at most one slice, and a tiny stream costs
# little however much input follows it.
FIRST_FEED_BYTES = 512
FEED_BYTES = 64 * 1024


@dataclass(frozen=True)
class Codec:
    """A compression a tar may come in: how its streams start, and a decompressor of one."""

    name: str
    magic: bytes
    make: Callable[[], Any]


CODECS = [
    Codec("gzip", b"\x1f\x8b", lambda: zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)),
    Codec("bzip2", b"BZh", bz2.BZ2Decompressor),
    Codec("xz", b"\xfd7zXZ\x00", lzma.LZMADecompressor),
]


def expansion_error(ratio: int) -> CaptureError:
    return CaptureError(
        f"the capture unpacks to more than {ratio} times its own size (archive bomb?)"
    )


def decompress(
    data: bytes, limit: int, max_streams: int = LIMITS.streams, limits: Limits = LIMITS
) -> bytes:
    """The tar inside gzip/bzip2/xz, unpacked in memory and never past `limit` bytes.

    tarfile itself would read a PAX header of any declared size into memory, so the whole
    stream is bounded here first. One pass over the input: gzip (like bzip2 and xz) allows
    several streams one after the other, and handing each new decompressor "the rest of
    the file" copied that rest once per stream, so 8 MB of empty 20-byte gzip members took
    minutes. Here each decompressor is fed growing slices of a memoryview (see
    FIRST_FEED_BYTES), and the number of streams is capped too (a capture has one), and so
    is the expansion ratio (`Limits.expansion_ratio`), checked as the output grows.
    """
    codec = next((c for c in CODECS if data.startswith(c.magic)), None)
    if codec is None:
        return data
    out = bytearray()
    view = memoryview(data)
    offset = streams = 0
    while offset < len(data):
        if not data.startswith(codec.magic, offset):
            if data.count(0, offset) != len(data) - offset:  # zero padding may follow
                raise CaptureError(f"the archive holds something else after its {codec.name} data")
            break
        streams += 1
        if streams > max_streams:
            raise CaptureError(
                f"the archive is more than {max_streams} {codec.name} streams one after "
                "the other (a capture is one)"
            )
        offset = _unpack_stream(codec, view, offset, out, limit, limits)
    return bytes(out)


def _unpack_stream(
    codec: Codec, view: memoryview, offset: int, out: bytearray, limit: int, limits: Limits
) -> int:
    """Unpack the stream starting at `offset` onto `out`; where the next one starts."""
    unpacker = codec.make()
    feed = FIRST_FEED_BYTES
    while not unpacker.eof:
        if offset >= len(view):
            raise CaptureError(
                "the archive is damaged or truncated: the compressed data ends early"
            )
        chunk = view[offset : offset + feed]
        offset += len(chunk)
        feed = min(2 * feed, FEED_BYTES)
        # Output is capped one byte past the limit: reaching that byte means a bomb.
        out += unpacker.decompress(chunk, limit + 1 - len(out))
        if len(out) > limit:
            raise CaptureError(
                f"the capture unpacks to more than {limit / 2**20:.0f} MiB "
                f"({limit} bytes; archive bomb?)"
            )
        if len(out) > limits.ratio_floor_bytes and len(out) > limits.expansion_ratio * offset:
            raise expansion_error(limits.expansion_ratio)
    return offset - len(unpacker.unused_data)


def read_tar(data: bytes, limits: Limits) -> Files:
    files = Files(limits)
    try:
        budget = limits.total_bytes + limits.members * HEADER_BYTES
        plain = decompress(data, budget, limits.streams, limits)
        with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as archive:
            for member in archive:
                files.count_member()
                name = member_name(member.name)
                if member.isdir():
                    continue
                if not member.isreg():
                    kind = "link" if member.issym() or member.islnk() else "special file"
                    raise CaptureError(f"the capture holds a {kind}: {member.name!r}")
                want = files.reserve(name, member.size, skipping_unpacks=True)
                handle = archive.extractfile(member)
                content = handle.read(want) if handle else b""
                if len(content) < want:
                    raise CaptureError(f"the capture is truncated (in {name})")
                files.add(name, content, member.size > want)
    except CaptureError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise CaptureError(f"the archive is damaged or truncated: {exc}") from None
    return files


class _Bounded(io.RawIOBase):
    """A decompressed stream that raises `CaptureError` past `limit` bytes, or past the
    expansion ratio of `Limits` once more than its floor came out."""

    def __init__(self, stream: Any, limit: int, packed: int, limits: Limits) -> None:
        self.stream, self.limit, self.packed, self.limits = stream, limit, packed, limits
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        self.total += len(data)
        if self.total > self.limit:
            raise CaptureError(
                f"the capture unpacks to more than {self.limit} bytes (archive bomb?)"
            )
        floor, ratio = self.limits.ratio_floor_bytes, self.limits.expansion_ratio
        if self.total > floor and self.total > ratio * self.packed:
            raise expansion_error(ratio)
        buffer[: len(data)] = data
        return len(data)


_OPENERS: dict[bytes, Callable[[io.BytesIO], Any]] = {
    b"\x1f\x8b": lambda raw: gzip.GzipFile(fileobj=raw),
    b"BZh": bz2.BZ2File,
    b"\xfd7zXZ\x00": lzma.LZMAFile,
}


def read_tar_members(
    data: bytes, basenames: Collection[str], max_bytes: int, limits: Limits = LIMITS
) -> dict[str, bytes]:
    """The first `max_bytes` of the members of a tar named `basenames` (at the top or in one
    folder), read as a stream: the other members are unpacked and dropped, never kept, so
    what this holds is bounded by what it returns (the host page reads a few probes of a
    capture that may weigh hundreds of MiB unpacked)."""
    opener = next((o for magic, o in _OPENERS.items() if data.startswith(magic)), None)
    raw = io.BytesIO(data)
    budget = limits.total_bytes + limits.members * HEADER_BYTES
    stream = _Bounded(opener(raw) if opener else raw, budget, len(data), limits)
    found: dict[str, bytes] = {}
    members = 0
    try:
        with tarfile.open(fileobj=io.BufferedReader(stream), mode="r|") as archive:
            for member in archive:
                members += 1
                if members > limits.members:
                    raise CaptureError(f"the capture holds more than {limits.members} files")
                name = member_name(member.name)
                base = name.rsplit("/", 1)[-1]
                if member.isreg() and base in basenames and name.count("/") <= 1:
                    handle = archive.extractfile(member)
                    found.setdefault(base, handle.read(max_bytes) if handle else b"")
    except CaptureError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise CaptureError(f"the archive is damaged or truncated: {exc}") from None
    return found


def zip_entries(data: bytes) -> int:
    """The entry count the zip's end record declares (0 if there is none to read)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65536 - 22))
    if end < 0 or end + 12 > len(data):
        return 0
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    zip64 = data.rfind(b"PK\x06\x06", 0, end)
    if count == 0xFFFF and zip64 >= 0:
        count = int.from_bytes(data[zip64 + 32 : zip64 + 40], "little")
    return count


def read_zip(data: bytes, limits: Limits) -> Files:
    files = Files(limits)
    # ZipFile reads the whole central directory at once: refuse a huge one before it does.
    if zip_entries(data) > limits.members:
        raise CaptureError(f"the capture holds more than {limits.members} files")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                files.count_member()
                name = member_name(info.filename)
                mode = info.external_attr >> 16
                if info.is_dir():
                    continue
                if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                    kind = "link" if stat.S_ISLNK(mode) else "special file"
                    raise CaptureError(f"the capture holds a {kind}: {info.filename!r}")
                if info.flag_bits & 0x1:
                    raise CaptureError(f"the capture holds an encrypted file: {info.filename!r}")
                want = files.reserve(name, info.file_size)
                if files.total > max(limits.ratio_floor_bytes, limits.expansion_ratio * len(data)):
                    raise expansion_error(limits.expansion_ratio)
                with archive.open(info) as handle:
                    content = handle.read(want)
                files.add(name, content, info.file_size > want)
    except CaptureError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error) as exc:
        raise CaptureError(f"the zip file is damaged or truncated: {exc}") from None
    except (ValueError, NotImplementedError, RuntimeError) as exc:
        raise CaptureError(f"the zip file cannot be read: {exc}") from None
    return files


def read_directory(path: Path, limits: Limits) -> Files:
    files = Files(limits)
    files.folder = path.name
    with os.scandir(path) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    names = {entry.name for entry in entries}
    if not names & {MANIFEST} and not any(PROBE_FILE.fullmatch(n) for n in names):
        subdirs = [e for e in entries if e.is_dir(follow_symlinks=False)]
        if len(subdirs) == 1:
            return read_directory(Path(subdirs[0].path), limits)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            continue
        files.count_member()
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            raise CaptureError(f"{entry.path}: a link or special file, not a probe output")
        if entry.name != MANIFEST and not PROBE_FILE.fullmatch(entry.name):
            files.notes.append(f"ignored {entry.name}")
            continue
        size = entry.stat(follow_symlinks=False).st_size
        want = files.reserve(entry.name, size)
        fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            content = handle.read(want)
        files.add(entry.name, content, size > want)
    return files
