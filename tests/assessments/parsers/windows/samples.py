"""Builders for Windows probe outputs: real samples (one block of a multi-block file),
hand-written outputs in the shapes Windows prints, and Facts around them."""

import re

from assessments.facts import Destination, Facts, ProbeOutput
from tests.conftest import sample_bytes

_SEPARATOR = re.compile(rb"^---- .* ----\s*$", re.MULTILINE)


def blocks(name: str) -> list[bytes]:
    """The outputs of a sample file; multi-block files are split on their `---- … ----` lines."""
    parts = _SEPARATOR.split(sample_bytes(name))
    return [part for part in parts if part.strip()]


def sample(name: str, block: int = 0, rc: int | None = 0) -> ProbeOutput:
    return ProbeOutput(blocks(name)[block], b"", rc)


def crcrlf(text: str, rc: int | None = 0) -> ProbeOutput:
    """Output as wmic prints it through a pipe (WinRM): CR CR LF line endings."""
    return ProbeOutput(text.replace("\n", "\r\r\n").encode(), b"", rc)


def crlf(text: str, rc: int | None = 0, stderr: str = "") -> ProbeOutput:
    return ProbeOutput(text.replace("\n", "\r\n").encode(), stderr.encode(), rc)


def not_recognized(tool: str) -> ProbeOutput:
    message = f"'{tool}' is not recognized as an internal or external command,\r\n"
    return ProbeOutput(b"", message.encode() + b"operable program or batch file.\r\n", 9009)


def reg_value(key: str, name: str, kind: str, data: str) -> ProbeOutput:
    """Vista+ `reg query KEY /v NAME` output."""
    return crlf(f"\n{key}\n    {name}    {kind}    {data}\n\n")


REG_NOT_FOUND = ProbeOutput(
    b"", b"ERROR: The system was unable to find the specified registry key or value.\r\n", 1
)


def windows(destination: Destination | None = None, **probes: ProbeOutput) -> Facts:
    """Windows facts from probe outputs given by probe id."""
    return Facts(os_family="windows", probes=probes, hostname="win", destination=destination)


def node(version: str = "", arch: str = "", os_family: str = "windows") -> Destination:
    return Destination(
        name="node1", os_family=os_family, windows_version=version, architecture=arch
    )


# sc.exe of some Windows 10/11 language editions translates its field names while the words
# after the numbers stay English. Shapes from public code: a pt-BR test fixture whose comment
# says its ESTADO line was captured on a pt-BR host (sovyx, voice/health tests, index id
# 54815967752) and the Spanish `sc query` block a "fake cmd" prints to imitate the real one
# (index id 42146372108; its `%s` filled in with DHCPServer here).
SC_PT_BR = (
    "NOME_DO_SERVIÇO: audiosrv\n"
    "        TIPO               : 10  WIN32_OWN_PROCESS\n"
    "        ESTADO             : 4  RUNNING\n"
    "                                (STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)\n"
    "        CÓDIGO_DE_SAÍDA_WIN32  : 0  (0x0)\n"
)
SC_ES = (
    "NOMBRE_SERVICIO: DHCPServer\n"
    "        TIPO               : 30  WIN32\n"
    "        ESTADO             : 4  RUNNING\n"
    "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\n"
    "        CODIGO_DE_SALIDA_DE_WIN32   : 0  (0x0)\n"
    "        CODIGO_DE_SALIDA_DE_SERVICIO: 0  (0x0)\n"
    "        PUNTO_COMPROB.     : 0x0\n"
    "        INDICACIÓN_INICIO  : 0x0\n"
)
