"""Windows volumes (W2): only NTFS volumes can be migrated into a container."""

from assessments.checks.base import Check, Finding, Severity, evidence
from assessments.facts import Facts, Unavailable
from assessments.parsers.windows.disks import NETWORK, Volume, parse_logicaldisks, parse_volumes
from assessments.probes import label

_FAT = frozenset({"FAT", "FAT12", "FAT16", "FAT32"})
_ESP_LABELS = frozenset({"BOOT", "SYSTEM", "EFI", "ESP", "SYSTEM RESERVED"})
_ESP_MAX_BYTES = 1 << 30
_CONVERT = (
    "Back up the volume, then convert it in place with `convert {letter} /fs:ntfs` (one-way; "
    "for the system volume it runs at the next reboot). Re-run the scan afterwards."
)
_COPY = (
    "There is no in-place conversion from {fs}: copy the data to an NTFS volume, then remove "
    "the volume or exclude it from the migration."
)


class WindowsVolumeFileSystems(Check):
    """Every local volume must be NTFS.

    The Parallels document "Migration Restrictions for Containers": volumes with file systems
    other than NTFS cannot be migrated. Local fixed volumes (drive type 3) formatted FAT,
    FAT32, exFAT or ReFS, or unformatted (RAW), block the migration, whether they have a
    drive letter or are mounted in a folder. Network, removable and optical drives are not
    part of the migration, and the EFI system partition is boot infrastructure, not data.
    """

    id = "volumes.filesystems"
    restriction = "volumes"
    os_family = "windows"
    probes = ("wmic_volume", "wmic_logicaldisk")
    title = "Local volumes are NTFS"

    def evaluate(self, facts: Facts) -> list[Finding]:
        found = listed_volumes(facts)
        if isinstance(found, Unavailable):
            return [
                self.unknown(
                    found,
                    "Run `wmic logicaldisk get DeviceID,DriveType,FileSystem /value` or "
                    "`fsutil fsinfo volumeinfo C:` for each drive.",
                )
            ]
        listed, note = found
        findings = [f for volume in listed if (f := self._judge(volume))]
        # boot infrastructure is local but not migrated data: judged apart (INFO)
        boot = [v for v in listed if _is_boot_volume(v)]
        local = [v for v in listed if v.local and not _is_efi_partition(v) and v not in boot]
        not_migrated = [v for v in listed if not v.local]
        if not any(f.severity in (Severity.BLOCKER, Severity.WARNING) for f in findings):
            names = ", ".join(v.name for v in local) or "none"
            findings.insert(
                0,
                self.finding(
                    Severity.PASS,
                    (
                        f"All {len(local)} local volumes are NTFS{note}"
                        if len(local) > 1
                        else f"The local volume {local[0].name} is NTFS{note}"
                    ),
                    _shown(local),
                )
                if local
                else self.finding(
                    Severity.UNKNOWN,
                    f"No local volume was listed ({names}){note}",
                    _shown(listed),
                    "Check the volumes by hand with `mountvol` and `fsutil fsinfo volumeinfo`.",
                ),
            )
        if boot:
            findings.append(
                self.finding(
                    Severity.INFO,
                    "Volumes without a drive letter (System Reserved, recovery): boot "
                    "infrastructure, not migrated: " + ", ".join(_where(v) for v in boot),
                    _shown(boot),
                )
            )
        if not_migrated:
            findings.append(
                self.finding(
                    Severity.INFO,
                    "Not migrated: " + ", ".join(f"{v.name} ({v.kind})" for v in not_migrated),
                    _shown(not_migrated),
                    "Re-map the network drives inside the container after migration."
                    if any(v.drive_type == NETWORK for v in not_migrated)
                    else "",
                )
            )
        return findings

    def _judge(self, volume: Volume) -> Finding | None:
        if not volume.local:
            return None
        fs = volume.file_system.upper()
        shown = _shown([volume])
        where = _where(volume)
        if fs == "NTFS":
            if volume.folder_mount:
                return self.finding(
                    Severity.WARNING,
                    f"NTFS volume mounted in a folder: {volume.name}",
                    shown,
                    "Check that the migration copies the folder-mounted volume's data; the "
                    "mount itself is not recreated in the container.",
                )
            return None
        if _is_efi_partition(volume):
            return self.finding(
                Severity.INFO,
                f"EFI system partition ({volume.file_system}, {where}) is not migrated",
                shown,
            )
        if not fs:
            return self.finding(
                Severity.WARNING,
                f"Local volume {where} has no readable file system",
                shown,
                "Check whether the volume is locked (BitLocker), offline or unformatted; "
                "data on it must be on NTFS to be migrated.",
            )
        remedy = (
            _CONVERT.format(letter=volume.drive_letter or "<volume>")
            if fs in _FAT
            else _COPY.format(fs=volume.file_system)
        )
        return self.finding(
            Severity.BLOCKER,
            f"Local volume {where} is {volume.file_system}, not NTFS",
            shown,
            remedy,
        )


def listed_volumes(facts: Facts) -> tuple[list[Volume], str] | Unavailable:
    """Every volume `wmic volume` and `wmic logicaldisk` list, and a note when only the
    drive letters were listed; Unavailable when neither probe answered."""
    volumes = facts.parsed("wmic_volume", parse_volumes)
    disks = facts.parsed("wmic_logicaldisk", parse_logicaldisks)
    if isinstance(volumes, Unavailable) and isinstance(disks, Unavailable):
        return Unavailable("wmic_volume", f"{volumes.reason}; {disks.reason}")
    return _merge(volumes, disks)


def used_bytes(volumes: list[Volume]) -> int | None:
    """Bytes in use on the volumes a migration copies (local ones, not the EFI system
    partition); None when there is none, or one of them does not say its size and free space
    (a partial sum would understate the data)."""
    total = 0
    copied = [volume for volume in volumes if volume.local and not _is_efi_partition(volume)]
    for volume in copied:
        if volume.size is None or volume.free is None:
            return None
        total += volume.size - volume.free
    return total if copied else None


def _merge(
    volumes: list[Volume] | Unavailable, disks: list[Volume] | Unavailable
) -> tuple[list[Volume], str]:
    """Volumes (with letter-less ones) completed by drive letters wmic volume lacks."""
    if isinstance(volumes, Unavailable):
        assert not isinstance(disks, Unavailable)
        return disks, " (drive letters only: " + volumes.reason + ")"
    letters = {v.drive_letter.upper() for v in volumes if v.drive_letter}
    extra = [] if isinstance(disks, Unavailable) else disks
    added = [d for d in extra if d.drive_letter.upper() not in letters]
    return volumes + added, ""


def _shown(volumes: list[Volume]) -> str:
    """Evidence grouped by the command each volume was listed by."""
    if not volumes:
        return evidence(label("windows", "wmic_volume"), ["(no volume listed)"])
    blocks = []
    for source in dict.fromkeys(v.source for v in volumes):
        lines = [line for v in volumes if v.source == source for line in [*v.lines, ""]]
        blocks.append(evidence(label("windows", source), lines[:-1]))
    return "\n".join(blocks)


def _where(volume: Volume) -> str:
    if volume.drive_letter:
        return volume.drive_letter
    suffix = f" '{volume.label}'" if volume.label else ""
    return f"{volume.name}{suffix}"


def _is_boot_volume(volume: Volume) -> bool:
    """A local NTFS volume with neither a drive letter nor a mount folder: System Reserved or
    a recovery partition (restrictions.md W2: boot infrastructure, INFO)."""
    return (
        volume.local
        and volume.file_system.upper() == "NTFS"
        and not volume.drive_letter
        and not volume.folder_mount
        and volume.source == "wmic_volume"
    )


def _is_efi_partition(volume: Volume) -> bool:
    """FAT, no drive letter, and the system volume, a boot label, or small."""
    if volume.drive_letter or volume.folder_mount or volume.file_system.upper() not in _FAT:
        return False
    small = volume.size is not None and volume.size <= _ESP_MAX_BYTES
    return bool(volume.system_volume) or volume.label.upper() in _ESP_LABELS or small


CHECKS: list[type[Check]] = [WindowsVolumeFileSystems]
