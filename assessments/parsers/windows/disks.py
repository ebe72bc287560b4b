"""Volumes from `wmic logicaldisk` and `wmic volume` (Key=Value forms).

Only DriveType decides what is local (3) and what is not (2 removable, 4 network, 5 optical,
6 RAM disk): network drives report FileSystem=NTFS too, and the Description is localised.
`wmic volume` also lists volumes without a drive letter (System Reserved, the EFI system
partition) and volumes mounted in folders.
"""

from dataclasses import dataclass

from assessments.facts import ProbeOutput
from assessments.parsers.windows.wmic import WmicRecord, records

REMOVABLE, LOCAL, NETWORK, OPTICAL, RAM_DISK = 2, 3, 4, 5, 6
DRIVE_TYPES = {
    0: "unknown",
    1: "no root directory",
    REMOVABLE: "removable",
    LOCAL: "local disk",
    NETWORK: "network",
    OPTICAL: "CD/DVD",
    RAM_DISK: "RAM disk",
}


@dataclass(frozen=True)
class Volume:
    """One volume or logical disk; `name` is the drive letter, mount folder or volume GUID."""

    name: str
    drive_letter: str
    drive_type: int | None
    file_system: str
    label: str
    size: int | None
    system_volume: bool | None
    lines: tuple[str, ...]
    source: str  # probe id: wmic_volume or wmic_logicaldisk
    free: int | None = None  # FreeSpace, bytes (blank for drives without media)

    @property
    def local(self) -> bool:
        return self.drive_type == LOCAL

    @property
    def folder_mount(self) -> bool:
        """Mounted in a folder (e.g. C:\\Data\\Logs\\) rather than at a drive root."""
        return not self.drive_letter and len(self.name) > 3 and self.name[1:3] == ":\\"

    @property
    def kind(self) -> str:
        return DRIVE_TYPES.get(self.drive_type or 0, f"type {self.drive_type}")


_EVIDENCE = ("DeviceID", "Name", "DriveLetter", "DriveType", "FileSystem", "Label", "VolumeName")


def parse_logicaldisks(out: ProbeOutput) -> list[Volume]:
    """`wmic logicaldisk get DeviceID,DriveType,FileSystem,... /value`."""
    return [_logicaldisk(r) for r in records(out, "wmic logicaldisk get /value")]


def parse_volumes(out: ProbeOutput) -> list[Volume]:
    """`wmic volume get /value` (Server 2003 and later; not on XP)."""
    return [_volume(r) for r in records(out, "wmic volume get /value")]


def _logicaldisk(record: WmicRecord) -> Volume:
    letter = record.get("DeviceID").strip() or record.get("Caption").strip()
    return Volume(
        name=letter,
        drive_letter=letter,
        drive_type=record.integer("DriveType"),
        file_system=record.get("FileSystem").strip(),
        label=record.get("VolumeName").strip(),
        size=record.integer("Size"),
        system_volume=None,
        lines=tuple(record.evidence(*_EVIDENCE)),
        source="wmic_logicaldisk",
        free=record.integer("FreeSpace"),
    )


def _volume(record: WmicRecord) -> Volume:
    letter = record.get("DriveLetter").strip()
    name = record.get("Name").strip() or record.get("Caption").strip() or record.get("DeviceID")
    return Volume(
        name=letter or name.strip(),
        drive_letter=letter,
        drive_type=record.integer("DriveType"),
        file_system=record.get("FileSystem").strip(),
        label=record.get("Label").strip(),
        size=record.integer("Capacity"),
        system_volume=record.flag("SystemVolume"),
        lines=tuple(record.evidence(*_EVIDENCE)),
        source="wmic_volume",
        free=record.integer("FreeSpace"),
    )
