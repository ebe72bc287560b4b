import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.linux.hardware import (
    parse_cmdline,
    parse_lspci,
    parse_lsusb,
    parse_tty_serial,
)
from tests.assessments.parsers.linux.samples import out, text

SERIAL = "linux-proc-tty-driver-serial-collection.txt"
CMDLINE = "linux-proc-cmdline-collection.txt"


def test_it_reads_lsusb_ids_and_names():
    devices = parse_lsusb(out("linux-lsusb-hasp-dongle-1c-server.txt")).devices
    assert [d.id for d in devices] == ["1d6b:0003", "0529:0001", "1d6b:0002"]
    assert devices[1].name == "Aladdin Knowledge Systems HASP copy protection dongle"


def test_it_reads_a_device_without_a_product_name():
    devices = parse_lsusb(out("linux-lsusb-centos7-vmware.txt")).devices
    assert ("0e0f:0008", "VMware, Inc.") in {(d.id, d.name) for d in devices}


def test_it_reads_the_sysfs_listing_of_hosts_without_lsusb():
    listing = parse_lsusb(
        text(
            "# p2c: lsusb is not installed: devices read from /sys/bus/usb/devices\n"
            "1-1: ID 0529:0001 AKS HASP HL 3.25\n"
        )
    )
    assert [d.id for d in listing.devices] == ["0529:0001"] and listing.notes


def test_it_refuses_lsusb_output_without_devices():
    with pytest.raises(ProbeUnavailable):
        parse_lsusb(text("unable to initialize libusb: -99\n"))


def test_it_reads_lspci_k_drivers_by_device():
    devices = parse_lspci(out("linux-lspci-k-cisco-ucs-qla2xxx.txt")).devices
    hbas = [d for d in devices if d.kind == "Fibre Channel"]
    assert [(d.slot, d.driver) for d in hbas] == [("04:00.0", "qla2xxx"), ("04:00.1", "qla2xxx")]
    vga = next(d for d in devices if d.kind == "VGA compatible controller")
    assert vga.driver == "" and "Matrox" in vga.description


def test_it_reads_numeric_classes_and_vendors_of_lspci_nn():
    devices = parse_lspci(out("linux-lspci-nnk-nvidia-gtx960.txt")).devices
    gpu = next(d for d in devices if d.class_code == "0300")
    assert (gpu.vendor_id, gpu.driver) == ("10de", "nvidia")
    assert gpu.modules == ("nvidiafb", "nouveau", "nvidia_drm", "nvidia")


def test_it_reads_tab_indented_details():
    devices = parse_lspci(out("linux-lspci-nnkq-fujitsu-vfio.txt")).devices
    assert sum(d.driver == "vfio-pci" for d in devices) == 4


def test_it_reads_the_sysfs_listing_of_old_pciutils():
    listing = parse_lspci(
        text(
            "# p2c: lspci -k is not available: devices read from /sys/bus/pci/devices\n"
            "0000:01:00.0 Class 0300: Vendor 10de Device 1401\n"
            "\tKernel driver in use: nvidia\n"
        )
    )
    (gpu,) = listing.devices
    assert (gpu.kind, gpu.vendor_id, gpu.driver) == ("VGA compatible controller", "10de", "nvidia")


def test_it_notes_a_listing_cut_at_its_line_limit():
    listing = parse_lspci(
        text("00:00.0 Host bridge: Intel Corporation 440FX\n# p2c: output cut after 1 lines\n")
    )
    assert listing.cut == "output cut after 1 lines" and len(listing.devices) == 1


def test_it_reads_serial_ports_and_their_counters():
    ports = parse_tty_serial(out(SERIAL, block=1))
    present = [p for p in ports if p.present]
    assert [(p.device, p.tx, p.rx) for p in present] == [
        ("ttyS0", 22, 0),
        ("ttyS1", 22, 0),
        ("ttyS4", 0, 0),
    ]
    assert present[0].signals == ("RI",) and present[2].signals == ("CTS", "DSR", "CD")


def test_it_reads_mmio_ports_and_error_counters():
    ports = parse_tty_serial(out(SERIAL, block=2))
    assert (ports[1].tx, ports[1].rx) == (1199907, 1171973)
    assert parse_tty_serial(out(SERIAL, block=4))[0].rx == 67


def test_it_refuses_text_that_is_no_serial_listing():
    with pytest.raises(ProbeUnavailable):
        parse_tty_serial(text("garbage\n"))


def test_it_finds_no_console_on_a_plain_command_line():
    cmdline = parse_cmdline(out(CMDLINE, block=1))
    assert cmdline.consoles == () and "BOOT_IMAGE" in cmdline.text


def test_it_finds_serial_consoles_by_name_and_by_io_address():
    cmdline = parse_cmdline(
        text("ro console=tty0 console=uart,io,0x2f8,115200n8 console=ttyS0,115200n8\n")
    )
    assert cmdline.consoles == ("tty0", "ttyS1", "ttyS0")


def test_it_reads_a_real_lsusb_with_a_nameless_device_and_a_dongle_without_a_product_name():
    devices = parse_lsusb(out("linux-lsusb-wibu-codemeter-collection.txt")).devices
    assert len(devices) == 17
    by_id = {device.id: device for device in devices}
    assert by_id["1742:1302"].name == "" and by_id["064f:2af9"].name == "WIBU-Systems AG"
    assert by_id["10c4:ea60"].name == "CP210x UART Bridge / myAVR mySmartUSB light"
