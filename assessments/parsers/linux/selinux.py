"""SELinux state: `getenforce`, `sestatus`, the enforce file and `/etc/selinux/config`.

Modes are normalised to `enforcing`, `permissive`, `disabled`; anything else (such as the
invalid `SELINUX=enabled` some hosts carry) is `unknown`, never a crash.
"""

from dataclasses import dataclass

from assessments.facts import ProbeOutput, ProbeUnavailable
from assessments.parsers.text import decode

MODES = ("enforcing", "permissive", "disabled")


def _mode(value: str) -> str:
    word = value.strip().strip("\"'").lower()
    return word if word in MODES else "unknown"


def parse_getenforce(out: ProbeOutput) -> str:
    text = decode(out.stdout)
    for line in text.split("\n"):
        if line.strip():
            mode = _mode(line)
            if mode == "unknown":
                raise ProbeUnavailable(f"getenforce printed {line.strip()!r}")
            return mode
    raise ProbeUnavailable("getenforce printed nothing")


def parse_enforce_file(out: ProbeOutput) -> str:
    """The `selinux_enforce` probe: the content of /sys/fs/selinux/enforce or
    /selinux/enforce (`1` enforcing, `0` permissive); empty when SELinux is not active."""
    text = decode(out.stdout).strip()
    if text == "1":
        return "enforcing"
    if text == "0":
        return "permissive"
    if not text:
        return "disabled"
    raise ProbeUnavailable(f"unexpected enforce value {text!r}")


@dataclass(frozen=True)
class SEStatus:
    status: str  # enabled | disabled
    current_mode: str
    config_mode: str
    policy: str
    lines: tuple[str, ...]


def parse_sestatus(out: ProbeOutput) -> SEStatus:
    """`sestatus` (any version): `key: value` pairs up to the first blank line."""
    text = decode(out.stdout)
    values: dict[str, str] = {}
    kept: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if values:
                break
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        values[key.strip().lower()] = value.strip()
        kept.append(line.rstrip())
    if "selinux status" not in values:
        raise ProbeUnavailable("sestatus printed no status")
    status = values["selinux status"].lower()
    current = _mode(values.get("current mode", "")) if status == "enabled" else "disabled"
    if current == "unknown":
        # Enabled, but no mode we can read (output cut, an unknown word): never a guess.
        raise ProbeUnavailable("sestatus printed no readable current mode")
    return SEStatus(
        status=status,
        current_mode=current,
        config_mode=_mode(values.get("mode from config file", "")),
        policy=values.get("loaded policy name", values.get("policy from config file", "")),
        lines=tuple(kept),
    )


@dataclass(frozen=True)
class SELinuxConfig:
    mode: str  # enforcing | permissive | disabled | unknown
    raw_mode: str
    policy_type: str
    lines: tuple[str, ...]


def _word(value: str) -> str:
    """The value of a `KEY=value` line as the boot scripts (which source the file as shell)
    and libselinux read it: its first word, unquoted; a trailing `# comment` is not part
    of it."""
    words = value.strip().split()
    return words[0].strip("\"'") if words else ""


def parse_selinux_config(out: ProbeOutput) -> SELinuxConfig:
    """`/etc/selinux/config`; tolerates comments and invalid values."""
    text = decode(out.stdout)
    raw_mode, policy = "", ""
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, _, value = stripped.partition("=")
        if key.strip() == "SELINUX":
            raw_mode = _word(value)
            kept.append(stripped)
        elif key.strip() == "SELINUXTYPE":
            policy = _word(value)
            kept.append(stripped)
    return SELinuxConfig(_mode(raw_mode) if raw_mode else "unknown", raw_mode, policy, tuple(kept))
