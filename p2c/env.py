"""Strict readers for environment variables.

A malformed value stops start-up with a message that names the variable, so a typo in a
deployment never silently falls back to a development default.
"""

import os


class ConfigurationError(Exception):
    """An environment variable holds a value we cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def beyond_classes_off(names: list[str]) -> list[str]:
    """`RULESET_DISABLED`: restriction classes beyond the document, or `beyond` for all of
    them. The document's own classes cannot be switched off."""
    # Imported here, not at the top: this module is read by the settings, before any app.
    from assessments.checks.restrictions import RESTRICTIONS

    beyond = [r.id for r in RESTRICTIONS if r.beyond_document]
    if names == ["beyond"]:
        return beyond
    wrong = sorted(set(names) - set(beyond))
    if wrong:
        raise ConfigurationError(
            f"RULESET_DISABLED names {', '.join(wrong)}: only classes beyond the document "
            f"({', '.join(beyond)}) or `beyond` can be switched off"
        )
    return sorted(set(names))
