"""Ansible variables -> the host fields we keep (connection, address, ports, credential)."""

import shlex
from typing import Any

from fleet.choices import OsFamily, WinrmScheme, WinrmTransport
from fleet.lib.import_spec import HostSpec, check_jump_host, split_list

# Every variable `apply_vars` reads: the parsers merge only these (a host range with many
# variables would otherwise copy all of them per host).
KNOWN_VARIABLES = frozenset(
    {
        "ansible_connection",
        "ansible_host",
        "ansible_ssh_host",
        "ansible_port",
        "ansible_ssh_port",
        "ansible_user",
        "ansible_ssh_user",
        "ansible_become",
        "ansible_winrm_scheme",
        "ansible_winrm_transport",
        "ansible_winrm_port",
        "ansible_ssh_common_args",
        "ansible_ssh_extra_args",
        "p2c_credential",
        "p2c_target",
        "p2c_tags",
        "p2c_owner",
        "p2c_site",
        "p2c_notes",
    }
)
SCALARS = (str, int, float, bool)
WINDOWS_CONNECTIONS = {"winrm", "psrp"}
LINUX_CONNECTIONS = {"ssh", "paramiko", "smart", "local", "paramiko_ssh"}
TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


def _text(variables: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        if key in variables and variables[key] is not None:
            value = _scalar(variables[key], key)
            if "{{" in value or "{%" in value:
                raise ValueError(f"{key} is a Jinja template ({value!r}); give the value itself")
            return value
    return None


def _scalar(value: Any, key: str) -> str:
    # Never str() a list or mapping: with YAML aliases it can stand for gigabytes of text.
    if not isinstance(value, SCALARS):
        raise ValueError(f"{key} must be a single value, not a {type(value).__name__}")
    return str(value).strip()


def _bool(value: str | None, key: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValueError(f"{key} {value!r} is not a boolean")


def _port(value: str | None, key: str) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValueError(f"{key} {value!r} is not a port number (1-65535)")
    return int(value)


def apply_vars(spec: HostSpec, variables: dict[str, Any]) -> None:
    connection = (_text(variables, "ansible_connection") or "ssh").lower()
    if connection in WINDOWS_CONNECTIONS:
        os_family = OsFamily.WINDOWS
    elif connection in LINUX_CONNECTIONS:
        os_family = OsFamily.LINUX
    else:
        raise ValueError(f"ansible_connection {connection!r} is neither SSH nor WinRM")
    port = _port(_text(variables, "ansible_port", "ansible_ssh_port"), "ansible_port")
    windows = os_family == OsFamily.WINDOWS
    spec.values = {
        "address": _text(variables, "ansible_host", "ansible_ssh_host") or spec.name,
        "os_family": os_family,
        "port": None if windows else port,
        "winrm_port": _port(_text(variables, "ansible_winrm_port"), "ansible_winrm_port")
        or (port if windows else None),
        "use_sudo": _bool(_text(variables, "ansible_become"), "ansible_become"),
        "winrm_scheme": _winrm_scheme(_text(variables, "ansible_winrm_scheme")),
        "winrm_transport": _winrm_transport(variables.get("ansible_winrm_transport")),
    }
    jump = _jump_host(_text(variables, "ansible_ssh_common_args", "ansible_ssh_extra_args"))
    if jump:
        spec.values["jump_host"] = check_jump_host(jump)
    for field_name in ("owner", "site", "notes"):
        value = _text(variables, f"p2c_{field_name}")
        if value is not None:
            spec.values[field_name] = value
    spec.credential_user = _text(variables, "ansible_user", "ansible_ssh_user")
    spec.credential = _text(variables, "p2c_credential")
    spec.target = _text(variables, "p2c_target")
    tags = _text(variables, "p2c_tags")
    if tags is not None:
        spec.tags = split_list(tags.replace(",", ";"))


def _winrm_scheme(value: str | None) -> str | None:
    if value is None:
        return None
    if value.lower() not in WinrmScheme.values:
        raise ValueError(f"ansible_winrm_scheme {value!r} is not http or https")
    return value.lower()


def _winrm_transport(value: Any) -> str | None:
    if value is None:
        return None
    key = "ansible_winrm_transport"
    items = value if isinstance(value, list) else _scalar(value, key).split(",")
    words = [_scalar(item, key).lower() for item in items]
    for word in words:
        if word in WinrmTransport.values:
            return word
    raise ValueError(f"{key} {', '.join(words)!r} has none of {', '.join(WinrmTransport.values)}")


def _jump_host(args: str | None) -> str | None:
    if not args:
        return None
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    for index, arg in enumerate(words):
        if arg == "-J" and index + 1 < len(words):
            return words[index + 1]
        if arg.startswith("-J") and len(arg) > 2:
            return arg[2:]
        if arg.lower().startswith("proxyjump="):
            return arg.split("=", 1)[1]
        if arg == "-o" and index + 1 < len(words):
            option = words[index + 1]
            if option.lower().startswith("proxyjump="):
                return option.split("=", 1)[1]
    return None
