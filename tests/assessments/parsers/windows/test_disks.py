"""Volumes from wmic logicaldisk and wmic volume."""

from assessments.parsers.windows.disks import LOCAL, NETWORK, parse_logicaldisks, parse_volumes
from tests.assessments.parsers.windows.samples import crcrlf, sample


def test_it_reads_drive_types_of_the_french_2008_sample():
    disks = parse_logicaldisks(sample("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt"))
    types = {d.name: d.drive_type for d in disks}
    assert types == {"A:": 2, "C:": LOCAL, "D:": LOCAL, "E:": 5, "J:": 4, "L:": 4, "Z:": 4}


def test_network_drives_report_ntfs_but_are_not_local():
    disks = parse_logicaldisks(sample("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt"))
    network = [d for d in disks if d.drive_type == NETWORK]
    assert {d.file_system for d in network} == {"NTFS"}
    assert not any(d.local for d in network)


def test_it_reads_letterless_and_folder_mounted_volumes():
    volumes = parse_volumes(sample("windows-wmic-volume-list-win7-mountpoint-utf16le.txt"))
    by_name = {v.name: v for v in volumes}
    assert by_name["C:\\MountedPoint\\Here\\"].folder_mount
    reserved = next(v for v in volumes if v.label == "System reserved")
    assert reserved.drive_letter == "" and reserved.system_volume is True
    assert by_name["C:"].file_system == "NTFS" and not by_name["C:"].folder_mount


def test_it_reads_a_fat32_efi_partition():
    (esp,) = parse_volumes(
        crcrlf("Capacity=104857600\nDriveLetter=\nDriveType=3\nFileSystem=FAT32\nLabel=BOOT\n")
    )
    assert (esp.file_system, esp.size, esp.label) == ("FAT32", 104857600, "BOOT")


def test_it_reads_the_free_space_of_disks_and_volumes():
    disks = parse_logicaldisks(sample("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt"))
    free = {d.name: d.free for d in disks}
    assert (free["C:"], free["E:"]) == (21440266240, None)
    volumes = parse_volumes(sample("windows-wmic-volume-list-win7-mountpoint-utf16le.txt"))
    assert {v.name: v.free for v in volumes}["C:\\MountedPoint\\Here\\"] == 87314432
