from assessments.checks.mac_binding import LicenseManagers, MacInLicenses
from tests.assessments.parsers.linux.samples import blocks, facts, missing, out, text

ANSYS = blocks("linux-flexlm-license-header-ansys.txt")[0].decode()
LMHOSTID = blocks("linux-lmhostid-outputs-collection.txt")[0].decode()


def nics(mac):
    return text(f"eth0 {mac} 1\nlo 00:00:00:00:00:00 772\n")


def scan(*sections):
    return text("".join(f"==> {name} <==\n{body}\n" for name, body in sections))


def test_a_license_bound_to_a_local_mac_is_a_warning_naming_the_file():
    findings = MacInLicenses().evaluate(
        facts(
            mac_addresses=nics("00:50:56:85:44:06"),
            license_scan=scan(("/opt/ansys/shared_files/licensing/license.dat", ANSYS)),
        )
    )
    (finding,) = findings
    assert (finding.check, finding.severity) == ("mac_binding.license_files", "warning")
    assert "/opt/ansys/shared_files/licensing/license.dat" in finding.title
    assert "SERVER license3.Stanford.EDU 005056854406 27035" in finding.evidence


def test_a_license_for_another_host_is_info():
    (finding,) = MacInLicenses().evaluate(
        facts(mac_addresses=nics("00:1a:2b:3c:4d:5e"), license_scan=scan(("/opt/a.lic", ANSYS)))
    )
    assert finding.severity == "info"


def test_the_flexnet_host_id_equal_to_a_local_mac_is_a_warning():
    (finding,) = MacInLicenses().evaluate(
        facts(mac_addresses=nics("00:12:3f:7c:25:ed"), license_scan=scan(("lmhostid", LMHOSTID)))
    )
    assert finding.severity == "warning"
    assert "FlexNet host ID 00123f7c25ed is a local MAC" in finding.evidence


def test_a_mac_pinned_in_network_configuration_is_info():
    config = ("/etc/sysconfig/network-scripts/ifcfg-eth0", "HWADDR=00:1A:2B:3C:4D:5E")
    (finding,) = MacInLicenses().evaluate(
        facts(mac_addresses=nics("00:1a:2b:3c:4d:5e"), license_scan=scan(config))
    )
    assert finding.severity == "info"
    assert "ifcfg-eth0" in finding.title


def test_it_uses_ip_link_macs_when_sys_was_not_listed():
    (finding,) = MacInLicenses().evaluate(
        facts(
            ip_addr=out("linux-ip-addr-el8-label-srv.txt"),
            license_scan=scan(("/opt/app/app.lic", "HOST srv e4115bed360c 5053")),
        )
    )
    assert finding.severity == "warning"


def test_nothing_found_passes_and_names_vm_macs():
    (finding,) = MacInLicenses().evaluate(
        facts(mac_addresses=nics("00:50:56:8b:70:b7"), license_scan=text(""))
    )
    assert finding.severity == "pass"
    assert "VMware" in finding.title


def test_without_the_scan_it_is_unknown():
    (finding,) = MacInLicenses().evaluate(facts(mac_addresses=nics("00:50:56:8b:70:b7")))
    assert finding.severity == "unknown"


def test_a_running_flexlm_server_is_a_warning():
    ps = text("USER PID COMMAND\nflexlm 900 /opt/flexlm/lmgrd -c /opt/flexlm/license.dat\n")
    (finding,) = LicenseManagers().evaluate(facts(ps=ps))
    assert (finding.check, finding.severity) == ("mac_binding.license_managers", "warning")
    assert "FlexLM" in finding.title


def test_no_license_manager_passes():
    (finding,) = LicenseManagers().evaluate(facts(ps=text("USER PID COMMAND\nroot 1 init\n")))
    assert finding.severity == "pass"


def test_license_managers_without_ps_is_unknown():
    (finding,) = LicenseManagers().evaluate(facts(ps=missing("ps")))
    assert finding.severity == "unknown"


IFCFG = blocks("linux-ifcfg-hwaddr-uuid-insights.txt")[0].decode()
PERSISTENT_NET = blocks("linux-udev-70-persistent-net-rules-centos6.txt")[0].decode()


def test_hwaddr_in_the_rhel_networking_copies_of_ifcfg_is_network_config_not_a_licence():
    # system-config-network keeps hard links of ifcfg-eth0 under /etc/sysconfig/networking/
    # (devices/ and profiles/default/): the same HWADDR= line, no licence.
    findings = MacInLicenses().evaluate(
        facts(
            mac_addresses=nics("00:50:56:89:0b:b0"),
            license_scan=scan(
                ("/etc/sysconfig/network-scripts/ifcfg-eth0", "HWADDR=00:50:56:89:0B:B0"),
                ("/etc/sysconfig/networking/devices/ifcfg-eth0", "HWADDR=00:50:56:89:0B:B0"),
                (
                    "/etc/sysconfig/networking/profiles/default/ifcfg-eth0",
                    next(line for line in IFCFG.splitlines() if line.startswith("HWADDR")),
                ),
            ),
        )
    )
    assert [f.severity for f in findings] == ["info"]
    assert "/etc/sysconfig/networking/devices/ifcfg-eth0" in findings[0].title


def test_persistent_net_rules_pinning_the_macs_are_info():
    rules = "\n".join(line for line in PERSISTENT_NET.splitlines() if "00:0c:29:7f:cf:a4" in line)
    (finding,) = MacInLicenses().evaluate(
        facts(
            mac_addresses=nics("00:0c:29:7f:cf:a4"),
            license_scan=scan(("/etc/udev/rules.d/70-persistent-net.rules", rules)),
        )
    )
    assert finding.severity == "info" and 'NAME="eth0"' in finding.evidence
