"""The operating system's architecture (not the CPU's, not the collecting process's).

Sources, most reliable first: the machine-wide PROCESSOR_ARCHITECTURE in the registry
(unaffected by WOW64, present on 2003), wmic's OSArchitecture (2008+ only, localised:
`64-bit`, `64 bits`: the digits are read), Win32_Processor.AddressWidth (OS bitness), the
`set` environment (a 32-bit process on a 64-bit OS has PROCESSOR_ARCHITEW6432=AMD64), and
systeminfo's System Type.
"""

from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.env import parse_env
from assessments.parsers.windows.reg import parse_reg_query
from assessments.parsers.windows.wmic import records

X86, X64, IA64, ARM64 = "x86", "x64", "ia64", "arm64"
_NAMES = {"x86": X86, "amd64": X64, "x64": X64, "em64t": X64, "ia64": IA64, "arm64": ARM64}


@dataclass(frozen=True)
class ArchReading:
    """One source's answer: the architecture and the lines it was read from."""

    source: str
    architecture: str  # x86 | x64 | ia64 | arm64
    lines: tuple[str, ...]

    @property
    def bits(self) -> int:
        return 32 if self.architecture == X86 else 64


def normalize(value: str) -> str | None:
    """x86/x64/ia64/arm64 from PROCESSOR_ARCHITECTURE-style names (AMD64, IA64, x86...)."""
    return _NAMES.get(value.strip().lower())


def parse_processor_arch(out: ProbeOutput) -> ArchReading:
    """`reg query "...\\Session Manager\\Environment" /v PROCESSOR_ARCHITECTURE`."""
    query = parse_reg_query(out, "reg query Session Manager\\Environment")
    value = query.value("PROCESSOR_ARCHITECTURE")
    if value is None:
        raise ProbeUnavailable("PROCESSOR_ARCHITECTURE is not in the registry")
    arch = normalize(value.data)
    if arch is None:
        raise ProbeUnavailable(f"unknown PROCESSOR_ARCHITECTURE {value.data!r}")
    return ArchReading("reg_processor_arch", arch, (value.line,))


def parse_env_arch(out: ProbeOutput) -> ArchReading:
    """From `set`: PROCESSOR_ARCHITEW6432 (WOW64) wins over PROCESSOR_ARCHITECTURE."""
    env = parse_env(out)
    for name in ("PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITECTURE"):
        arch = normalize(env.get(name, ""))
        if arch:
            shown = [
                f"{key}={env[key]}"
                for key in ("PROCESSOR_ARCHITECTURE", "PROCESSOR_ARCHITEW6432")
                if key in env
            ]
            return ArchReading("env", arch, tuple(shown))
    raise ProbeUnavailable("set: no PROCESSOR_ARCHITECTURE variable")


def parse_cpu_arch(out: ProbeOutput) -> ArchReading:
    """`wmic cpu get AddressWidth,Architecture,... /value`: AddressWidth is the OS's width."""
    cpus = records(out, "wmic cpu get /value")
    if not cpus:
        raise ProbeUnavailable("wmic cpu: no processor printed")
    cpu = cpus[0]
    width, family = cpu.integer("AddressWidth"), cpu.integer("Architecture")
    lines = tuple(cpu.evidence("AddressWidth", "Architecture", "DataWidth"))
    if family == 6:
        return ArchReading("wmic_cpu", IA64, lines)
    if family == 12:
        return ArchReading("wmic_cpu", ARM64, lines)
    if width in (32, 64):
        return ArchReading("wmic_cpu", X86 if width == 32 else X64, lines)
    raise ProbeUnavailable("wmic cpu: no AddressWidth")
