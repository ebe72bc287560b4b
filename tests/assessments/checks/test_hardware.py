from assessments.checks.hardware import PciHardware, SerialHardware, UsbHardware
from tests.assessments.parsers.linux.samples import facts, missing, out, text

PS = text("USER PID COMMAND\nroot 1 /sbin/init\nroot 900 /usr/sbin/sshd\n")
SERIAL = "linux-proc-tty-driver-serial-collection.txt"
DENIED = text("", 1, "cat: /proc/tty/driver/serial: Permission denied\n")


def usb(**probes):
    return UsbHardware().evaluate(facts(**probes))


def pci(sample):
    (finding,) = PciHardware().evaluate(facts(lspci=sample))
    return finding


def serial(**probes):
    (finding,) = SerialHardware().evaluate(facts(**probes))
    return finding


def test_a_hasp_dongle_is_a_blocker():
    (finding,) = usb(lsusb=out("linux-lsusb-hasp-dongle-1c-server.txt"), ps=PS)
    assert (finding.check, finding.severity) == ("hardware.usb", "blocker")
    assert "HASP" in finding.title and "0529:0001" in finding.evidence


def test_root_hubs_and_virtual_devices_pass():
    (finding,) = usb(lsusb=out("linux-lsusb-centos7-vmware.txt"), ps=PS)
    assert finding.severity == "pass"


def test_usb_storage_and_unknown_devices_are_warnings():
    lsusb = text(
        "Bus 001 Device 009: ID 1058:0901 Western Digital Technologies, Inc. MyBook External HDD\n"
    )
    (finding,) = usb(lsusb=lsusb, ps=PS)
    assert finding.severity == "warning" and "USB storage" in finding.title


def test_a_dongle_daemon_without_a_dongle_is_a_warning():
    ps = text("USER PID COMMAND\nroot 700 /usr/sbin/aksusbd\n")
    (finding,) = usb(lsusb=out("linux-lsusb-centos7-vmware.txt"), ps=ps)
    assert finding.severity == "warning" and "aksusbd" in finding.evidence


def test_a_dongle_is_a_blocker_even_when_ps_failed():
    (finding,) = usb(lsusb=out("linux-lsusb-hasp-dongle-1c-server.txt"), ps=text("", 1))
    assert finding.severity == "blocker"


def test_usb_without_lsusb_output_is_unknown():
    assert [f.severity for f in usb(ps=PS)] == ["unknown"]


def test_a_gpu_with_the_nvidia_driver_is_a_blocker():
    finding = pci(out("linux-lspci-nnk-nvidia-gtx960.txt"))
    assert (finding.check, finding.severity) == ("hardware.pci", "blocker")
    assert "GPU with the nvidia driver" in finding.title


def test_a_fibre_channel_hba_is_a_warning_and_server_vga_is_not():
    finding = pci(out("linux-lspci-k-cisco-ucs-qla2xxx.txt"))
    assert finding.severity == "warning" and "qla2xxx" in finding.title
    assert "Matrox" not in finding.evidence


def test_devices_handed_to_vms_are_a_warning():
    finding = pci(out("linux-lspci-nnkq-fujitsu-vfio.txt"))
    assert finding.severity == "warning" and "vfio-pci" in finding.title


def test_ordinary_controllers_pass():
    sample = text(
        "00:00.0 Host bridge: Intel Corporation 5500 I/O Hub to ESI Port (rev 13)\n"
        "09:00.0 VGA compatible controller: Matrox Electronics Systems Ltd. MGA G200e\n"
        "\tKernel driver in use: mgag200\n"
    )
    assert pci(sample).severity == "pass"


def test_a_cut_listing_without_findings_is_unknown():
    sample = text("00:00.0 Host bridge: Intel Corporation 440FX\n# p2c: output cut after 1 lines\n")
    assert pci(sample).severity == "unknown"


def test_an_unused_port_passes():
    finding = serial(tty_serial=out(SERIAL, block=0), ps=PS)
    assert (finding.check, finding.severity) == ("hardware.serial", "pass")


def test_boot_probing_only_is_info():
    finding = serial(tty_serial=out(SERIAL, block=1), ps=PS)
    assert finding.severity == "info" and "boot-time output" in finding.title


def test_a_port_with_received_data_is_a_warning():
    finding = serial(
        tty_serial=out(SERIAL, block=2),
        ps=PS,
        proc_cmdline=out("linux-proc-cmdline-collection.txt", block=1),
    )
    assert finding.severity == "warning" and "ttyS1 received data" in finding.title


def test_the_kernel_console_port_is_info():
    finding = serial(
        tty_serial=out(SERIAL, block=2),
        ps=PS,
        proc_cmdline=text("ro root=/dev/sda1 console=tty0 console=ttyS1,115200n8\n"),
    )
    assert finding.severity == "info" and "kernel console" in finding.title


def test_a_process_holding_a_port_is_a_blocker():
    ps = text("USER PID COMMAND\nuucp 812 /sbin/mgetty -D /dev/ttyS0\n")
    finding = serial(tty_serial=out(SERIAL, block=3), ps=ps)
    assert finding.severity == "blocker" and "mgetty uses ttyS0" in finding.title


def test_a_getty_on_the_console_is_info():
    ps = text("USER PID COMMAND\nroot 815 /sbin/agetty --keep-baud 115200 ttyS0 vt220\n")
    finding = serial(
        tty_serial=out(SERIAL, block=3), ps=ps, proc_cmdline=text("console=ttyS0,115200n8r\n")
    )
    assert finding.severity == "info"


def test_received_data_without_a_command_line_stays_a_warning():
    finding = serial(tty_serial=out(SERIAL, block=4), ps=PS, proc_cmdline=text("", 1))
    assert finding.severity == "warning" and "kernel console unknown" in finding.evidence


def test_no_serial_driver_passes_and_permission_denied_is_unknown():
    absent = text("", 1, "cat: /proc/tty/driver/serial: No such file or directory\n")
    assert serial(tty_serial=absent).severity == "pass"
    assert serial(tty_serial=DENIED, ps=PS).severity == "unknown"


def test_ports_without_a_process_list_are_unknown():
    assert serial(tty_serial=out(SERIAL, block=0), ps=missing("ps")).severity == "unknown"


WIBU = "linux-lsusb-wibu-codemeter-collection.txt"


def test_a_real_codemeter_stick_and_a_cp210x_serial_adapter_are_a_blocker():
    (finding,) = usb(lsusb=out(WIBU), ps=PS)
    assert finding.severity == "blocker"
    assert "WIBU-Systems AG (licence dongle (WIBU-Systems CodeMeter / WibuKey))" in finding.title
    assert "CP210x UART Bridge" in finding.title
    (stick,) = usb(lsusb=out(WIBU, 1), ps=PS)
    assert stick.severity == "blocker" and "CmStick" in stick.title


def test_a_bluetooth_dongle_is_no_licence_dongle():
    (finding,) = usb(lsusb=out(WIBU), ps=PS)
    assert "Bluetooth Dongle" not in finding.title
    assert "Bluetooth Dongle  [USB device (check what uses it)]" in finding.evidence


# -- session 20: real outputs of old servers (tests/samples/SOURCES.md) ----------------------

HP_G6 = "linux-lspci-hp-proliant-g6-es1000-ilo.txt"


def test_an_hp_proliants_onboard_es1000_and_ilo_pass():
    finding = pci(out(HP_G6))
    assert finding.severity == "pass" and "94 PCI devices" in finding.title


def test_the_es1000_server_vga_passes_with_the_radeon_driver_bound():
    # RHEL 6 and later bind radeon (KMS) to the ES1000 of HP ProLiant and Dell PowerEdge
    # servers: it is the server's console VGA, not a GPU workload.
    from assessments.checks.hardware import pci_kind
    from assessments.parsers.linux.hardware import parse_lspci

    (es1000,) = [d for d in parse_lspci(out(HP_G6)).devices if "ES1000" in d.description]
    es1000.driver = "radeon"
    assert pci_kind(es1000)[0] == "pass"


def test_a_modem_isdn_card_named_so_is_a_blocker_even_without_a_driver_line():
    finding = pci(out("linux-lspci-asterisk-tigerjet-isdn-wrapped.txt"))
    assert finding.severity == "blocker" and "modem / ISDN card" in finding.title
    assert "Tiger Jet Network Inc. Tiger3XX Modem/ISDN interface" in finding.evidence
    assert "ES1000" not in finding.evidence


SAFENET = "linux-lsusb-safenet-superpro-lenovo-imm-collection.txt"


def test_a_real_safenet_superpro_dongle_is_a_blocker():
    for block in (0, 2):
        (finding,) = usb(lsusb=out(SAFENET, block), ps=PS)
        assert finding.severity == "blocker" and "SafeNet USB SuperPro" in finding.title


def test_the_imm_lan_over_usb_of_ibm_lenovo_servers_does_not_matter():
    (finding,) = usb(lsusb=out(SAFENET, 1), ps=PS)
    assert finding.severity == "warning"  # the nameless ffff:0248 is still worth a look
    assert "IBM Corp." not in finding.title and "ffff:0248" in finding.title
    assert "04b3:4010 IBM Corp.  [hub, input or virtual device]" in finding.evidence


def test_a_crypto_token_is_a_device_to_check():
    (finding,) = usb(lsusb=out(SAFENET, 3), ps=PS)
    assert finding.severity == "warning" and "Rutoken" in finding.title


ATEN = "linux-lsusb-supermicro-aten-bmc-collection.txt"


def test_the_aten_virtual_keyboard_of_a_supermicro_bmc_does_not_matter():
    (finding,) = usb(lsusb=out(ATEN, 0), ps=PS)
    assert finding.severity == "pass"
    assert "0557:2419 ATEN International Co., Ltd  [hub, input or virtual device]" in (
        finding.evidence
    )


def test_a_ups_and_a_printer_next_to_the_bmc_are_devices_to_check():
    (finding,) = usb(lsusb=out(ATEN, 1), ps=PS)
    assert finding.severity == "warning"
    assert "CP1500 AVR UPS" in finding.title and "Prusa" in finding.title
    assert "ATEN" not in finding.title


def test_an_arduino_is_a_usb_serial_device():
    (finding,) = usb(lsusb=out(ATEN, 2), ps=PS)
    assert finding.severity == "blocker" and "Arduino SA" in finding.title
    assert "ATEN" not in finding.title
