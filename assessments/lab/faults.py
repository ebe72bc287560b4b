"""Faults a simulated host can be given, and how a fleet's share of them is chosen."""

import random
import re
from collections.abc import Mapping, Sequence

from assessments.collectors.base import MAX_OUTPUT

HANG = "hang"  # accept the TCP connection, never answer
REFUSED = "refused"  # nothing listens on the port
AUTH_FAILURE = "auth_failure"  # every login is rejected (WinRM: HTTP 401)
CHANGED_HOST_KEY = "changed_host_key"  # SSH: a different host key after the first connection
LEGACY_ONLY = "legacy_only"  # SSH: offers only a SHA-1 key exchange modern clients refuse
GARBAGE = "garbage"  # SSH: unframed noise; WinRM: a 200 answer that is not SOAP
HUGE = "huge"  # far more output than any probe prints
DISCONNECT = "disconnect"  # the connection drops in the middle of the answer
# Hostile hosts (SSH), for the reliability bench and tests: they answer with the run's token.
ENDLESS = "endless"  # a probe whose output never ends (no END marker, no exit)
MARKER_FLOOD = "marker_flood"  # the answer, then tiny valid frames of probes never asked for
BINARY = "binary"  # a probe printing random bytes (NULs included) past the output cap
OPERATION_TIMEOUT = "operation_timeout"  # WinRM: every Receive is a 500 OperationTimeout fault

SSH_FAULTS = frozenset(
    {HANG, REFUSED, AUTH_FAILURE, CHANGED_HOST_KEY, LEGACY_ONLY, GARBAGE, HUGE, DISCONNECT}
    | {ENDLESS, MARKER_FLOOD, BINARY}
)
WINRM_FAULTS = frozenset(
    {HANG, REFUSED, AUTH_FAILURE, GARBAGE, HUGE, DISCONNECT, OPERATION_TIMEOUT}
)
ALL_FAULTS = SSH_FAULTS | WINRM_FAULTS
# What a `huge` host sends by default (per SSH session, per WinRM command), and a
# `marker_flood` or `binary` one: past the collectors' output cap, so their cut is what gets
# tested.
HUGE_BYTES = MAX_OUTPUT + 1024 * 1024

# The default share of faulty hosts in `fleetlab`: a few, like a real fleet on a bad day.
DEFAULT_SPEC = "refused=1%,hang=0.5%,auth_failure=0.5%,changed_host_key=0.5%,legacy_only=0.5%"

_ITEM = re.compile(r"^\s*([a-z_]+)\s*=\s*(\d+(?:\.\d+)?)(%?)\s*$")


def parse_spec(spec: str) -> dict[str, float]:
    """`"hang=2,refused=1.5%"` -> {"hang": 2, "refused": -1.5}; percentages are negative.

    Counts are hosts; a percentage is a share of the fleet, rounded up to a whole host.
    """
    result: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        match = _ITEM.match(item)
        if not match or match.group(1) not in ALL_FAULTS:
            known = ", ".join(sorted(ALL_FAULTS))
            raise ValueError(f"bad fault {item!r}: expected KIND=COUNT or KIND=N% ({known})")
        value = float(match.group(2))
        result[match.group(1)] = -value if match.group(3) else value
    return result


def counts(spec: str | Mapping[str, float] | None, n_hosts: int) -> dict[str, int]:
    """How many hosts get each fault."""
    parsed = parse_spec(spec) if isinstance(spec, str) else dict(spec or {})
    result = {}
    for kind, value in parsed.items():
        if kind not in ALL_FAULTS:
            raise ValueError(f"unknown fault {kind!r}")
        count = -(-n_hosts * -value // 100) if value < 0 else value
        result[kind] = int(min(count, n_hosts))
    return result


def assign(
    os_families: Sequence[str],
    spec: str | Mapping[str, float] | None,
    rng: random.Random,
) -> list[str]:
    """A fault ("" for none) per host, each fault only on hosts whose protocol has it."""
    faults = [""] * len(os_families)
    for kind, count in sorted(counts(spec, len(os_families)).items()):
        candidates = [
            index
            for index, family in enumerate(os_families)
            if not faults[index] and kind in (SSH_FAULTS if family == "linux" else WINRM_FAULTS)
        ]
        for index in rng.sample(candidates, min(count, len(candidates))):
            faults[index] = kind
    return faults
