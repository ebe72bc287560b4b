"""The OEM code page console programs write in (OEMCP), for decoding their output."""

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.windows.reg import parse_reg_query


def parse_oem_codepage(out: ProbeOutput) -> str:
    """`reg query ...\\Nls\\CodePage /v OEMCP` -> a Python codec name, e.g. "cp850"."""
    query = parse_reg_query(out, "reg query Nls\\CodePage /v OEMCP")
    value = query.value("OEMCP")
    if value is None or not value.data.strip().isdigit():
        raise ProbeUnavailable("OEMCP is not in the registry")
    number = value.data.strip()
    return "utf-8" if number == "65001" else f"cp{number}"
