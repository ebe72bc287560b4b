"""Checks of windows_limits (B12, beyond the document): drivers, roles, devices, MACs."""

import re

import pytest

from assessments.checks.base import Severity
from assessments.checks.windows_limits import (
    WindowsDevices,
    WindowsDrivers,
    WindowsMacAddresses,
    WindowsRoles,
)
from assessments.facts import ProbeOutput
from tests.assessments.parsers.windows.samples import (
    REG_NOT_FOUND,
    SC_ES,
    crcrlf,
    crlf,
    not_recognized,
    reg_value,
    sample,
    windows,
)
from tests.conftest import sample_bytes

DRIVERS = sample("windows-driverquery-v-csv-win10.txt")
SERVICES = sample("windows-sc-query-type-service-state-all-de-cp850.txt")
USB_XP = sample("windows-wmic-usbhub-list-xp-spanish-utf16le.txt")
GETMAC = sample("windows-getmac-v-csv-laptop-media-disconnected.txt")
WMIC_OS = sample("windows-wmic-os-list-2008r2-crcrlf.txt")  # no ProductType printed
SERVER = reg_value(
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
    "ProductType",
    "REG_SZ",
    "ServerNT",
)
DC = reg_value(
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
    "ProductType",
    "REG_SZ",
    "LanmanNT",
)
ROOT_HUBS = crcrlf(
    "\n\nDeviceID=USB\\ROOT_HUB\\4&amp;1A2B3C4D&amp;0\nName=USB Root Hub\n\n"
    "DeviceID=USB\\ROOT_HUB20\\4&amp;2E5F6A7B&amp;0\nName=USB Root Hub\n\n"
)
HEADER = (
    '"Module Name","Display Name","Description","Driver Type","Start Mode","State","Status",'
    '"Accept Stop","Accept Pause","Paged Pool(bytes)","Code(bytes)","BSS(bytes)","Link Date",'
    '"Path","Init(bytes)"'
)


def driver(name: str, path: str = "", state: str = "Running") -> str:
    path = path or f"C:\\WINDOWS\\system32\\drivers\\{name}.sys"
    return (
        f'"{name}","{name}","{name}","Kernel ","Auto","{state}","OK","TRUE","FALSE","0",'
        f'"4,096","0","2/17/2007 10:53:04 AM","{path}","4,096"'
    )


def driverquery(*rows: str) -> ProbeOutput:
    base = [driver("Tcpip"), driver("Ntfs")]
    return crlf("\n".join([HEADER, *base, *rows]) + "\n")


def service(name: str, state: int = 4, display: str = "") -> str:
    word = "RUNNING" if state == 4 else "STOPPED"
    return (
        f"\nSERVICE_NAME: {name}\nDISPLAY_NAME: {display or name}\n"
        f"        TYPE               : 10  WIN32_OWN_PROCESS  \n"
        f"        STATE              : {state}  {word} \n"
        f"        WIN32_EXIT_CODE    : 0  (0x0)\n"
    )


def sc(*blocks: str) -> ProbeOutput:
    return crlf(service("Dhcp", display="DHCP Client") + "".join(blocks))


def usb(*pairs: tuple[str, str]) -> ProbeOutput:
    body = "\n\n".join(f"DeviceID={d.replace('&', '&amp;')}\nName={n}" for n, d in pairs)
    return crcrlf(f"\n\n{body}\n\n")


def sentinel_devices() -> list[tuple[str, str]]:
    """(name, device id) of each instance of the real WMI browser dump with a Sentinel key."""
    text = sample_bytes("windows-wmi-utility-win32-usbhub-sentinel-hasp.txt").decode()
    names = re.findall(r"String\s+Name\s+(.+)", text)
    ids = [
        m.replace("\n", "") for m in re.findall(r"String\s+DeviceID\s+(\S+(?:\n[^ \n]\S*)?)", text)
    ]
    return list(zip(names, ids, strict=True))


FAILED = ProbeOutput(b"", b"[SC] OpenSCManager FAILED 5:\r\n\r\nAccess is denied.\r\n", 5)


def severities(findings):
    return [str(finding.severity) for finding in findings]


# -- drivers ------------------------------------------------------------------------------


def drivers(out: ProbeOutput):
    return WindowsDrivers().evaluate(windows(driverquery=out))


def test_check_ids_are_the_registered_ones():
    assert WindowsDrivers.id == "windows_limits.drivers"
    assert WindowsRoles.id == "windows_limits.roles"
    assert WindowsDevices.id == "windows_limits.devices"
    assert WindowsMacAddresses.id == "windows_limits.mac_addresses"


def test_in_box_drivers_of_a_real_listing_pass():
    (finding,) = drivers(DRIVERS)
    assert finding.severity == Severity.PASS
    assert "2 drivers" in finding.title


def test_security_and_backup_filter_drivers_warn_by_product():
    findings = drivers(driverquery(driver("SRTSP"), driver("SymEvent"), driver("snapman")))
    assert severities(findings) == ["warning", "warning"]
    assert findings[0].title.endswith("Symantec / Norton")
    assert "Acronis" in findings[1].title
    assert '"SRTSP","SRTSP"' in findings[0].evidence


def test_a_driver_outside_system32_warns_as_third_party():
    eectrl = driver("eeCtrl2", "C:\\Program Files\\Common Files\\Vendor\\eeCtrl2.sys")
    (finding,) = drivers(driverquery(eectrl))
    assert finding.severity == Severity.WARNING
    assert "outside system32" in finding.title and "eeCtrl2" in finding.title


def test_vm_guest_drivers_are_info_only():
    (finding,) = drivers(driverquery(driver("vmhgfs"), driver("vmci")))
    assert finding.severity == Severity.INFO and "VMware Tools" in finding.title


def test_dongle_hypervisor_and_nlb_drivers_are_left_to_the_other_checks():
    (finding,) = drivers(driverquery(driver("aksusb"), driver("vmswitch"), driver("Wlbs")))
    assert finding.severity == Severity.PASS


@pytest.mark.parametrize(
    "out",
    [None, not_recognized("driverquery"), ProbeOutput(b"", b"ERROR: Access denied\r\n", 1)],
    ids=["not collected", "tool absent", "access denied"],
)
def test_drivers_are_unknown_without_a_listing(out):
    facts = windows() if out is None else windows(driverquery=out)
    (finding,) = WindowsDrivers().evaluate(facts)
    assert finding.severity == Severity.UNKNOWN


# -- roles --------------------------------------------------------------------------------


def roles(**probes: ProbeOutput):
    probes = {"sc_services": SERVICES, "driverquery": DRIVERS, "wmic_os": WMIC_OS} | probes
    probes.setdefault("reg_product_options", SERVER)
    return WindowsRoles().evaluate(windows(**probes))


def test_a_real_member_server_listing_has_no_blocking_role():
    (finding,) = roles()
    assert finding.severity == Severity.PASS
    assert "ProductType    REG_SZ    ServerNT" in finding.evidence


def test_the_dhcp_client_and_a_local_kdc_are_no_server_roles():
    (finding,) = roles(sc_services=SERVICES)
    assert "DHCP" not in finding.title.split("No ")[0]
    assert finding.severity == Severity.PASS


def test_a_domain_controller_warns_from_its_product_type():
    findings = roles(reg_product_options=DC, sc_services=sc(service("kdc")))
    assert severities(findings) == ["warning"]
    assert "domain controller" in findings[0].title and "service kdc" in findings[0].title
    assert "LanmanNT" in findings[0].evidence


def test_wmic_product_type_2_is_a_domain_controller():
    wmic = crcrlf(
        "\n\nCaption=Microsoft(R) Windows(R) Server 2003\nProductType=2\nVersion=5.2.3790\n"
    )
    findings = roles(wmic_os=wmic, reg_product_options=REG_NOT_FOUND)
    assert severities(findings) == ["warning"]


def test_a_stopped_kdc_alone_is_no_domain_controller():
    (finding,) = roles(sc_services=sc(service("kdc", 1)))
    assert finding.severity == Severity.PASS


@pytest.mark.parametrize("name", ["ClusSvc", "vmms"])
def test_a_running_cluster_or_hyperv_service_blocks(name):
    (finding,) = roles(sc_services=sc(service(name)))
    assert finding.severity == Severity.BLOCKER
    assert f"SERVICE_NAME: {name}" in finding.evidence


def test_an_installed_but_stopped_cluster_service_is_info():
    (finding,) = roles(sc_services=sc(service("ClusSvc", 1)))
    assert finding.severity == Severity.INFO and "not running" in finding.title


def test_dhcp_and_wins_servers_warn_when_running():
    findings = roles(sc_services=sc(service("DHCPServer"), service("WINS", 1)))
    assert severities(findings) == ["warning", "info"]
    assert "DHCP server" in findings[0].title


def test_nlb_blocks_when_its_driver_runs_and_warns_when_the_state_is_localised():
    (running,) = roles(driverquery=driverquery(driver("Wlbs")))
    assert running.severity == Severity.BLOCKER
    (unsure,) = roles(driverquery=driverquery(driver("Wlbs", state="Wird ausgeführt")))
    assert unsure.severity == Severity.WARNING and "may be" in unsure.title
    (stopped,) = roles(driverquery=driverquery(driver("Wlbs", state="Stopped")))
    assert stopped.severity == Severity.INFO


def test_a_failed_service_list_is_unknown_but_keeps_a_proven_role():
    findings = roles(sc_services=FAILED, reg_product_options=DC)
    assert severities(findings) == ["warning", "unknown"]


def test_roles_are_unknown_when_no_probe_tells_the_product_type():
    findings = WindowsRoles().evaluate(windows(sc_services=SERVICES, driverquery=DRIVERS))
    assert severities(findings) == ["unknown"]


# -- devices ------------------------------------------------------------------------------


def devices(**probes: ProbeOutput):
    probes = {"usb_devices": ROOT_HUBS, "sc_services": SERVICES, "driverquery": DRIVERS} | probes
    return WindowsDevices().evaluate(windows(**probes))


def test_root_hubs_only_pass():
    (finding,) = devices()
    assert finding.severity == Severity.PASS
    assert "USB Root Hub: USB\\ROOT_HUB20\\4&2E5F6A7B&0" in finding.evidence


def test_a_host_without_usb_passes():
    (finding,) = devices(usb_devices=ProbeOutput(b"", b"No Instance(s) Available.\r\n", 0))
    assert finding.severity == Severity.PASS


def test_other_devices_of_a_real_xp_host_are_info():
    (finding,) = devices(usb_devices=USB_XP)
    assert finding.severity == Severity.INFO
    assert "Compatibilidad con impresoras USB" in finding.title
    assert "HP EWS P2015" not in finding.title  # a function of the printer, not a device


def test_the_real_sentinel_and_hasp_ids_block():
    findings = devices(usb_devices=usb(*sentinel_devices()))
    assert severities(findings)[0] == "blocker"
    assert "Aladdin / SafeNet" in findings[0].title
    assert "ALADDIN\\VID0529&PID0001&HASPHL\\7&12D4A6D&1&00" in findings[0].evidence
    assert "USB\\HASP\\7&1E2D4A6D&1&00" in findings[0].evidence


def test_the_licence_manager_of_an_attached_key_is_evidence_of_the_blocker():
    findings = devices(
        usb_devices=usb(("SafeNet Inc. USB Key", "USB\\VID_0529&PID_0001\\6&34BF07AE&0&1")),
        sc_services=sc(service("hasplms", display="Sentinel HASP License Manager")),
    )
    assert severities(findings) == ["blocker"]
    assert "SERVICE_NAME: hasplms" in findings[0].evidence


def test_a_usb_serial_adapter_blocks():
    (finding,) = devices(usb_devices=usb(("USB Serial Converter", "USB\\VID_0403&PID_6001\\A1")))
    assert finding.severity == Severity.BLOCKER and "FTDI" in finding.title


def test_dongle_software_without_a_key_warns():
    (finding,) = devices(sc_services=sc(service("hasplms")))
    assert finding.severity == Severity.WARNING
    (driven,) = devices(driverquery=driverquery(driver("aksusb"), driver("hardlock")))
    assert driven.severity == Severity.WARNING and "hardlock" in driven.title


def test_a_stopped_licence_manager_alone_passes():
    (finding,) = devices(sc_services=sc(service("hasplms", 1)))
    assert finding.severity == Severity.PASS


@pytest.mark.parametrize(
    "out",
    [
        None,
        not_recognized("wmic"),
        ProbeOutput(b"", b"ERROR:\r\nDescription = Access denied\r\n", 1),
    ],
    ids=["not collected", "wmic absent", "wmic error"],
)
def test_devices_are_unknown_without_the_usb_list(out):
    probes = {"sc_services": SERVICES, "driverquery": DRIVERS}
    facts = windows(**probes) if out is None else windows(usb_devices=out, **probes)
    assert severities(WindowsDevices().evaluate(facts)) == ["unknown"]


def test_a_dongle_seen_is_kept_when_another_probe_failed():
    findings = devices(
        usb_devices=usb(("SafeNet Inc. USB Key", "USB\\VID_0529&PID_0001\\6&1")),
        sc_services=FAILED,
    )
    assert severities(findings) == ["blocker", "unknown"]


# -- MAC addresses --------------------------------------------------------------------------


def test_mac_addresses_alone_pass_as_the_ruling_says():
    (finding,) = WindowsMacAddresses().evaluate(windows(getmac=GETMAC))
    assert finding.severity == Severity.PASS
    assert finding.title.startswith("4 MAC addresses")
    assert "Wireless Network Connection: F0-7B-CB-72-A7-C7" in finding.evidence


def test_the_one_real_vmware_adapter():
    out = sample("windows-getmac-v-csv-vmware-one-adapter.txt")
    (finding,) = WindowsMacAddresses().evaluate(windows(getmac=out))
    assert finding.title.startswith("1 MAC address ")


def test_ipconfig_stands_in_for_a_missing_getmac():
    facts = windows(
        getmac=not_recognized("getmac"), ipconfig=sample("windows-ipconfig-all-2008.txt")
    )
    (finding,) = WindowsMacAddresses().evaluate(facts)
    assert finding.severity == Severity.PASS
    assert finding.evidence.startswith("$ ipconfig /all")


def test_mac_addresses_are_unknown_when_neither_answered():
    facts = windows(getmac=ProbeOutput(b"", b"ERROR: Access denied\r\n", 1))
    assert severities(WindowsMacAddresses().evaluate(facts)) == ["unknown"]


# -- older captures -------------------------------------------------------------------------


def test_a_capture_from_an_older_collector_is_unknown_for_every_check():
    facts = windows(wmic_os=WMIC_OS, reg_product_options=SERVER)
    for check in (WindowsDrivers(), WindowsRoles(), WindowsDevices(), WindowsMacAddresses()):
        assert set(severities(check.evaluate(facts))) == {"unknown"}, check.id


HYPERV = sample("windows-sc-query-state-all-win10-hyperv-vmware-excerpt.txt")


def test_a_real_hyperv_host_blocks_and_vmwares_dhcp_service_is_no_dhcp_server():
    (finding,) = roles(sc_services=HYPERV)
    assert finding.severity == Severity.BLOCKER
    assert "vmms" in finding.title and "vmcompute" in finding.title
    assert "DHCP" not in finding.title and "VMnetDHCP" not in finding.evidence


def test_vmwares_usb_arbitration_service_is_no_dongle_software():
    (finding,) = devices(usb_devices=USB_XP, sc_services=HYPERV)
    assert finding.severity == Severity.INFO and "VMUSBArb" not in finding.evidence


def test_a_bluetooth_adapter_named_dongle_is_no_licence_key():
    # The product name a real Linux lsusb printed for this adapter (tests/samples, WIBU file).
    bluetooth = ("Cambridge Silicon Radio, Ltd Bluetooth Dongle", "USB\\VID_0A12&PID_0001\\5&1")
    (finding,) = devices(usb_devices=usb(bluetooth))
    assert finding.severity != Severity.BLOCKER and "licence" not in finding.title


def test_a_dhcp_server_is_found_under_translated_sc_field_names():
    findings = roles(sc_services=crlf(SC_ES))
    assert severities(findings) == ["warning"]
    assert "DHCP server" in findings[0].title and "DHCPServer" in findings[0].title
    assert "ESTADO             : 4  RUNNING" in findings[0].evidence


@pytest.mark.parametrize(("state", "word"), [(7, "PAUSED"), (2, "START_PENDING")])
def test_a_paused_or_starting_role_service_is_a_role_in_use(state, word):
    # A paused service keeps its process and configuration (real PAUSED block in
    # windows-sc-query-srvany-running-paused-stopped-collection.txt); it is not a stopped role.
    block = service("DHCPServer", display="DHCP Server").replace(
        f"STATE              : {4}  RUNNING", f"STATE              : {state}  {word}"
    )
    (finding,) = roles(sc_services=sc(block))
    assert finding.severity == Severity.WARNING
    assert "DHCP server" in finding.title and word in finding.title
