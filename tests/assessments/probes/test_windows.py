"""The Windows probe definitions: ids, one read-only cmd.exe line each, wmic in /value form."""

import re

import pytest

from assessments.checks import checks_for
from assessments.probes import WINDOWS, cmdbatch, label
from assessments.probes.windows import PROBES

DESIGN_IDS = {
    "wmic_os": "wmic os get /value",
    "wmic_logicaldisk": "wmic logicaldisk get",
    "wmic_volume": "wmic volume get",
    "env": "set",
    "systeminfo": "systeminfo",
    "sc_psched": "sc query psched",
    "driverquery": "driverquery /v /fo csv",
    "sc_services": "sc query type= service state= all",
    "usb_devices": "wmic path Win32_USBHub get Name,DeviceID /value",
    "getmac": "getmac /v /fo csv",
}
READ_ONLY = re.compile(
    r"^(ver|set|systeminfo|ipconfig /all|sc (query|qc) \w+|reg query \"HK[^\"]+\"( /v \w+| /s)?"
    r"|wmic (path )?\w+ get [\w,]*\s?/value|driverquery /v /fo csv|getmac /v /fo csv"
    r"|sc query type= service state= all bufsize= \d+)$"
)


@pytest.mark.parametrize(("probe_id", "command"), DESIGN_IDS.items())
def test_it_keeps_the_design_probe_ids_and_their_meaning(probe_id, command):
    assert WINDOWS[probe_id].script.startswith(command)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_every_probe_is_one_read_only_cmd_line(probe):
    assert probe.os_family == "windows"
    assert "\n" not in probe.script and "powershell" not in probe.script.lower()
    assert READ_ONLY.match(probe.script), probe.script


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_every_probe_fits_the_old_winrm_operation_limit(probe):
    assert probe.timeout <= 60


def test_wmic_never_uses_format_nor_names_properties_missing_on_2003():
    for probe in PROBES:
        if probe.script.startswith("wmic"):
            assert "/format" not in probe.script
            assert "OSArchitecture" not in probe.script
            assert "BootVolume" not in probe.script and "SystemVolume" not in probe.script


def test_users_see_the_command_as_the_label():
    assert label("windows", "sc_psched") == "sc query psched"


def test_every_probe_a_windows_check_reads_is_defined():
    wanted = {probe for check in checks_for("windows") for probe in check.probes}
    assert wanted <= set(WINDOWS)


def test_the_windows_checks_are_registered_with_their_restrictions():
    restrictions = {check.restriction for check in checks_for("windows")}
    assert restrictions == {"os_version", "volumes", "qos", "architecture", "windows_limits"}


@pytest.mark.parametrize("probe_id", ["driverquery", "sc_services", "usb_devices", "getmac"])
def test_the_windows_limits_probes_run_inside_a_batch_line(probe_id):
    assert cmdbatch.batchable(WINDOWS[probe_id])


def test_sc_lists_services_into_a_buffer_big_enough_for_old_sc_exe():
    assert WINDOWS["sc_services"].script.endswith("bufsize= 65536")
    assert WINDOWS["sc_services"].benign == ()


def test_getmac_and_ipconfig_stand_in_for_each_other():
    assert "ipconfig" in WINDOWS["getmac"].alternatives
    assert "getmac" in WINDOWS["ipconfig"].alternatives
