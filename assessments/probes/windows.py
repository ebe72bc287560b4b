"""Windows probe definitions: one read-only cmd.exe command line each.

No PowerShell (absent on 2003 and 2008 RTM), only cmd built-ins, wmic, reg, sc and
systeminfo, each short enough for old WinRM's 60-second operation limit. wmic is asked for
Key=Value output (`get ... /value`: `/format:list` fails with "Invalid XSL format" when the
system locale differs from the install language) and never for a property that an older
Windows lacks by name (that makes the whole query fail): where such a property matters,
`get /value` asks for all of them. These definitions feed the WinRM collector and the
offline `.cmd` collector alike; the ids of design.md keep their meaning.
"""

from assessments.probes.base import Probe

_CURRENT_VERSION = r'"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"'
_ENVIRONMENT = r'"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"'


def _probe(probe_id: str, script: str, description: str, timeout: int = 30) -> Probe:
    return Probe(
        id=probe_id,
        os_family="windows",
        script=script,
        label=script,
        timeout=timeout,
        description=description,
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
]
