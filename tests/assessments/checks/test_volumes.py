"""Check volumes.filesystems (W2)."""

from assessments.checks.base import Severity
from assessments.checks.volumes import WindowsVolumeFileSystems
from tests.assessments.parsers.windows.samples import crcrlf, not_recognized, sample, windows

LOGICALDISK_FR = sample("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt")
VOLUME_WIN7 = sample("windows-wmic-volume-list-win7-mountpoint-utf16le.txt")


def volumes(**probes):
    return WindowsVolumeFileSystems().evaluate(windows(None, **probes))


def severities(findings):
    return [str(f.severity) for f in findings]


def test_id_is_the_registered_one():
    assert WindowsVolumeFileSystems.id == "volumes.filesystems"


def test_it_passes_local_ntfs_and_lists_network_drives_as_not_migrated():
    findings = volumes(wmic_logicaldisk=LOGICALDISK_FR)
    assert severities(findings) == ["pass", "info"]
    assert findings[0].title.startswith("All 2 local volumes are NTFS")
    assert "J: (network)" in findings[1].title and "A: (removable)" in findings[1].title
    assert "E: (CD/DVD)" in findings[1].title


def test_it_warns_about_an_ntfs_volume_mounted_in_a_folder():
    findings = volumes(wmic_volume=VOLUME_WIN7)
    warning = next(f for f in findings if f.severity == Severity.WARNING)
    assert "C:\\MountedPoint\\Here\\" in warning.title
    assert "$ wmic volume get /value" in warning.evidence
    assert Severity.BLOCKER not in [f.severity for f in findings]


def test_it_blocks_a_fat32_data_volume_with_a_convert_command():
    out = crcrlf("DeviceID=D:\nDriveType=3\nFileSystem=FAT32\nSize=8589934592\nVolumeName=DATA\n")
    (finding,) = volumes(wmic_logicaldisk=out)
    assert finding.severity == Severity.BLOCKER
    assert "D: is FAT32" in finding.title
    assert "convert D: /fs:ntfs" in finding.remediation
    assert "FileSystem=FAT32" in finding.evidence


def test_it_blocks_a_refs_volume_without_a_letter():
    out = crcrlf(
        "Capacity=1099511627776\nDriveLetter=\nDriveType=3\nFileSystem=ReFS\n"
        "Label=Backups\nName=C:\\Backups\\\n"
    )
    (finding,) = volumes(wmic_volume=out)
    assert finding.severity == Severity.BLOCKER
    assert "no in-place conversion" in finding.remediation


def test_it_blocks_exfat():
    out = crcrlf("DeviceID=E:\nDriveType=3\nFileSystem=exFAT\n")
    assert severities(volumes(wmic_logicaldisk=out)) == ["blocker"]


def test_the_efi_system_partition_is_not_a_blocker():
    out = crcrlf(
        "Capacity=104857600\nDriveLetter=\nDriveType=3\nFileSystem=FAT32\nLabel=BOOT\n"
        "Name=\\\\?\\Volume{1}\\\nSystemVolume=TRUE\n\n\n"
        "Capacity=64424509440\nDriveLetter=C:\nDriveType=3\nFileSystem=NTFS\nName=C:\\\n"
    )
    findings = volumes(wmic_volume=out)
    assert severities(findings) == ["pass", "info"]
    assert "EFI system partition" in findings[1].title


def test_a_removable_fat_drive_is_not_a_blocker():
    out = crcrlf(
        "DeviceID=C:\nDriveType=3\nFileSystem=NTFS\n\n\n"
        "DeviceID=F:\nDriveType=2\nFileSystem=FAT32\n"
    )
    findings = volumes(wmic_logicaldisk=out)
    assert severities(findings) == ["pass", "info"]
    assert findings[0].title.startswith("The local volume C: is NTFS (drive letters only")


def test_letters_wmic_volume_lacks_are_taken_from_logicaldisk():
    disk = crcrlf(
        "DeviceID=C:\nDriveType=3\nFileSystem=NTFS\n\n\nDeviceID=G:\nDriveType=3\nFileSystem=FAT\n"
    )
    findings = volumes(wmic_volume=VOLUME_WIN7, wmic_logicaldisk=disk)
    blocker = next(f for f in findings if f.severity == Severity.BLOCKER)
    assert "G: is FAT" in blocker.title
    assert "$ wmic logicaldisk" in blocker.evidence


def test_it_says_when_only_drive_letters_were_checked():
    (finding, _) = volumes(wmic_volume=not_recognized("wmic"), wmic_logicaldisk=LOGICALDISK_FR)
    assert "drive letters only" in finding.title


def test_it_is_unknown_when_neither_probe_answered():
    (finding,) = volumes(wmic_volume=not_recognized("wmic"))
    assert finding.severity == Severity.UNKNOWN


def test_the_pass_counts_only_ntfs_volumes_when_an_efi_partition_is_listed():
    # Real Win32_Volume of a Windows 10 laptop: C:, a letter-less NTFS recovery volume and
    # the FAT32 EFI system partition 'BOOT'. The PASS must not call the ESP NTFS.
    out = sample("windows-wmic-volume-list-win10-esp-recovery-utf16le.txt")
    findings = volumes(wmic_volume=out)
    assert severities(findings) == ["pass", "info", "info"]
    assert findings[0].title == "The local volume C: is NTFS"
    assert "FileSystem=FAT32" not in findings[0].evidence
    assert findings[1].title.startswith("EFI system partition (FAT32, ")
    assert "'BOOT'" in findings[1].title


def test_letter_less_ntfs_volumes_are_boot_infrastructure_info():
    # restrictions.md W2: System Reserved (NTFS, no letter) and recovery partitions are INFO.
    out = sample("windows-wmic-volume-list-win10-esp-recovery-utf16le.txt")
    boot = volumes(wmic_volume=out)[2]
    assert boot.title.startswith("Volumes without a drive letter (System Reserved, recovery)")
    assert "\\\\?\\Volume{f0e739ce-6c50-4844-9bb4-a02350322dcd}\\" in boot.title
    findings = volumes(wmic_volume=VOLUME_WIN7)
    (reserved,) = [f for f in findings if "without a drive letter" in f.title]
    assert reserved.severity == Severity.INFO and "'System reserved'" in reserved.title
    assert "Label=System reserved" in reserved.evidence
