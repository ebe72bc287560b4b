from assessments.parsers.linux.identity import is_shared, meaningful, parse_dmi_ids, uuid_forms
from tests.assessments.parsers.linux.samples import blocks, text

DMI = "linux-dmi-ids-collection.txt"


def framed(*pairs: tuple[str, bytes]) -> str:
    return "".join(f"==> {name} <==\n{value.decode()}" for name, value in pairs)


def test_it_reads_the_sysfs_uuid_and_serial():
    ids = parse_dmi_ids(
        text(
            framed(
                ("/sys/class/dmi/id/product_uuid", blocks(DMI)[1]),
                ("/sys/class/dmi/id/product_serial", blocks(DMI)[2]),
            )
        )
    )
    assert ids.uuid == "9b764d56-6d2b-7ffc-2f38-f47cb793471b"
    assert ids.product_serial.startswith("VMware-56 4d 76 9b")


def test_it_lowercases_uuids_of_old_kernels():
    ids = parse_dmi_ids(text(framed(("/sys/class/dmi/id/product_uuid", blocks(DMI)[4]))))
    assert ids.uuid == "cfba65ba-62dd-42f1-8976-8f3653de090a"


def test_it_reads_dmidecode_values_after_its_comments():
    ids = parse_dmi_ids(
        text(
            "==> dmidecode -s system-uuid <==\n"
            "# SMBIOS implementations newer than version 2.7 are not\n"
            + blocks(DMI)[3].decode()
            + "==> dmidecode -s system-serial-number <==\nTo be filled by O.E.M.\n"
        )
    )
    assert ids.uuid == "cfba65ba-62dd-42f1-8976-8f3653de090a" and ids.product_serial == ""


def test_placeholders_identify_nothing():
    assert meaningful("Not Specified") == "" and meaningful("0123456789") == ""
    assert meaningful("00000000-0000-0000-0000-000000000000") == ""
    assert meaningful("CZ12345678") == "CZ12345678"


DELL = "linux-dmidecode-t-system-dell-collection.txt"
INSIGHTS = "linux-dmidecode-insights-hp-vmware-xen-kvm-collection.txt"


def system_field(block: bytes, field: str) -> str:
    """What `dmidecode -s system-uuid` / `system-serial-number` prints: the System
    Information structure's value (`-t system` shows the same string)."""
    lines = block.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "System Information")
    return next(
        line.split(":", 1)[1].strip()
        for line in lines[start:]
        if line.strip().startswith(field + ":")
    )


def dmidecode_s(block: bytes) -> str:
    return framed(
        ("dmidecode -s system-uuid", (system_field(block, "UUID") + "\n").encode()),
        (
            "dmidecode -s system-serial-number",
            (system_field(block, "Serial Number") + "\n").encode(),
        ),
    )


def test_it_reads_real_dell_uuids_in_both_smbios_byte_orders():
    ids = [parse_dmi_ids(text(dmidecode_s(block))) for block in blocks(DELL)]
    assert ids[0].uuid == "4c4c4544-0031-4710-8043-c3c04f373132"
    assert ids[0].product_serial == "C1GC712"
    assert ids[3].uuid == "44454c4c-3400-1036-805a-c4c04f4d4631"
    assert (ids[2].uuid, ids[2].product_serial) == ("44454c4c-4a00-1054-8052-c4c04f4c344a", "")
    assert all(i.uuid.startswith(("4c4c4544-", "44454c4c-")) for i in ids)


def test_uuid_forms_give_the_other_smbios_byte_order():
    assert uuid_forms("44454C4C-3400-1036-805A-C4C04F4D4631") == (
        "44454c4c-3400-1036-805a-c4c04f4d4631",
        "4c4c4544-0034-3610-805a-c4c04f4d4631",
    )
    assert is_shared("4c4c4544-0000-2010-8020-80c04f202020")  # Dell's default, swapped


def test_a_whole_table_from_dmidecode_without_s_gives_the_system_values():
    # dmidecode before 2.7 (RHEL 4's 2.2) has no -s: each call prints the whole table.
    table = blocks(INSIGHTS)[4]
    ids = parse_dmi_ids(
        text(
            framed(
                ("dmidecode -s system-uuid", table),
                ("dmidecode -s system-serial-number", table),
                ("dmidecode -s baseboard-serial-number", table),
            )
        )
    )
    assert ids.uuid == "58585858-5858-3348-3643-4d4b32353337"
    assert (ids.product_serial, ids.board_serial) == ("3H6CMK2537", "")


def whole_table(sample: str):
    """What the probe gets from a dmidecode without -s: the whole table for each keyword."""
    table = blocks(sample)[0]
    return parse_dmi_ids(
        text(
            framed(
                ("dmidecode -s system-uuid", table),
                ("dmidecode -s system-serial-number", table),
                ("dmidecode -s baseboard-serial-number", table),
            )
        )
    )


def test_the_oldest_dmidecode_tables_give_their_information_blocks():
    # RHEL 2.1 and the VMware ESX 2.5 service console: "System Information Block", no UUID.
    ibm = whole_table("linux-dmidecode-glpi-rhel-2.1.txt")
    assert (ibm.uuid, ibm.product_serial, ibm.board_serial) == ("", "KBKGW40", "NA60B7Y0S3Q")
    esx = whole_table("linux-dmidecode-glpi-vmware-esx-2.5.txt")
    assert esx.product_serial.startswith("VMware-56 4d db dd") and esx.board_serial == ""


def test_real_dell_tables_of_old_and_new_dmidecode():
    assert whole_table("linux-dmidecode-glpi-rhel-4.3.txt").uuid.startswith("0339d4c3-")
    assert whole_table("linux-dmidecode-glpi-rhel-5.6.txt").uuid == (
        "4c4c4544-0036-3110-8059-b8c04f5a344a"  # dmidecode 2.10, SMBIOS 2.6: swapped fields
    )
    assert whole_table("linux-dmidecode-glpi-linux-2.6.txt").uuid == (
        "44454c4c-3800-1058-8044-c4c04f36324a"  # dmidecode 2.8, SMBIOS 2.3: raw order
    )
    r620 = whole_table("linux-dmidecode-glpi-dell-r620.txt")
    assert (r620.uuid, r620.product_serial) == ("4c4c4544-0046-4810-8057-b3c04f385a31", "3FHW8Z1")


def test_dots_and_one_repeated_digit_are_placeholders():
    assert whole_table("linux-dmidecode-glpi-s5000vsa.txt").product_serial == ""  # "........."
    hp = whole_table("linux-dmidecode-glpi-hp-proliant-dl120-g6.txt")
    assert (hp.uuid, hp.product_serial) == ("", "")  # EEEEEEEE-EEEE-..., XXXXXXXXXX
    assert meaningful("11111111-1111-1111-1111-111111111111") == ""
    assert whole_table("linux-dmidecode-glpi-rhel-3.9.txt").product_serial == ""  # "0"
