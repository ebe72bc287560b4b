"""The fast WS-Management request writer gives exactly xmltodict's bytes for pywinrm."""

import types

import pytest
import winrm.protocol
import xmltodict
from winrm.protocol import Protocol

from assessments.collectors import wsman_xml


class Sent(Exception):
    """Stops a pywinrm operation once its request is built."""


@pytest.fixture
def requests_built(monkeypatch):
    """Every dictionary pywinrm's Protocol turns into XML, with what `unparse` made of it."""
    built: list[tuple[dict, str]] = []

    def recording(document):
        text = wsman_xml.unparse(document)
        built.append((document, text))
        return text

    proxy = types.ModuleType("xmltodict")
    proxy.__dict__.update(vars(xmltodict))
    proxy.unparse = recording
    monkeypatch.setattr(winrm.protocol, "xmltodict", proxy)
    return built


def every_request(protocol: Protocol) -> None:
    protocol.send_message = lambda message: (_ for _ in ()).throw(Sent())
    command = "cmd /c \"reg query HKLM\\x & echo <a b='c'>\t%PATH%\""
    calls = [
        lambda: protocol.open_shell(env_vars={"A": "1 & <2>"}, working_directory="C:\\"),
        lambda: protocol.run_command("SHELL-1", command, ["arg &", '"q"']),
        lambda: protocol.get_command_output_raw("SHELL-1", "CMD-1"),
        lambda: protocol.send_command_input("SHELL-1", "CMD-1", "input\r\n", end=True),
        lambda: protocol.cleanup_command("SHELL-1", "CMD-1"),
        lambda: protocol.close_shell("SHELL-1", close_session=False),
    ]
    for call in calls:
        with pytest.raises(Sent):
            call()


def test_it_writes_every_pywinrm_request_exactly_as_xmltodict(requests_built):
    every_request(
        Protocol("http://127.0.0.1:5985/wsman", transport="basic", username="u", password="p")
    )
    assert len(requests_built) == 6
    for document, text in requests_built:
        assert text == xmltodict.unparse(document)


@pytest.mark.parametrize(
    "document",
    [
        {"a": None},
        {"a": ""},
        {"a": {"#text": "", "@x": None}},
        {"a": {"@x": "1\n\"'<&", "b": [None, "t&<>", {"#text": "z", "@q": True}], "c": []}},
        {"a": {"@xmlns": {"": "urn:x", "s": "urn:s"}, "n": 5, "f": False, "b": b"\xff"}},
    ],
)
def test_it_agrees_with_xmltodict_on_the_shapes_it_handles(document):
    assert wsman_xml.unparse(document) == xmltodict.unparse(document)


@pytest.mark.parametrize("bad", [{"a b": None}, {"a": {"@x=y": "1"}}, {"a": {"<b": None}}])
def test_it_refuses_names_that_would_break_out_of_a_tag(bad):
    with pytest.raises(ValueError):
        wsman_xml.unparse(bad)


def test_the_collector_installs_it_into_pywinrm():
    import assessments.collectors.winrm  # noqa: F401  (installs on import)

    assert winrm.protocol.xmltodict.unparse is wsman_xml.unparse
