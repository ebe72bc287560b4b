"""The fast WS-Management request writer gives exactly xmltodict's bytes for pywinrm."""

import types

import pytest
import winrm.protocol
import xmltodict
from winrm.protocol import Protocol

from assessments.collectors import wsman_xml
from assessments.collectors.base import CollectError


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


@pytest.fixture
def fresh_install(monkeypatch):
    """`install()` as if nothing had decided yet in this process (undone after the test)."""
    monkeypatch.setattr(wsman_xml, "_decided", None)
    monkeypatch.setattr(winrm.protocol, "xmltodict", xmltodict)
    return monkeypatch


def test_it_builds_pywinrms_requests_with_the_supported_versions(fresh_install):
    assert wsman_xml.unsupported() == ""
    assert wsman_xml.install() is True
    assert winrm.protocol.xmltodict.unparse is wsman_xml.unparse
    assert winrm.protocol.xmltodict.parse is xmltodict.parse  # parsing stays xmltodict's


def test_it_installs_once(fresh_install):
    wsman_xml.install()
    proxy = winrm.protocol.xmltodict
    assert wsman_xml.install() is True
    assert winrm.protocol.xmltodict is proxy


@pytest.mark.parametrize(
    ("distribution", "version"), [("pywinrm", "0.6.0"), ("xmltodict", "0.13.0")]
)
def test_it_leaves_pywinrm_alone_with_a_version_it_was_not_written_for(
    fresh_install, caplog, distribution, version
):
    real = wsman_xml.metadata.version
    fresh_install.setattr(
        wsman_xml.metadata,
        "version",
        lambda name: version if name == distribution else real(name),
    )
    with caplog.at_level("INFO", logger=wsman_xml.__name__):
        assert wsman_xml.install() is False
    assert winrm.protocol.xmltodict is xmltodict
    assert f"{distribution} {version}" in caplog.text


def test_it_leaves_pywinrm_alone_when_it_no_longer_uses_xmltodict(fresh_install):
    fresh_install.delattr(winrm.protocol, "xmltodict")
    assert "no longer builds" in wsman_xml.unsupported()
    assert wsman_xml.install() is False


def test_the_collector_installs_it_before_its_first_request(fresh_install):
    from assessments.collectors.target import Login, Target
    from assessments.collectors.winrm import collect_winrm

    target = Target("h", "127.0.0.1", os_family="windows", login=Login("u"), winrm_port=9)
    with pytest.raises(CollectError):
        collect_winrm(target)  # nothing listens on port 9
    assert winrm.protocol.xmltodict.unparse is wsman_xml.unparse
