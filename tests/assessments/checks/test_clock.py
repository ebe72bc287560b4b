import pytest

from assessments.checks.clock import HardwareClock, TimeSync
from tests.assessments.parsers.linux.samples import facts, severities, text
from tests.conftest import sample_bytes

PS = "USER       PID COMMAND\nroot         1 /sbin/init\n"
NTPD = PS + "ntp       1131 ntpd -u ntp:ntp -p /var/run/ntpd.pid -g\n"
CHRONYD = PS + "chrony     702 /usr/sbin/chronyd\n"
SERVER = "linux-chrony-conf-hpc-head-node-server.txt"
CLIENT = """\
==> /etc/ntp.conf <==
restrict default nomodify notrap nopeer noquery
server 0.rhel.pool.ntp.org iburst
"""


def sync(**probes):
    (finding,) = TimeSync().evaluate(facts(**probes))
    return finding


def test_a_time_client_is_info_to_disable():
    finding = sync(ps=text(NTPD), ntp_config=text(CLIENT))
    assert (finding.check, finding.severity) == ("clock.time_sync", "info")
    assert "disable ntpd" in finding.title and "server 0.rhel.pool.ntp.org" in finding.evidence


def test_serving_time_to_other_hosts_is_a_warning():
    config = text("==> /etc/chrony.conf <==\n" + sample_bytes(SERVER).decode())
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "warning" and "allow 10.150.0.0/16" in finding.evidence


def test_a_server_configuration_of_a_daemon_that_does_not_run_is_ignored():
    config = text("==> /etc/chrony.conf <==\n" + sample_bytes(SERVER).decode())
    assert sync(ps=text(NTPD), ntp_config=config).severity == "info"


def test_no_daemon_passes():
    assert sync(ps=text(PS), ntp_config=text(CLIENT)).severity == "pass"


def test_an_older_capture_with_ps_but_no_configuration_is_unknown():
    assert sync(ps=text(PS)).severity == "unknown"
    assert severities(hardware(ps=text(PS))) == ["unknown"]


def test_a_daemon_with_an_unreadable_configuration_is_unknown():
    denied = text(
        "==> /etc/chrony.conf <==\n",
        rc=1,
        stderr="head: cannot open '/etc/chrony.conf' for reading: Permission denied\n",
    )
    assert sync(ps=text(CHRONYD), ntp_config=denied).severity == "unknown"


def test_no_process_list_is_unknown():
    assert sync(ntp_config=text(CLIENT)).severity == "unknown"


def hardware(**probes):
    return HardwareClock().evaluate(facts(**probes))


def test_ptp_daemons_are_a_blocker():
    ptp = "root 877 /usr/sbin/ptp4l -f /etc/ptp4l.conf -i ens1f0\n"
    ps = text(PS + ptp + "root 879 /usr/sbin/phc2sys -a -r\n")
    (finding,) = hardware(ps=ps, ntp_config=text(""))
    assert (finding.check, finding.severity) == ("clock.hardware", "blocker")
    assert "ptp4l" in finding.title and "phc2sys" in finding.title


def test_a_gps_reference_clock_of_a_running_ntpd_is_a_blocker():
    config = text("==> /etc/ntp.conf <==\nserver 127.127.20.0 mode 17\nserver 127.127.1.0\n")
    (finding,) = hardware(
        ps=text(NTPD + "gpsd 501 /usr/sbin/gpsd -n /dev/ttyS0\n"), ntp_config=config
    )
    assert finding.severity == "blocker" and "127.127.20.0" in finding.title
    assert "GPS daemon" in finding.evidence


def test_the_local_clock_driver_is_no_hardware_clock():
    config = text("==> /etc/ntp.conf <==\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n")
    assert severities(hardware(ps=text(NTPD), ntp_config=config)) == ["pass"]


# -- real configuration files (tests/samples/SOURCES.md) ------------------------------------


def framed(path: str, sample: str):
    return text(f"==> {path} <==\n" + sample_bytes(sample).decode())


def test_a_stock_centos7_chronyd_client_is_info():
    config = framed("/etc/chrony.conf", "linux-chrony-conf-centos7-client.txt")
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "info" and "server ntp.nict.jp iburst" in finding.evidence
    assert hardware(ps=text(CHRONYD), ntp_config=config)[0].severity == "pass"


def test_a_real_ntpd_with_gps_and_pps_drivers_is_a_blocker_and_serves_its_lan():
    config = framed("/etc/ntp.conf", "linux-ntp-conf-gps-pps-refclock.txt")
    (clock,) = hardware(ps=text(NTPD), ntp_config=config)
    assert clock.severity == "blocker"
    assert "127.127.20.0" in clock.title and "127.127.22.0" in clock.title
    served = sync(ps=text(NTPD), ntp_config=config)
    assert served.severity == "warning"
    assert "restrict 192.168.0.0 mask 255.255.255.0" in served.evidence


def test_a_real_ntpd_client_restricting_default_serves_nobody():
    config = framed("/etc/ntp.conf", "linux-ntp-conf-centos-client.txt")
    assert sync(ps=text(NTPD), ntp_config=config).severity == "info"


def test_a_real_hpc_head_nodes_chrony_serving_its_cluster_is_a_warning():
    config = framed("/etc/chrony.conf", "linux-chrony-conf-hpc-head-node-server.txt")
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "warning" and "allow 10.150.0.0/16" in finding.evidence
    assert hardware(ps=text(CHRONYD), ntp_config=config)[0].severity == "pass"


def test_a_host_mask_restrict_for_the_upstream_server_is_no_opening():
    # RHEL 5/6 era clients (system-config-date, tutorials) write `restrict SERVER mask
    # 255.255.255.255 ...` for each source: permissions for the source, nobody is served.
    config = framed("/etc/ntp.conf", "linux-ntp-conf-noserve-host-mask-client.txt")
    finding = sync(ps=text(NTPD), ntp_config=config)
    assert finding.severity == "info" and "server 10.225.28.1" in finding.evidence


def test_a_lan_opening_next_to_host_mask_restricts_for_the_pool_still_serves():
    config = framed("/etc/ntp.conf", "linux-ntp-conf-2007-lan-server-local-clock.txt")
    finding = sync(ps=text(NTPD), ntp_config=config)
    assert finding.severity == "warning"
    assert "restrict 192.168.0.0 mask 255.255.255.0 nomodify notrap" in finding.evidence
    assert "restrict 0.pool.ntp.org mask" not in finding.evidence
    assert hardware(ps=text(NTPD), ntp_config=config)[0].severity == "pass"


def test_the_local_clock_driver_alone_is_no_evidence_of_serving():
    # FreeIPA's ntp.conf has `server 127.127.1.0` on clients as well as servers, and so did
    # stock RHEL 5: only explicit openings count.
    config = framed("/etc/ntp.conf", "linux-ntp-conf-ipa-local-clock-peers.txt")
    finding = sync(ps=text(NTPD), ntp_config=config)
    assert finding.severity == "info" and "peer ntp1.example.com" in finding.evidence
    assert hardware(ps=text(NTPD), ntp_config=config)[0].severity == "pass"


@pytest.mark.parametrize(
    "sample", ["linux-ntp-conf-tinker-step-client.txt", "linux-ntp-conf-tab-separated-client.txt"]
)
def test_real_ntpd_clients_are_info(sample):
    config = framed("/etc/ntp.conf", sample)
    finding = sync(ps=text(NTPD), ntp_config=config)
    assert finding.severity == "info" and "server" in finding.evidence


def test_the_hyper_v_ptp_clock_of_an_azure_vm_is_no_hardware_clock():
    # Azure images read the hypervisor's clock through `refclock PHC /dev/ptp_hyperv`: in a
    # container the node keeps the time, nothing hardware is lost.
    config = framed("/etc/chrony/chrony.conf", "linux-chrony-conf-azure-ptp-hyperv.txt")
    (clock,) = hardware(ps=text(CHRONYD), ntp_config=config)
    assert clock.severity == "pass"
    assert "refclock PHC /dev/ptp_hyperv" in clock.evidence and "hypervisor" in clock.evidence
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "info" and "server time.windows.com" in finding.evidence


def test_a_chrony_drop_in_allowing_clients_serves_time():
    config = text(
        "==> /etc/chrony/chrony.conf <==\nconfdir /etc/chrony/conf.d\npool 2.debian.pool.ntp.org\n"
        "==> /etc/chrony/conf.d/10-lab-ntp-server.conf <==\nallow 10.0.0.0/8\n"
    )
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "warning"
    assert "/etc/chrony/conf.d/10-lab-ntp-server.conf: allow 10.0.0.0/8" in finding.evidence


def test_a_bare_allow_on_a_debian_router_serves_every_client():
    # `allow` without an address opens the server to everybody (chrony.conf(5)); the router
    # keeps time from its own clock (`local stratum 5`, `manual`).
    config = framed(
        "/etc/chrony/chrony.conf", "linux-chrony-conf-debian-router-bare-allow-local.txt"
    )
    finding = sync(ps=text(CHRONYD), ntp_config=config)
    assert finding.severity == "warning" and "/etc/chrony/chrony.conf: allow" in finding.evidence
    assert "server 127.0.0.1 prefer iburst" in finding.evidence
    assert hardware(ps=text(CHRONYD), ntp_config=config)[0].severity == "pass"
