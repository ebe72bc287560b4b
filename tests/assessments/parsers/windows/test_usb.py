"""wmic path Win32_USBHub: USB devices by device id (names are localised)."""

import re

import pytest

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.usb import parse_usb_devices
from tests.assessments.parsers.windows.samples import crcrlf, sample
from tests.conftest import sample_bytes

XP = "windows-wmic-usbhub-list-xp-spanish-utf16le.txt"
DUMP = "windows-wmi-utility-win32-usbhub-sentinel-hasp.txt"


def as_wmic(pairs: list[tuple[str, str]]) -> ProbeOutput:
    """A `get Name,DeviceID /value` output for these (name, device id) pairs."""
    body = "\n\n".join(f"DeviceID={d.replace('&', '&amp;')}\nName={n}" for n, d in pairs)
    return crcrlf(f"\n\n{body}\n\n")


def dump_devices() -> list[tuple[str, str]]:
    """(name, device id) of each instance of the real WMI browser dump (wrapped ids joined)."""
    text = sample_bytes(DUMP).decode()
    names = re.findall(r"String\s+Name\s+(.+)", text)
    ids = [
        re.sub(r"\n", "", m) for m in re.findall(r"String\s+DeviceID\s+(\S+(?:\n[^ \n]\S*)?)", text)
    ]
    return list(zip(names, ids, strict=True))


def test_it_reads_the_hub_records_of_a_real_xp_dump():
    devices = parse_usb_devices(sample(XP))
    assert len(devices) == 12
    assert sum(d.root_hub for d in devices) == 5


def test_it_unescapes_device_ids_and_reads_vendor_and_product():
    generic = parse_usb_devices(sample(XP))[4]
    assert generic.device_id == "USB\\VID_046A&PID_0009\\5&2691D203&0&1"
    assert (generic.vid, generic.pid) == ("046A", "0009")


def test_composite_functions_are_marked():
    devices = parse_usb_devices(sample(XP))
    assert [d.name for d in devices if d.interface] == [
        "Compatibilidad con impresoras USB",
        "HP EWS P2015",
    ]


def test_it_reads_the_real_sentinel_ids_in_both_spellings():
    devices = parse_usb_devices(as_wmic(dump_devices()))
    keys = {d.device_id.split("\\")[0]: (d.vid, d.pid) for d in devices if d.vid == "0529"}
    assert keys == {"ALADDIN": ("0529", "0001"), "USB": ("0529", "0001")}


def test_other_classes_of_a_wider_dump_do_not_count():
    out = crcrlf(
        "\n\nCreationClassName=Win32_PnPEntity\nDeviceID=USB\\VID_0529&amp;PID_0001\\1\n"
        "Name=SafeNet Inc. USB Key\n\nCreationClassName=Win32_USBHub\n"
        "DeviceID=USB\\ROOT_HUB20\\4&amp;1&amp;0\nName=USB Root Hub\n\n"
    )
    assert [d.name for d in parse_usb_devices(out)] == ["USB Root Hub"]


def test_no_instances_is_no_device():
    assert parse_usb_devices(ProbeOutput(b"", b"No Instance(s) Available.\r\n", 0)) == ()
    assert parse_usb_devices(ProbeOutput(b"No Instance(s) Available.\r\n")) == ()


def test_the_first_run_banner_of_wmic_on_2003_is_not_a_device():
    out = crcrlf(
        "Please wait while WMIC is being installed.\n\n"
        "DeviceID=USB\\VID_0529&amp;PID_0001\\6&amp;1\nName=HASP HL 3.25\n\n"
    )
    (device,) = parse_usb_devices(out)
    assert device.vid == "0529" and device.name == "HASP HL 3.25"


def test_root_hubs_of_third_party_usb3_controllers_are_root_hubs():
    # Real French Windows 7: the Renesas USB 3.0 controller's own driver names its root hubs
    # NUSB3\ROOT_HUB30\..., not USB\ROOT_HUB...: still root hubs, not devices.
    devices = parse_usb_devices(sample("windows-wmic-usbhub-list-win7-fr-renesas-usb3-utf16le.txt"))
    roots = [d.device_id for d in devices if d.root_hub]
    assert roots == [
        "USB\\ROOT_HUB20\\4&3113F1A8&0",
        "USB\\ROOT_HUB20\\4&36206EEE&0",
        "NUSB3\\ROOT_HUB30\\5&174FC82C&0",
        "NUSB3\\ROOT_HUB30\\5&D5AB249&0",
    ]
    assert [d.name for d in devices if d.vid == "046D"] == ["Périphérique USB composite"] * 2


def test_key_value_lines_without_any_device_id_are_no_device_list():
    # Whatever wmic prints instead of records (here a hypothetical translated error whose
    # description line looks like Key=Value) must not read as "no USB device".
    out = crcrlf("\n\nFEHLER:\nBeschreibung = Ungueltige Abfrage\n\n")
    with pytest.raises(ProbeUnavailable, match="DeviceID"):
        parse_usb_devices(out)
