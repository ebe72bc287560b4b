"""Extended attributes from `getfattr -d` output: `# file: <path>` blocks of `name=value`.

The probe scans one file system per mount (`find -xdev`), skips `security.selinux`, and
stops at a line limit, printing `# p2c: scan incomplete: ...` when it does; a probe cut by
the collector's time limit or output cap is incomplete too. Paths are relative unless
`--absolute-names` was given; both are shown with a leading `/`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput
from assessments.parsers.text import decode
from assessments.probes.linux import XATTR_LINE_LIMIT

INCOMPLETE_MARK = "# p2c: scan incomplete:"
SCANNED_MARK = "# p2c: scanning "
NOTE_MARK = "# p2c: "
# The probe stops after XATTR_LINE_LIMIT lines and says so. Output past twice that is not
# the probe's (a hostile or broken host) and would cost memory in proportion (32 MiB of it
# made 500,000 files here, 130 MiB of them): the rest is not read, the scan is incomplete.
MAX_LINES = 2 * XATTR_LINE_LIMIT
# Exit statuses of a probe killed by a time limit (timeout(1), SIGKILL, SIGTERM, alarm).
KILLED = (124, 137, 142, 143)


@dataclass(frozen=True)
class FileXattrs:
    path: str
    names: tuple[str, ...]


@dataclass
class XattrScan:
    files: list[FileXattrs] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: str = ""  # why the scan stopped early, "" when complete


def kind_of(name: str) -> str:
    """The category users care about for one attribute name."""
    if name.startswith("system.posix_acl_") or name == "system.nfs4_acl":
        return "acl"
    if name == "security.capability":
        return "capability"
    if name == "security.selinux":
        return "selinux"
    if name.startswith(("trusted.gfid", "trusted.glusterfs.", "trusted.afr.")):
        return "gluster"  # GlusterFS brick metadata
    if name.startswith("user.swift."):
        return "swift"  # OpenStack Swift object metadata
    if name.startswith("user."):
        return "user"
    if name.startswith("trusted."):
        return "trusted"
    if name == "security.NTACL":
        return "samba"
    return "other"


def parse_getfattr(out: ProbeOutput) -> XattrScan:
    # Only the bytes of the lines read are decoded: text costs up to four times its bytes.
    cut = _after_lines(out.stdout, MAX_LINES)
    text = decode(out.stdout[:cut] + (b"\n" if cut < len(out.stdout) else b""))
    scan = XattrScan()
    path = ""
    names: list[str] = []

    def flush() -> None:
        if path and names:
            scan.files.append(FileXattrs(path, tuple(names)))

    for number, raw in enumerate(_lines(text)):
        if number == MAX_LINES:
            if not raw and cut == len(out.stdout):
                break  # the newline that ends the last line allowed
            scan.incomplete = (
                f"the output holds more than {MAX_LINES:,} lines (the probe prints at most "
                f"{XATTR_LINE_LIMIT:,}); the rest was not read"
            )
            break
        line = raw.rstrip()
        if line.startswith("# file: "):
            flush()
            path, names = "/" + line[len("# file: ") :].lstrip("/"), []
        elif line.startswith(INCOMPLETE_MARK):
            scan.incomplete = line[len(INCOMPLETE_MARK) :].strip()
        elif line.startswith(SCANNED_MARK):
            scan.scanned.append(line[len(SCANNED_MARK) :].strip())
        elif line.startswith(NOTE_MARK):
            scan.notes.append(line[len(NOTE_MARK) :].strip())
        elif path and "=" in line and not line.startswith("#"):
            names.append(line.split("=", 1)[0].strip())
        elif path and line and not line.startswith("#") and "=" not in line:
            names.append(line.strip())  # `getfattr` without -d lists bare names
    flush()
    if out.truncated and not scan.incomplete:
        scan.incomplete = "the output was cut at the collector's size or time limit"
    elif out.rc in KILLED and not scan.incomplete:
        scan.incomplete = f"the scan was stopped by the time limit (exit status {out.rc})"
    return scan


def _after_lines(data: bytes, count: int) -> int:
    """Where the first `count` lines of `data` end, with one more byte if any follows (the
    line that makes the output longer than `count` lines)."""
    end = -1
    for _ in range(count):
        end = data.find(b"\n", end + 1)
        if end < 0:
            return len(data)
    return min(end + 2, len(data))


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (a list of them all would cost as much again)."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]
