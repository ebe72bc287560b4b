"""Benchmark: CPU per WS-Management request that pywinrm builds, with and without `wsman_xml`.

Builds the five requests a Windows host costs in a batched scan (Create, Command, Receive,
Signal, Delete: `Protocol.open_shell`, `run_command`, `get_command_output_raw`,
`cleanup_command`, `close_shell`) with `send_message` stubbed out, so only pywinrm's own
request building is timed: its dictionaries, then the XML text, once with pywinrm's
`xmltodict.unparse` and once with `assessments.collectors.wsman_xml.unparse`. Prints the CPU
per message (best of the repeats), both figures and their ratio, and the same for the XML
writing alone. No database, no network.

    .venv/bin/python bench/wsman_xml.py [--number 2000] [--repeat 7]
"""

import argparse
import sys
import time
import timeit
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import winrm.protocol
import xmltodict
from winrm.protocol import Protocol

from assessments.collectors import wsman_xml

COMMAND = 'cmd /d /v:on /s /c "' + "echo @@P2C 0123456789abcdef BEGIN ver & ver & " * 20 + '"'


class _Sent(Exception):
    pass


def _protocol() -> Protocol:
    protocol = Protocol(
        "http://127.0.0.1:5985/wsman", transport="basic", username="u", password="p"
    )

    def send(message: str) -> str:
        raise _Sent

    protocol.send_message = send  # type: ignore[method-assign]
    return protocol


def _requests(protocol: Protocol) -> list[Callable[[], object]]:
    return [
        lambda: protocol.open_shell(),
        lambda: protocol.run_command("SHELL-1", COMMAND),
        lambda: protocol.get_command_output_raw("SHELL-1", "CMD-1"),
        lambda: protocol.cleanup_command("SHELL-1", "CMD-1"),
        lambda: protocol.close_shell("SHELL-1", close_session=False),
    ]


def _use(unparse: Callable[..., str]) -> None:
    proxy = types.ModuleType("xmltodict")
    proxy.__dict__.update(vars(xmltodict))
    proxy.unparse = unparse  # type: ignore[attr-defined]
    winrm.protocol.xmltodict = proxy  # type: ignore[attr-defined]


def _per_message(calls: list[Callable[[], object]], number: int, repeat: int) -> float:
    def once() -> None:
        for call in calls:
            try:
                call()
            except _Sent:
                pass

    timer = timeit.Timer(once, timer=time.process_time)
    return min(timer.repeat(repeat=repeat, number=number)) / (number * len(calls))


def _documents() -> list[dict[str, Any]]:
    """The dictionaries pywinrm hands to `unparse` for the five requests."""
    seen: list[dict[str, Any]] = []

    def record(document: dict[str, Any]) -> str:
        seen.append(document)
        return str(xmltodict.unparse(document))

    _use(record)
    for call in _requests(_protocol()):
        try:
            call()
        except _Sent:
            pass
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    documents = _documents()
    assert all(wsman_xml.unparse(d) == xmltodict.unparse(d) for d in documents)
    calls = _requests(_protocol())
    figures = {}
    for label, unparse in (
        ("pywinrm (xmltodict)", xmltodict.unparse),
        ("wsman_xml", wsman_xml.unparse),
    ):
        _use(unparse)
        whole = _per_message(calls, args.number, args.repeat)
        alone = min(
            timeit.Timer(
                lambda u=unparse: [u(d) for d in documents], timer=time.process_time
            ).repeat(repeat=args.repeat, number=args.number)
        ) / (args.number * len(documents))
        figures[label] = (whole, alone)
        print(
            f"{label:<20} request built {whole * 1e6:7.1f} us/message, "
            f"XML only {alone * 1e6:7.1f} us/message"
        )
    (slow_whole, slow_alone), (fast_whole, fast_alone) = figures.values()
    print(
        f"ratio (wsman_xml / pywinrm): request built {fast_whole / slow_whole:.2f}, "
        f"XML only {fast_alone / slow_alone:.2f}; saved {(slow_whole - fast_whole) * 1e6:.1f} us "
        f"per message, {(slow_whole - fast_whole) * 5e6:.0f} us per batched Windows host "
        "(5 messages)"
    )


if __name__ == "__main__":
    main()
