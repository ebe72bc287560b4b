"""Hostile lab hosts (endless output, a marker flood, binary output) through the collectors
and the save path, with the output cap shrunk to 1 MiB so the cut is what gets tested."""

import pytest

from assessments import captures, collectors
from assessments.collectors import base
from assessments.collectors.base import CollectError
from assessments.lab import faults
from assessments.lab.inventory import HostSpec, create_hosts, start_lab
from assessments.models import Capture, HostScan
from assessments.scanning.results import save_result
from assessments.scanning.scans import start_scan
from assessments.scanning.targets import build_target

CAP = 1024 * 1024
HOSTILE = (faults.ENDLESS, faults.MARKER_FLOOD, faults.BINARY)


@pytest.fixture
def hosts(db, monkeypatch):
    monkeypatch.setattr(base, "MAX_OUTPUT", CAP)
    specs = [HostSpec("linux_clean", fault=fault, name=fault) for fault in HOSTILE]
    with start_lab(hosts=specs, huge_bytes=2 * CAP, workers=8) as lab:
        yield {host.name: host for host in create_hosts(lab)}


def running(host) -> HostScan:
    hs = start_scan({"hosts": [host.name]}).host_scans.get()
    HostScan.objects.filter(pk=hs.pk).update(status="running", worker="w1")
    return HostScan.objects.select_related("host__target").get(pk=hs.pk)


def collect(host):
    return collectors.collect(*build_target(host, 20))


def test_a_marker_flood_with_the_runs_token_fails_the_host(hosts):
    with pytest.raises(CollectError) as raised:
        collect(hosts[faults.MARKER_FLOOD])
    assert raised.value.error_class == "protocol_error"
    assert "frames for" in raised.value.detail
    assert "frame 'x0' was not asked for" in raised.value.detail


def test_endless_output_stops_at_the_cap_and_keeps_the_probes_before_it(hosts):
    result = collect(hosts[faults.ENDLESS])
    assert result.probes["getfattr"].truncated
    assert result.probes["uname"].rc == 0
    assert any("MiB" in note for note in result.notes)


def test_binary_output_is_stored_and_reads_back_byte_for_byte(hosts):
    host = hosts[faults.BINARY]
    result = collect(host)
    assert b"\0" in result.probes["getfattr"].stdout
    hs = running(host)
    assert save_result(hs, result, owner="w1")
    stored = captures.read_capture_bytes(Capture.objects.get(host_scan=hs).data)
    assert stored.probes["getfattr"].stdout == result.probes["getfattr"].stdout
    assert stored.probes["getfattr"].truncated
    assert HostScan.objects.get(pk=hs.pk).status == "done"
