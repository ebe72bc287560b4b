from assessments.parsers.linux.identity import meaningful, parse_dmi_ids
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
