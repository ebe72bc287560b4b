"""`sc query <service>` and `sc qc <service>` output.

Only the numbers are read: TYPE 1 = kernel driver, STATE 1 = stopped, 4 = running,
START_TYPE 4 = disabled. Field names are English on most systems (SERVICE_NAME, TYPE,
STATE, START_TYPE), but sc.exe of some Windows 10/11 language editions translates them
(`NOMBRE_SERVICIO:`, `ESTADO`, `NOME_DO_SERVIÇO:`) while the words after the numbers stay
English. So a block is read by its layout where the names are unknown: it starts at an
unindented `name: value` line (the label the output's first block starts with), the next
unindented line is the display name, and the indented fields are recognised by the words
of their values (`4  RUNNING`, `4   DISABLED`, `10  WIN32_OWN_PROCESS`). A missing service is
`FAILED 1060` (and exit code 1060): data, not an error.
"""

import re
from dataclasses import dataclass, field

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

STATE_NAMES = {
    1: "STOPPED",
    2: "START_PENDING",
    3: "STOP_PENDING",
    4: "RUNNING",
    5: "CONTINUE_PENDING",
    6: "PAUSE_PENDING",
    7: "PAUSED",
}
START_TYPE_NAMES = {0: "BOOT", 1: "SYSTEM", 2: "AUTO", 3: "DEMAND", 4: "DISABLED"}
NOT_INSTALLED = 1060

_FIELD = re.compile(r"^(\s*)([^\s:\[][^:]*?)\s*:\s*(.*?)\s*$")
_NUMBER = re.compile(r"^(\d+)")
# The words after the numbers, which sc does not translate: they tell a field whose name is.
_BY_WORD = (
    (
        "STATE",
        re.compile(
            r"^\d+\s+(STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING"
            r"|PAUSE_PENDING|PAUSED)\b"
        ),
    ),
    (
        "START_TYPE",
        re.compile(r"^\d+\s+(BOOT_START|SYSTEM_START|AUTO_START|DEMAND_START|DISABLED)\b"),
    ),
    (
        "TYPE",
        re.compile(
            r"^[0-9a-f]+\s+(KERNEL_DRIVER|FILE_SYSTEM_DRIVER|WIN32|USER_|ADAPTER|RECOGNIZER)",
            re.IGNORECASE,
        ),
    ),
)
_NUMBERED = {"TYPE", "STATE", "START_TYPE"}
_KNOWN = {"SERVICE_NAME", "DISPLAY_NAME", *_NUMBERED}
_FAILED = re.compile(r"FAILED (\d+)")


@dataclass(frozen=True)
class Service:
    """One service block: numeric type, state and start type where printed."""

    name: str
    type: int | None
    state: int | None
    start_type: int | None
    lines: tuple[str, ...]
    display: str = ""  # the DISPLAY_NAME (or the translated label's) value, "" when none
    state_line: str = ""  # the line the state was read from, for evidence

    @property
    def running(self) -> bool:
        return self.state == 4

    @property
    def active(self) -> bool:
        """Not stopped: running, paused (it keeps its process and configuration), or
        starting, stopping, pausing or continuing at the time of the query."""
        return self.state is not None and self.state != 1

    @property
    def disabled(self) -> bool:
        return self.start_type == 4


@dataclass(frozen=True)
class ScResult:
    """What sc printed: the services, or `installed=False` (error 1060)."""

    installed: bool
    services: tuple[Service, ...] = ()
    lines: tuple[str, ...] = ()

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name.lower() == name.lower()), None)


def parse_sc(out: ProbeOutput, label: str = "sc query") -> ScResult:
    """Services in `sc query`/`sc qc` output; raises ProbeUnavailable on other failures."""
    text = decode(out.stdout) + "\n" + (decode(out.stderr) if out.stderr else "")
    failed = _FAILED.search(text)
    shown = tuple(line.rstrip() for line in text.split("\n") if line.strip())
    if out.rc == NOT_INSTALLED or (failed and int(failed.group(1)) == NOT_INSTALLED):
        return ScResult(installed=False, lines=shown)
    if failed:
        code = int(failed.group(1))
        why = "access is denied" if code == 5 else f"sc failed with error {code}"
        raise ProbeUnavailable(f"{label}: {why}")
    services = _services(text)
    if not services:
        raise ProbeUnavailable(f"{label}: no SERVICE_NAME in the output")
    return ScResult(installed=True, services=tuple(services), lines=shown)


def _services(text: str) -> list[Service]:
    lines = text.split("\n")
    fields = [m.groups() for line in lines if (m := _FIELD.match(line))]
    if not fields:
        return []
    # Pasted outputs may be indented as a whole: the block lines are the least indented.
    top = min(len(indent) for indent, _, _ in fields)
    starts = [label for indent, label, _ in fields if len(indent) == top]
    name_label = "SERVICE_NAME" if "SERVICE_NAME" in starts else starts[0]
    services: list[Service] = []
    block: _Block | None = None
    for line in lines:
        match = _FIELD.match(line)
        if not match:
            if block is not None and line.strip():
                block.kept.append(line.rstrip())
            continue
        indent, label, value = match.groups()
        if label == name_label and (len(indent) == top or label == "SERVICE_NAME"):
            if block is not None:
                services.append(block.service())
            block = _Block(value, [line.rstrip()])
            continue
        if block is not None:
            block.add(line.rstrip(), len(indent) == top, label, value)
    if block is not None:
        services.append(block.service())
    return services


@dataclass
class _Block:
    """One service block while it is read."""

    name: str
    kept: list[str]
    display: str = ""
    state_line: str = ""
    numbers: dict[str, int] = field(default_factory=dict)

    def add(self, line: str, top: bool, label: str, value: str) -> None:
        self.kept.append(line)
        if top:  # the display name line, under whatever label
            if not self.display and not self.numbers and label not in _NUMBERED:
                self.display = value
            return
        key = label if label in _KNOWN else _key_by_word(value)
        number = _NUMBER.match(value)
        if key in _NUMBERED and number and key not in self.numbers:
            self.numbers[key] = int(number.group(1))
            if key == "STATE":
                self.state_line = line.strip()

    def service(self) -> Service:
        return Service(
            name=self.name,
            type=self.numbers.get("TYPE"),
            state=self.numbers.get("STATE"),
            start_type=self.numbers.get("START_TYPE"),
            lines=tuple(self.kept),
            display=self.display,
            state_line=self.state_line,
        )


def _key_by_word(value: str) -> str:
    return next((key for key, pattern in _BY_WORD if pattern.match(value)), "")
