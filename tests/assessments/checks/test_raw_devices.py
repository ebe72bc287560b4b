from assessments.checks.raw_devices import OracleAsm, RawBindings
from assessments.facts import ProbeOutput
from tests.assessments.parsers.linux.samples import facts, missing, out, text

RAW_SAMPLE = "linux-raw-qa-spaces-and-rawdevices-rhel5.txt"
ASM_SAMPLE = "linux-oracleasm-listdisks-status-querydisk.txt"
PS = "USER PID COMMAND\nroot 1 /sbin/init\n"


def test_bound_raw_devices_are_a_blocker():
    (finding,) = RawBindings().evaluate(
        facts(raw=out(RAW_SAMPLE, block=2), rawdevices_config=text(""))
    )
    assert (finding.check, finding.severity) == ("raw_devices.bindings", "blocker")
    assert "/dev/raw/raw1:  bound to major 8, minor 16" in finding.evidence


def test_a_rawdevices_config_is_a_blocker_even_without_the_raw_tool():
    (finding,) = RawBindings().evaluate(
        facts(raw=missing("raw"), rawdevices_config=out(RAW_SAMPLE, block=0))
    )
    assert finding.severity == "blocker"
    assert "0 bound, 3 configured" in finding.title


def test_no_raw_tool_and_no_config_passes():
    (finding,) = RawBindings().evaluate(facts(raw=missing("raw"), rawdevices_config=text("")))
    assert finding.severity == "pass"


def test_raw_denied_and_config_not_collected_is_unknown():
    denied = text("", 1, "sudo: a password is required\n")
    (finding,) = RawBindings().evaluate(facts(raw=denied))
    assert finding.severity == "unknown"


def test_asm_disks_are_a_blocker():
    (finding,) = OracleAsm().evaluate(facts(oracleasm=out(ASM_SAMPLE, block=1), ps=text(PS)))
    assert (finding.check, finding.severity) == ("raw_devices.oracle_asm", "blocker")
    assert "ASM disk DATA1" in finding.evidence


def test_a_running_asm_instance_is_a_blocker():
    ps = text(PS + "grid 2211 asm_pmon_+ASM\n")
    (finding,) = OracleAsm().evaluate(facts(oracleasm=text(""), ps=ps))
    assert finding.severity == "blocker"


def test_no_asm_passes():
    (finding,) = OracleAsm().evaluate(facts(oracleasm=text(""), ps=text(PS)))
    assert finding.severity == "pass"


def test_asm_without_data_is_unknown():
    (finding,) = OracleAsm().evaluate(facts())
    assert finding.severity == "unknown"


RAWCTL_MISSING = text(
    "", 2, "Cannot open master raw device '/dev/rawctl' (No such file or directory)\n"
)
UDEV_RAW = text(
    "==> /etc/udev/rules.d/60-raw.rules <==\n"
    '# ACTION=="add", KERNEL=="sda", RUN+="/bin/raw /dev/raw/raw1 %N"\n'
    'ACTION=="add", KERNEL=="sdb1", RUN+="/bin/raw /dev/raw/raw1 %N"\n'
)


def test_raw_that_cannot_open_its_control_device_is_unknown_not_pass():
    (finding,) = RawBindings().evaluate(facts(raw=RAWCTL_MISSING, rawdevices_config=text("")))
    assert finding.severity == "unknown"
    assert (
        "Cannot open master raw device" in finding.evidence and "exit status: 2" in finding.evidence
    )


def test_a_udev_raw_binding_is_a_blocker_when_raw_fails():
    (finding,) = RawBindings().evaluate(facts(raw=RAWCTL_MISSING, rawdevices_config=UDEV_RAW))
    assert finding.severity == "blocker" and "/dev/raw/raw1 %N" in finding.evidence


def test_udev_rules_owning_raw_nodes_count_as_configured():
    owned = text('KERNEL=="raw[1-2]", MODE="0660", OWNER="grid", GROUP="asmadmin"\n')
    (finding,) = RawBindings().evaluate(facts(raw=missing("raw"), rawdevices_config=owned))
    assert finding.severity == "blocker"


def test_asm_with_ps_failed_is_unknown_not_pass():
    (finding,) = OracleAsm().evaluate(facts(oracleasm=text(""), ps=text("", 1, "ps: fatal\n")))
    assert finding.severity == "unknown"


def test_udevs_own_raw_node_rules_of_rhel_5_pass():
    stock = out("linux-udev-rules-stock-raw-nodes-collection.txt", block=0)
    framed = text("==> /etc/udev/rules.d/50-udev.rules <==\n" + stock.stdout.decode())
    (finding,) = RawBindings().evaluate(facts(raw=missing("raw"), rawdevices_config=framed))
    assert finding.severity == "pass"


def test_sles_etc_raw_bindings_are_a_blocker():
    config = out("linux-etc-raw-sles11.txt")
    framed = text("==> /etc/raw <==\n" + config.stdout.decode())
    (finding,) = RawBindings().evaluate(facts(raw=missing("raw"), rawdevices_config=framed))
    assert finding.severity == "blocker"
    assert "0 bound, 3 configured" in finding.title and "raw1:sdb1" in finding.evidence


def test_the_udev_bindings_of_a_rac_node_are_a_blocker():
    sample = "linux-udev-60-raw-rules-rhel6-rac.txt"
    (finding,) = RawBindings().evaluate(
        facts(raw=out(sample, block=1), rawdevices_config=out(sample, block=0))
    )
    assert finding.severity == "blocker"
    assert "2 bound, 14 configured" in finding.title


def test_a_kernel_without_the_raw_driver_has_no_binding():
    # ENXIO / ENODEV on the control node: the node exists, no driver answers (Ubuntu
    # kernels built without it, the module not loaded): nothing can be bound.
    sample = "linux-raw-cannot-open-rawctl-no-driver-collection.txt"
    for block, rc in ((0, 2), (1, 3)):
        raw = ProbeOutput(b"", out(sample, block=block).stdout, rc)
        (finding,) = RawBindings().evaluate(facts(raw=raw, rawdevices_config=text("")))
        assert finding.severity == "pass", block
        assert "no raw driver" in finding.evidence
