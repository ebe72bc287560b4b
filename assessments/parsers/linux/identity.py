"""B11 host identity: the DMI system UUID and serial numbers (`dmi_ids`).

The probe prints each value after a `==> path <==` header: the sysfs files
(/sys/class/dmi/id/product_uuid, product_serial, board_serial) or, on kernels without them
(before 2.6.23), `dmidecode -s system-uuid` and the serial keywords. Old dmidecode prints
`# SMBIOS implementations newer than ...` comments before the value. Firmware fills unset
fields with placeholders (`To be filled by O.E.M.`, `Not Specified`, `0123456789`,
`.........`, a UUID of one repeated digit), which identify nothing;
`03000200-0400-0500-0006-000700080009` is a placeholder UUID shared by many boards,
`44454C4C-0000-1020-8020-80C04F202020` Dell's when no service tag was set (VMware KB
1006250).

The first three UUID fields are little-endian from SMBIOS 2.6 on: dmidecode 2.10 and later
and kernels since 3.x print `4c4c4544-0035-4b10-...` where older ones (and SMBIOS 2.5 and
older firmware) print the same bytes as `44454C4C-3500-104B-...`, so one machine's UUID
has two spellings (`uuid_forms`). dmidecode before 2.7 has no `-s` and prints its whole
table: the values are read from its System Information and Base Board structures.
"""

import re
from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.linux.sections import split_sections
from assessments.parsers.text import decode

_PLACEHOLDER = re.compile(
    r"^(?:|0+|none|n/a|not specified|not applicable|not available|default string"
    r"|to be filled by o\.e\.m\.?|system serial number|chassis serial number|0123456789"
    r"|base board serial number|serial number|invalid|empty|unknown|x+|\.+)$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SHARED_UUIDS = frozenset(
    {"03000200-0400-0500-0006-000700080009", "44454c4c-0000-1020-8020-80c04f202020"}
)
# `dmidecode -s KEYWORD` -> the structures and field of a whole table (dmidecode < 2.7; the
# oldest, of RHEL 2.1 and ESX 2.5, print "System Information Block" and no UUID).
_SYSTEM = ("System Information", "System Information Block")
_BOARD = ("Base Board Information", "Board Information Block")
_TABLE_FIELDS = {
    "dmidecode -s system-uuid": (_SYSTEM, "UUID"),
    "dmidecode -s system-serial-number": (_SYSTEM, "Serial Number"),
    "dmidecode -s baseboard-serial-number": (_BOARD, "Serial Number"),
}
_TABLE = re.compile(r"^(?:Handle 0x[0-9A-Fa-f]+|(?:SMBIOS|DMI|PNP BIOS|SYSID) .*present\.)")
_FIELDS = {
    "/sys/class/dmi/id/product_uuid": "uuid",
    "dmidecode -s system-uuid": "uuid",
    "/sys/class/dmi/id/product_serial": "product_serial",
    "dmidecode -s system-serial-number": "product_serial",
    "/sys/class/dmi/id/board_serial": "board_serial",
    "dmidecode -s baseboard-serial-number": "board_serial",
}


@dataclass(frozen=True)
class DmiIds:
    uuid: str = ""  # lower case; "" when absent or a placeholder
    product_serial: str = ""
    board_serial: str = ""
    lines: tuple[str, ...] = ()  # "product_uuid: 9b76...", for evidence

    def values(self) -> dict[str, str]:
        found = {
            "DMI system UUID": self.uuid,
            "product serial": self.product_serial,
            "board serial": self.board_serial,
        }
        return {label: value for label, value in found.items() if value}


def meaningful(value: str) -> str:
    """The value, or "" for firmware placeholders (and values of one repeated digit: the
    all-zero, all-F or all-E UUIDs)."""
    value = value.strip()
    if _PLACEHOLDER.match(value) or re.fullmatch(r"([0-9A-F])(?:\1|-)*", value, re.IGNORECASE):
        return ""
    return value


def uuid_forms(uuid: str) -> tuple[str, ...]:
    """The UUID as printed, and with its first three fields byte-swapped (the other SMBIOS
    byte order), both lower case."""
    uuid = uuid.lower()
    if not _UUID.match(uuid):
        return (uuid,)
    fields = uuid.split("-")
    swapped = ["".join(reversed([f[i : i + 2] for i in range(0, len(f), 2)])) for f in fields[:3]]
    return (uuid, "-".join([*swapped, *fields[3:]]))


def is_shared(uuid: str) -> bool:
    return any(form in SHARED_UUIDS for form in uuid_forms(uuid))


def _from_table(name: str, body: list[str]) -> str | None:
    """The value in a whole dmidecode table (dmidecode < 2.7 ignores -s), or None when the
    body is not a table."""
    if not any(_TABLE.match(line.strip()) for line in body):
        return None
    structures, wanted = _TABLE_FIELDS[name]
    inside = False
    for line in body:
        text = line.strip()
        if text.startswith("Handle "):
            inside = False
        elif text in structures:
            inside = True
        elif inside and text.startswith(wanted + ":"):
            return text.split(":", 1)[1].strip()
    return ""


def parse_dmi_ids(out: ProbeOutput) -> DmiIds:
    found: dict[str, str] = {}
    lines: list[str] = []
    sections = split_sections(decode(out.stdout))
    for name, body in sections:
        field_name = _FIELDS.get(name)
        if field_name is None:
            if name or any(line.strip() for line in body):
                raise ProbeUnavailable(f"dmi_ids printed an unexpected section {name!r}")
            continue
        table = _from_table(name, body) if name in _TABLE_FIELDS else None
        value = table if table is not None else _first_value(body)
        lines.append(f"{name.rsplit('/', 1)[-1]}: {value or '(empty)'}")
        value = meaningful(value)
        if field_name == "uuid":
            value = value.lower()
            if value and not _UUID.match(value):
                value = ""
        if value and field_name not in found:
            found[field_name] = value
    return DmiIds(
        found.get("uuid", ""),
        found.get("product_serial", ""),
        found.get("board_serial", ""),
        tuple(lines),
    )


def _first_value(body: list[str]) -> str:
    return next((v.strip() for v in body if v.strip() and not v.startswith("#")), "")
