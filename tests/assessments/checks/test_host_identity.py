from assessments.checks.host_identity import LicensedIdentity
from tests.assessments.parsers.linux.samples import blocks, facts, text
from tests.assessments.parsers.linux.test_identity import dmidecode_s, system_field

DMI = "linux-dmi-ids-collection.txt"
LMHOSTID = "linux-lmhostid-outputs-collection.txt"


def dmi(*pairs):
    return text("".join(f"==> {name} <==\n{value.decode()}" for name, value in pairs))


VMWARE = dmi(
    ("/sys/class/dmi/id/product_uuid", blocks(DMI)[1]),
    ("/sys/class/dmi/id/product_serial", blocks(DMI)[2]),
)


def evaluate(**probes):
    (finding,) = LicensedIdentity().evaluate(facts(**probes))
    return finding


def test_a_dmi_identity_alone_is_info():
    finding = evaluate(dmi_ids=VMWARE, license_scan=text(""))
    assert (finding.check, finding.severity) == ("host_identity.licenses", "info")
    assert "9b764d56-6d2b-7ffc-2f38-f47cb793471b" in finding.evidence


def test_a_licence_naming_the_uuid_is_a_warning():
    scan = text(
        "==> /opt/tool/license.dat <==\n"
        "SERVER this_host HOSTID=VM_UUID=9B764D56-6D2B-7FFC-2F38-F47CB793471B 27000\n"
    )
    finding = evaluate(dmi_ids=VMWARE, license_scan=scan)
    assert finding.severity == "warning" and "/opt/tool/license.dat" in finding.title
    assert "[DMI system UUID]" in finding.evidence


def test_a_licence_naming_the_hostid_is_a_warning():
    scan = text("==> /opt/app/app.lic <==\nHOSTID=007f0101\n==> hostid <==\n007f0101\n")
    finding = evaluate(dmi_ids=VMWARE, license_scan=scan)
    assert finding.severity == "warning" and "[hostid]" in finding.evidence


def test_a_flexnet_vm_uuid_host_id_is_shown_without_licence_files():
    scan = text("==> lmhostid <==\n" + blocks(LMHOSTID)[5].decode())
    finding = evaluate(dmi_ids=VMWARE, license_scan=scan)
    assert finding.severity == "info" and "lmhostid: VM_UUID=1xxxx" in finding.evidence


def test_a_licence_naming_another_machines_uuid_is_info():
    scan = text("==> /opt/tool/license.dat <==\nSERVER h HOSTID=VM_UUID=1234abcd 27000\n")
    finding = evaluate(dmi_ids=VMWARE, license_scan=scan)
    assert finding.severity == "info" and "names another machine's identity" in finding.evidence


def test_a_typed_uuid_licence_is_a_warning_when_the_uuid_is_unreadable():
    scan = text("==> /opt/tool/license.dat <==\nSERVER h HOSTID=VM_UUID=1234abcd 27000\n")
    absent = text("", 1, "no DMI data: no /sys/class/dmi/id and no dmidecode\n")
    assert evaluate(dmi_ids=absent, license_scan=scan).severity == "warning"


def test_placeholders_only_pass():
    placeholder = dmi(("dmidecode -s system-serial-number", b"To be filled by O.E.M.\n"))
    assert evaluate(dmi_ids=placeholder, license_scan=text("")).severity == "pass"


def test_the_shared_placeholder_uuid_is_named():
    finding = evaluate(
        dmi_ids=dmi(("dmidecode -s system-uuid", blocks(DMI)[0])), license_scan=text("")
    )
    assert "placeholder UUID many boards share" in finding.evidence


def test_unreadable_dmi_without_licence_evidence_is_unknown():
    denied = text("", 1, "cat: /sys/class/dmi/id/product_uuid: Permission denied\n")
    assert evaluate(dmi_ids=denied, license_scan=text("")).severity == "unknown"
    assert evaluate(dmi_ids=VMWARE).severity == "unknown"


DELL = "linux-dmidecode-t-system-dell-collection.txt"
INSIGHTS = "linux-dmidecode-insights-hp-vmware-xen-kvm-collection.txt"


def test_real_dell_hp_vmware_xen_and_kvm_identities_alone_are_info():
    for name in (DELL, INSIGHTS):
        for block in blocks(name):
            if b"System Information" not in block:
                continue
            finding = evaluate(dmi_ids=text(dmidecode_s(block)), license_scan=text(""))
            assert finding.severity == "info", block[:80]
            assert system_field(block, "UUID").lower() in finding.evidence.lower()


def test_a_licence_naming_the_uuid_in_the_other_byte_order_is_a_warning():
    # The PowerEdge 1950 (SMBIOS 2.5) prints 44454C4C-3400-1036-...; a licence issued from
    # a newer dmidecode or kernel spells the same bytes 4C4C4544-0034-3610-....
    scan = text(
        "==> /opt/tool/license.dat <==\n"
        "SERVER this_host HOSTID=VM_UUID=4C4C4544-0034-3610-805A-C4C04F4D4631 27000\n"
    )
    finding = evaluate(dmi_ids=text(dmidecode_s(blocks(DELL)[3])), license_scan=scan)
    assert finding.severity == "warning" and "[DMI system UUID]" in finding.evidence


def test_dells_default_uuid_without_a_service_tag_is_named_a_placeholder():
    ids = dmi(("dmidecode -s system-uuid", b"44454C4C-0000-1020-8020-80C04F202020\n"))
    finding = evaluate(dmi_ids=ids, license_scan=text(""))
    assert "placeholder UUID many boards share" in finding.evidence


def test_a_machine_without_smbios_has_no_identity_to_lose():
    no_smbios = blocks(INSIGHTS)[5]  # "# No SMBIOS nor DMI entry point found, sorry."
    ids = dmi(
        ("dmidecode -s system-uuid", no_smbios), ("dmidecode -s system-serial-number", no_smbios)
    )
    assert evaluate(dmi_ids=ids, license_scan=text("")).severity == "pass"


NOT_SETTABLE = "linux-dmidecode-t-system-uuid-not-settable-collection.txt"


def test_an_all_zero_uuid_printed_not_settable_identifies_nothing():
    vostro = evaluate(dmi_ids=text(dmidecode_s(blocks(NOT_SETTABLE)[0])), license_scan=text(""))
    assert vostro.severity == "info"  # the service tag 996C4L1 remains
    assert "system-uuid: Not Settable" in vostro.evidence
    qemu = evaluate(dmi_ids=text(dmidecode_s(blocks(NOT_SETTABLE)[1])), license_scan=text(""))
    assert qemu.severity == "pass"
