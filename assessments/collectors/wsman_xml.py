"""A faster drop-in for `xmltodict.unparse` where pywinrm builds its WS-Management requests.

xmltodict 1.x validates every element and attribute name character by character
(`_validate_name`) and goes through `XMLGenerator` for every request pywinrm sends (5 per
Windows host in a batched scan, about 54 without batches). `unparse` emits the very same text
for the dictionaries pywinrm builds (elements, `@` attributes, `#text`, lists, None,
`@xmlns` maps; a test compares it byte for byte with xmltodict on every request pywinrm
makes), checking names with one regular expression. Measured with `bench/wsman_xml.py`: about
half the CPU of building a request (docs/scanning.md, "WS-Man request building").

`install()` points `winrm.protocol`'s use of xmltodict at it; parsing stays xmltodict's. It is
an adapter of two libraries' internals, so it only does so for the versions whose output was
compared (`SUPPORTED`); with any other pywinrm or xmltodict it leaves pywinrm's own code in
place and says so once in the log.
"""

import logging
import re
import threading
import types
from collections.abc import Mapping
from importlib import metadata
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import winrm.protocol
import xmltodict

log = logging.getLogger(__name__)

# Distribution -> version prefixes whose requests the tests compared byte for byte.
SUPPORTED = {"pywinrm": ("0.5.",), "xmltodict": ("1.0.",)}
_LOCK = threading.Lock()
_decided: bool | None = None  # whether install() patches, once decided

_BAD_NAME = re.compile(r"""^[?!]|[<>/"'=\s]""")
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def unparse(document: Mapping[str, Any]) -> str:
    """`xmltodict.unparse(document)` with its default options (one root element)."""
    if len(document) != 1:
        raise ValueError("Document must have exactly one root.")
    ((key, value),) = document.items()
    if isinstance(value, list | tuple) and len(value) > 1:
        raise ValueError("document with multiple roots")
    out = [_DECLARATION]
    _emit(key, value, out)
    return "".join(out)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _check(name: Any, kind: str) -> None:
    if not isinstance(name, str) or _BAD_NAME.search(name):
        raise ValueError(f"invalid {kind} name {name!r}")


def _emit(key: str, value: Any, out: list[str]) -> None:
    _check(key, "element")
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        if item is None:
            item = {}
        elif not isinstance(item, dict | str):
            item = _text(item)
        if isinstance(item, str):
            item = {"#text": item}
        cdata = None
        attrs: list[str] = []
        children: list[tuple[str, Any]] = []
        for name, child in item.items():
            if name == "#text":
                cdata = None if child is None else _text(child)
            elif isinstance(name, str) and name.startswith("@"):
                if name == "@xmlns" and isinstance(child, dict):
                    for prefix, uri in child.items():
                        _check(prefix, "attribute")
                        attr = f"xmlns:{prefix}" if prefix else "xmlns"
                        attrs.append(f" {attr}={quoteattr('' if uri is None else _text(uri))}")
                    continue
                _check(name[1:], "attribute")
                attrs.append(f" {name[1:]}={quoteattr('' if child is None else _text(child))}")
            elif not (isinstance(child, list) and not child):
                children.append((name, child))
        out.append(f"<{key}{''.join(attrs)}>")
        for name, child in children:
            _emit(name, child, out)
        if cdata:
            out.append(escape(cdata))
        out.append(f"</{key}>")


def unsupported() -> str:
    """Why `install` would refuse in this environment ("" when the versions are supported)."""
    for distribution, prefixes in SUPPORTED.items():
        try:
            version = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return f"{distribution} is not installed as a distribution"
        if not version.startswith(prefixes):
            return f"{distribution} {version} is not {' or '.join(p + 'x' for p in prefixes)}"
    if not hasattr(getattr(winrm.protocol, "xmltodict", None), "unparse"):
        return "winrm.protocol no longer builds its requests with xmltodict.unparse"
    return ""


def install() -> bool:
    """Make pywinrm's `Protocol` build its requests with `unparse` (idempotent): True when
    it does, False when the installed versions are not supported (pywinrm's own code stays)."""
    global _decided
    if _decided is not None:
        return _decided
    with _LOCK:
        if _decided is None:
            reason = unsupported()
            if reason:
                log.info("WS-Man requests built by pywinrm's own code: %s", reason)
            else:
                proxy = types.ModuleType("xmltodict")
                proxy.__dict__.update(vars(xmltodict))
                proxy.unparse = unparse  # type: ignore[attr-defined]
                winrm.protocol.xmltodict = proxy  # type: ignore[attr-defined]
            _decided = not reason
    return _decided
