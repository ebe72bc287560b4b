"""Windows probe definitions: one read-only cmd.exe command line each.

No PowerShell (absent on 2003 and 2008 RTM), only cmd built-ins, wmic, reg, sc and
systeminfo, each short enough for old WinRM's 60-second operation limit. wmic is asked for
Key=Value output (`get ... /value`: `/format:list` fails with "Invalid XSL format" when the
system locale differs from the install language) and never for a property that an older
Windows lacks by name (that makes the whole query fail): where such a property matters,
`get /value` asks for all of them. These definitions feed the WinRM collector and the
offline `.cmd` collector alike; the ids of design.md keep their meaning.
"""

from dataclasses import replace

from assessments.probes.base import Outcome, Probe, ProbeOutput
from assessments.probes.outcomes import WINDOWS_TOOL_ABSENT, WINDOWS_TOOL_ABSENT_NO_RC

_CURRENT_VERSION = r'"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"'
_ENVIRONMENT = r'"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"'


_ERROR_LINE = r"^\s*(ERROR|ERREUR|FEHLER|ERRORE|ERRO|ОШИБКА)\b"
_KEY_MISSING = b"ERROR: The system was unable to find the specified registry key or value.\r\n"
KEY_ABSENT = Outcome(
    meaning="the registry key or value does not exist",
    rcs=(1,),
    pattern=_ERROR_LINE,
    in_stdout=True,
    parse=True,
    example=ProbeOutput(b"", _KEY_MISSING, 1),
    source="reg.exe query of a missing key (exit status 1; restrictions.md 4: meaningful "
    "for reg query (0/1)); the parser reads it as 'not found'",
)
KEY_ABSENT_NO_RC = Outcome(
    meaning="the registry key or value does not exist",
    pattern=_ERROR_LINE,
    in_stdout=True,
    parse=True,
    example=ProbeOutput(_KEY_MISSING),
    source="the same reg.exe message in an offline capture (stderr into stdout, no exit code)",
)
SERVICE_ABSENT = Outcome(
    meaning="the service is not installed",
    rcs=(1060,),
    parse=True,
    example=ProbeOutput(
        b"[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\n"
        b"The specified service does not exist as an installed service.\r\n\r\n",
        b"",
        1060,
    ),
    source="sc.exe for a service that does not exist (exit status 1060, "
    "ERROR_SERVICE_DOES_NOT_EXIST; restrictions.md 4: sc query 1060 = no such service)",
)
SERVICE_ABSENT_NO_RC = Outcome(
    meaning="the service is not installed",
    pattern=r"\[SC\].*\b1060:",  # "FAILED 1060:", localised "FEHLER 1060:"
    in_stdout=True,
    parse=True,
    example=ProbeOutput(b"[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n"),
    source="the same sc.exe message in an offline capture without exit code",
)
_TOOL = (WINDOWS_TOOL_ABSENT, WINDOWS_TOOL_ABSENT_NO_RC)


def _probe(
    probe_id: str,
    script: str,
    description: str,
    timeout: int = 30,
    benign: tuple[Outcome, ...] | None = None,
    alternatives: tuple[str, ...] = (),
) -> Probe:
    """A probe; `benign` defaults by tool (None), `()` declares none."""
    if benign is None:
        benign = ()
        if script.startswith(("wmic ", "systeminfo")):
            benign = _TOOL
        elif script.startswith("reg query"):
            benign = (KEY_ABSENT, KEY_ABSENT_NO_RC)
        elif script.startswith("sc "):
            benign = (SERVICE_ABSENT, SERVICE_ABSENT_NO_RC)
    return Probe(
        id=probe_id,
        os_family="windows",
        script=script,
        label=script,
        timeout=timeout,
        description=description,
        benign=benign,
        alternatives=alternatives,
    )


PROBES: list[Probe] = [
    _probe("ver", "ver", "NT version (major.minor.build) from cmd.exe"),
    _probe("env", "set", "environment: PROCESSOR_ARCHITECTURE and PROCESSOR_ARCHITEW6432"),
    _probe(
        "wmic_os",
        "wmic os get /value",
        "Win32_OperatingSystem: Caption, Version, BuildNumber, ProductType, "
        "OtherTypeDescription (2003 R2), OSArchitecture (2008+)",
    ),
    _probe(
        "wmic_cpu",
        "wmic cpu get AddressWidth,Architecture,DataWidth,Name /value",
        "Win32_Processor: AddressWidth is the OS bitness, Architecture 0/6/9 = x86/IA-64/x64",
    ),
    _probe(
        "wmic_logicaldisk",
        "wmic logicaldisk get DeviceID,DriveType,FileSystem,Size,FreeSpace,VolumeName /value",
        "drive letters with drive type and file system",
    ),
    _probe(
        "wmic_volume",
        "wmic volume get /value",
        "all volumes, including those without a drive letter and folder mount points "
        "(Server 2003 and later)",
    ),
    _probe(
        "wmic_nicconfig",
        "wmic nicconfig get Index,Description,IPEnabled,IPAddress,MACAddress,ServiceName,"
        "SettingID /value",
        "network adapters (the QoS Packet Scheduler miniports show up here on NT5)",
    ),
    _probe(
        "systeminfo",
        "systeminfo",
        "OS name and version, system type (slow on 2003: 10-60 s)",
        timeout=60,
    ),
    _probe("sc_psched", "sc query psched", "QoS Packet Scheduler service state"),
    _probe("sc_qc_psched", "sc qc psched", "QoS Packet Scheduler start type"),
    _probe(
        "reg_product",
        f"reg query {_CURRENT_VERSION}",
        "ProductName, CurrentVersion, CurrentBuildNumber, CSDVersion, EditionID, "
        "InstallationType (registry fallback when wmic is missing)",
    ),
    _probe(
        "reg_product_options",
        r'reg query "HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions" /v ProductType',
        "WinNT (workstation), ServerNT (server) or LanmanNT (domain controller)",
    ),
    _probe(
        "reg_processor_arch",
        f"reg query {_ENVIRONMENT} /v PROCESSOR_ARCHITECTURE",
        "the machine's architecture (x86, AMD64, IA64), not affected by WOW64",
    ),
    _probe(
        "reg_codepage",
        r'reg query "HKLM\SYSTEM\CurrentControlSet\Control\Nls\CodePage" /v OEMCP',
        "OEM code page console programs write in",
    ),
    _probe(
        "reg_qos_policies",
        r'reg query "HKLM\SOFTWARE\Policies\Microsoft\Windows\QoS" /s',
        "policy-based QoS (2008+): one subkey per policy",
    ),
    _probe(
        "reg_psched",
        r'reg query "HKLM\SOFTWARE\Policies\Microsoft\Windows\Psched"',
        "QoS Packet Scheduler group policy: NonBestEffortLimit, TimerResolution, "
        "MaxOutstandingSends",
    ),
    _probe("ipconfig", "ipconfig /all", "network adapters, physical addresses and IP settings"),
    # -- beyond the document: windows_limits (restrictions.md B12) ---------------------------
    _probe(
        "driverquery",
        "driverquery /v /fo csv",
        "kernel and file-system drivers with state and image path (XP / 2003 and later; "
        "column titles localised: read by position)",
        timeout=60,
        benign=_TOOL,
    ),
    _probe(
        "sc_services",
        # Old sc.exe enumerates into a small buffer and stops with "more data": ask for room.
        "sc query type= service state= all bufsize= 65536",
        "every Win32 service with its state by number: DHCP Server, WINS, Cluster Service, "
        "Hyper-V, licence-dongle managers",
        benign=(),
    ),
    _probe(
        "usb_devices",
        "wmic path Win32_USBHub get Name,DeviceID /value",
        "USB devices (Win32_USBHub lists devices, not only hubs): licence dongles, serial adapters",
    ),
    _probe(
        "getmac",
        "getmac /v /fo csv",
        "network adapters and their MAC addresses (XP / 2003 and later)",
        benign=_TOOL,
    ),
]

# Probes that tell the same fact another way: the checks take the first that answers.
SAME_FACT: tuple[tuple[str, ...], ...] = (
    ("wmic_os", "reg_product", "systeminfo", "ver", "reg_product_options"),  # release, role
    ("reg_processor_arch", "wmic_os", "wmic_cpu", "env", "systeminfo", "reg_product"),  # bits
    ("wmic_volume", "wmic_logicaldisk"),  # volumes and their file systems
    ("getmac", "ipconfig"),  # adapters and their MAC addresses
)


def _with_alternatives(probe: Probe) -> Probe:
    others = [other for group in SAME_FACT if probe.id in group for other in group]
    return replace(probe, alternatives=tuple(dict.fromkeys(o for o in others if o != probe.id)))


PROBES = [_with_alternatives(probe) for probe in PROBES]
