"""`sc query <service>` and `sc qc <service>` output.

Field names (SERVICE_NAME, TYPE, STATE, START_TYPE) are printed as is; the words after the
numbers are localised, so only the numbers are read: TYPE 1 = kernel driver, STATE 1 =
stopped, 4 = running, START_TYPE 4 = disabled. A missing service is `FAILED 1060` (and
exit code 1060): data, not an error.
"""

import re
from dataclasses import dataclass

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

_FIELD = re.compile(r"^\s*([A-Z_]+)\s*:\s*(.*?)\s*$")
_NUMBER = re.compile(r"^(\d+)")
_FAILED = re.compile(r"FAILED (\d+)")


@dataclass(frozen=True)
class Service:
    """One service block: numeric type, state and start type where printed."""

    name: str
    type: int | None
    state: int | None
    start_type: int | None
    lines: tuple[str, ...]

    @property
    def running(self) -> bool:
        return self.state == 4

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
    services: list[Service] = []
    name: str | None = None
    fields: dict[str, int] = {}
    kept: list[str] = []
    for line in text.split("\n"):
        match = _FIELD.match(line)
        if not match:
            if name is not None and line.strip():
                kept.append(line.rstrip())
            continue
        key, value = match.groups()
        if key == "SERVICE_NAME":
            if name is not None:
                services.append(_service(name, fields, kept))
            name, fields, kept = value, {}, [line.rstrip()]
            continue
        if name is None:
            continue
        kept.append(line.rstrip())
        number = _NUMBER.match(value)
        if number and key not in fields:
            fields[key] = int(number.group(1))
    if name is not None:
        services.append(_service(name, fields, kept))
    return services


def _service(name: str, fields: dict[str, int], kept: list[str]) -> Service:
    return Service(
        name=name,
        type=fields.get("TYPE"),
        state=fields.get("STATE"),
        start_type=fields.get("START_TYPE"),
        lines=tuple(kept),
    )
