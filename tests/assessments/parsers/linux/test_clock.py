from assessments.parsers.linux.clock import parse_ntp_config
from tests.assessments.parsers.linux.samples import out, text
from tests.conftest import sample_bytes

NTP_CONF = """\
==> /etc/ntp.conf <==
driftfile /var/lib/ntp/drift
restrict default kod nomodify notrap nopeer noquery
restrict -6 default kod nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict -6 ::1
restrict 192.168.1.0 mask 255.255.255.0 nomodify notrap
#restrict 10.0.0.0 mask 255.0.0.0 nomodify notrap
restrict 172.16.0.0 mask 255.240.0.0 ignore
server 0.rhel.pool.ntp.org iburst
server 127.127.1.0	# local clock
fudge	127.127.1.0 stratum 10
server 127.127.20.0 mode 17 minpoll 4  # NMEA GPS
"""
CHRONY = """\
==> /etc/chrony.conf <==
pool 2.pool.ntp.org iburst
! a comment
; another
refclock PHC /dev/ptp0 poll 0 dpoll -2 offset 0
allow 10.0.0.0/8
"""


def test_it_reads_ntpd_sources_servers_and_reference_clocks():
    config = parse_ntp_config(text(NTP_CONF))
    assert [d.line for d in config.sources("ntpd")] == ["server 0.rhel.pool.ntp.org iburst"]
    assert [d.line for d in config.serving("ntpd")] == [
        "restrict 192.168.1.0 mask 255.255.255.0 nomodify notrap"
    ]
    assert [d.words[1] for d in config.reference_clocks("ntpd")] == ["127.127.20.0"]


def test_the_default_restrictions_do_not_make_a_server():
    config = parse_ntp_config(
        text("==> /etc/ntp.conf <==\nrestrict default nomodify notrap\nserver a.example\n")
    )
    assert config.serving("ntpd") == []


def test_it_reads_chrony_allow_and_refclock():
    config = parse_ntp_config(text(CHRONY))
    assert config.files == ["/etc/chrony.conf"]
    assert [d.keyword for d in config.of("chronyd")] == ["pool", "refclock", "allow"]
    assert [d.keyword for d in config.serving("chronyd")] == ["allow"]
    assert [d.keyword for d in config.reference_clocks("chronyd")] == ["refclock"]
    assert config.of("ntpd") == []


def test_openntpd_listening_serves_time():
    config = parse_ntp_config(
        text("==> /etc/openntpd/ntpd.conf <==\nlisten on *\nservers pool.ntp.org\n")
    )
    assert [d.line for d in config.serving("ntpd")] == ["listen on *"]
    assert len(config.sources("ntpd")) == 1


def test_no_configuration_file_is_empty():
    assert parse_ntp_config(text("")).files == []


# -- real outputs (tests/samples/SOURCES.md), under the header the probe prints ---------------


def framed(path: str, sample: str):
    return text(f"==> {path} <==\n" + out(sample).stdout.decode())


def test_a_stock_centos7_chrony_conf_is_a_client_with_commented_allow():
    config = parse_ntp_config(framed("/etc/chrony.conf", "linux-chrony-conf-centos7-client.txt"))
    assert [d.words[1] for d in config.sources("chronyd")] == [
        "ntp.nict.jp",
        "ntp.jst.mfeed.ad.jp",
        "ntp.ring.gr.jp",
    ]
    assert config.serving("chronyd") == [] and config.reference_clocks("chronyd") == []


def test_an_ntp_conf_with_gps_and_pps_drivers_serves_its_lan():
    config = parse_ntp_config(framed("/etc/ntp.conf", "linux-ntp-conf-gps-pps-refclock.txt"))
    assert [d.words[1] for d in config.reference_clocks("ntpd")] == ["127.127.20.0", "127.127.22.0"]
    assert [d.line for d in config.sources("ntpd")] == ["server pool.ntp.org iburst"]
    assert [d.line for d in config.serving("ntpd")] == ["restrict 192.168.0.0 mask 255.255.255.0"]


def test_restrict_default_and_loopback_lines_serve_nobody():
    config = parse_ntp_config(framed("/etc/ntp.conf", "linux-ntp-conf-centos-client.txt"))
    assert len(config.sources("ntpd")) == 6
    assert config.serving("ntpd") == [] and config.reference_clocks("ntpd") == []


def test_a_real_head_node_chrony_conf_serves_its_cluster_from_its_own_clock():
    config = parse_ntp_config(
        framed("/etc/chrony.conf", "linux-chrony-conf-hpc-head-node-server.txt")
    )
    assert [d.words for d in config.serving("chronyd")] == [("allow", "10.150.0.0/16")]
    assert [d.words[1] for d in config.sources("chronyd")] == [
        "ntp1.tue.nl",
        "ntp2.tue.nl",
        "10.150.255.253",
    ]
    assert config.reference_clocks("chronyd") == []


def test_a_single_host_restrict_for_a_source_is_not_an_opening():
    config = parse_ntp_config(
        text(
            "==> /etc/ntp.conf <==\n"
            + sample_bytes("linux-ntp-conf-2007-lan-server-local-clock.txt").decode()
        )
    )
    assert [d.line for d in config.serving("ntpd")] == [
        "restrict 192.168.0.0 mask 255.255.255.0 nomodify notrap"
    ]
