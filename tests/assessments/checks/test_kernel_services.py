from assessments.checks.kernel_services import Drbd, Ipvs, IscsiTarget, NfsClient, NfsServer
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts, missing, out, severities, text

SWIFT = "linux-proc-mounts-ubuntu1004-swift.txt"  # an Ubuntu 10.04 VM with nfsd mounted
RHEL7 = "linux-proc-mounts-rhel7-xfs-noquota.txt"  # nfsd mounted from "sunrpc"
EXPORTS = text("/srv/swift 10.0.0.0/24(rw,sync,no_subtree_check)\n")
EXPORTFS = text("/srv/swift    \t10.0.0.0/24(rw,wdelay,root_squash,no_subtree_check)\n")
NO_FILE = text("", rc=1, stderr="cat: /proc/drbd: No such file or directory\n")
PLAIN_MOUNTS = text("/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n")
VZ7 = Destination("node", "linux", platform="vz7")


def nfs_server(destination=None, **probes):
    (finding,) = NfsServer().evaluate(facts(destination, **probes))
    return finding


def test_an_nfs_server_exporting_data_is_a_blocker_on_the_strictest_platform():
    finding = nfs_server(proc_mounts=out(SWIFT), exports=EXPORTS, exportfs=EXPORTFS)
    assert (finding.check, finding.severity) == ("kernel_services.nfs_server", "blocker")
    assert finding.title.endswith(": /srv/swift")
    assert "mounted: nfsd /proc/fs/nfsd nfsd" in finding.evidence
    assert "judged against the strictest" in finding.evidence


def test_an_nfs_server_needs_the_nfsd_feature_on_virtuozzo_7():
    finding = nfs_server(VZ7, proc_mounts=out(SWIFT), exports=EXPORTS, exportfs=missing("exportfs"))
    assert finding.severity == "warning" and "nfsd container feature" in finding.title


def test_configured_exports_without_a_running_server_are_a_warning():
    finding = nfs_server(proc_mounts=PLAIN_MOUNTS, exports=EXPORTS, exportfs=missing("exportfs"))
    assert finding.severity == "warning" and "does not seem to run" in finding.title


def test_nfsd_loaded_without_exports_is_info():
    finding = nfs_server(proc_mounts=out(RHEL7), exports=text(""), exportfs=text(""))
    assert finding.severity == "info"


def test_no_exports_and_no_nfsd_pass():
    assert (
        nfs_server(proc_mounts=PLAIN_MOUNTS, exports=text(""), exportfs=text("")).severity == "pass"
    )


def test_exportfs_denied_without_other_proof_is_unknown():
    denied = text(
        "", rc=1, stderr="exportfs: could not open /var/lib/nfs/etab: Permission denied\n"
    )
    finding = nfs_server(proc_mounts=PLAIN_MOUNTS, exports=text(""), exportfs=denied)
    assert finding.severity == "unknown"


def test_nfs_client_mounts_need_the_nfs_feature():
    mounts = text("/dev/sda1 / ext4 rw 0 0\nfiler:/home /home nfs4 rw,relatime,vers=4.0 0 0\n")
    (finding,) = NfsClient().evaluate(facts(proc_mounts=mounts))
    assert (finding.check, finding.severity) == ("kernel_services.nfs_client", "warning")
    assert "/home" in finding.title


def test_rpc_pipefs_alone_is_no_nfs_client():
    (finding,) = NfsClient().evaluate(facts(proc_mounts=out(SWIFT)))
    assert finding.severity == "pass"


IP_VS_HEADER = """\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
"""


def test_ipvs_virtual_services_are_a_blocker():
    (finding,) = Ipvs().evaluate(facts(ip_vs=text(IP_VS_HEADER + "TCP  0A000064:0050 wlc\n")))
    assert (finding.check, finding.severity) == ("kernel_services.ipvs", "blocker")
    assert "TCP 10.0.0.100:80" in finding.title


def test_ipvs_loaded_with_an_empty_table_is_info_and_not_loaded_passes():
    assert severities(Ipvs().evaluate(facts(ip_vs=text(IP_VS_HEADER)))) == ["info"]
    absent = text("", rc=1, stderr="cat: /proc/net/ip_vs: No such file or directory\n")
    assert severities(Ipvs().evaluate(facts(ip_vs=absent))) == ["pass"]


def test_drbd_resources_are_a_blocker():
    drbd = text(
        "version: 8.3.13 (api:88/proto:86-96)\n"
        " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r----\n"
    )
    (finding,) = Drbd().evaluate(facts(proc_drbd=drbd))
    assert (finding.check, finding.severity) == ("kernel_services.drbd", "blocker")
    assert "1 resource:" in finding.title


def test_drbd_9_is_a_warning_as_its_resources_are_not_listed():
    drbd = text("version: 9.2.4 (api:2/proto:86-122)\nTransports (api:18): tcp (9.2.4)\n")
    assert severities(Drbd().evaluate(facts(proc_drbd=drbd))) == ["warning"]


def test_no_drbd_passes_and_an_older_capture_is_unknown():
    assert severities(Drbd().evaluate(facts(proc_drbd=NO_FILE))) == ["pass"]
    assert severities(Drbd().evaluate(facts())) == ["unknown"]


PS = "USER PID COMMAND\nroot 1 /sbin/init\n"


def test_an_iscsi_target_daemon_or_lio_modules_are_a_blocker():
    ps = text(PS + "root 812 /usr/sbin/tgtd -f\n")
    (finding,) = IscsiTarget().evaluate(facts(ps=ps, proc_modules=out("linux-proc-modules-jc.txt")))
    assert (finding.check, finding.severity) == ("kernel_services.iscsi_target", "blocker")
    lio = text(
        "iscsi_target_mod 302080 1 - Live 0xffffffffc0900000\n"
        "target_core_mod 380928 2 iscsi_target_mod, Live 0xffffffffc0800000\n"
    )
    (finding,) = IscsiTarget().evaluate(facts(ps=text(PS), proc_modules=lio))
    assert finding.severity == "blocker" and "target_core_mod" in finding.title


def test_no_target_passes():
    (finding,) = IscsiTarget().evaluate(
        facts(ps=text(PS), proc_modules=out("linux-lsmod-centos7.txt"))
    )
    assert finding.severity == "pass"


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------

DRBD = "linux-proc-drbd-collection.txt"


def test_real_drbd_84_and_80_resources_are_a_blocker():
    (v84,) = Drbd().evaluate(facts(proc_drbd=out(DRBD, 0)))
    assert v84.severity == "blocker" and v84.title.endswith("minor 1 (Connected)")
    (v80,) = Drbd().evaluate(facts(proc_drbd=out(DRBD, 1)))
    assert v80.severity == "blocker" and "2 resources" in v80.title
    assert "version: 8.0.14" in v80.evidence


def test_a_real_drbd_9_file_is_a_warning():
    (finding,) = Drbd().evaluate(facts(proc_drbd=out(DRBD, 2)))
    assert finding.severity == "warning" and "DRBD 9.0.14-1 is loaded" in finding.title


def test_node_exporters_ip_vs_table_is_a_blocker_naming_its_services():
    (finding,) = Ipvs().evaluate(facts(ip_vs=out("linux-proc-net-ip-vs-node-exporter.txt")))
    assert finding.severity == "blocker" and "4 virtual services" in finding.title
    assert "TCP 192.168.0.22:3306" in finding.title and "FWM mark 0x10001000" in finding.title


def test_a_real_exportfs_listing_with_nfsd_mounted_is_a_blocker():
    exports = text("/home/guests\t192.168.245.0/24(rw,sync)\n")
    finding = nfs_server(
        proc_mounts=out(RHEL7), exports=exports, exportfs=out("linux-exportfs-v-collection.txt", 1)
    )
    assert finding.severity == "blocker" and finding.title.endswith(": /home/guests")
    assert "exported: /home/guests 192.168.245.0/24(rw,wdelay" in finding.evidence


DRBD_83 = "linux-proc-drbd-83-collection.txt"


def test_real_drbd_83_resources_are_a_blocker():
    for block, count in ((0, "minor 0 (Connected)"), (1, "2 resources"), (3, "SyncSource")):
        (finding,) = Drbd().evaluate(facts(proc_drbd=out(DRBD_83, block)))
        assert finding.severity == "blocker" and count in finding.title


def test_a_real_drbd_07_file_without_a_version_line_is_a_blocker():
    (finding,) = Drbd().evaluate(facts(proc_drbd=out(DRBD_83, 4)))
    assert finding.severity == "blocker" and "version: not shown" in finding.evidence


def test_real_ipv6_ipvs_services_are_a_blocker_naming_address_and_decimal_port():
    (finding,) = Ipvs().evaluate(facts(ip_vs=out("linux-proc-net-ip-vs-ipv6-tunnel.txt")))
    assert finding.severity == "blocker" and "5 virtual services" in finding.title
    assert "TCP [2a02:6b8:0:3400:ffff::4c9]:80" in finding.title


def test_real_ipvsadm_listings_follow_the_ruling():
    def judged_ipvs(block):
        return severities(
            Ipvs().evaluate(facts(ip_vs=out("linux-ipvsadm-ln-collection.txt", block)))
        )

    assert judged_ipvs(0) == ["info"]  # loaded, empty table
    assert [judged_ipvs(b) for b in (1, 2, 3)] == [["blocker"]] * 3


def test_real_exportfs_listings_are_an_nfs_server_by_the_strictest_platform():
    finding = nfs_server(
        proc_mounts=out(RHEL7),
        exports=text(""),
        exportfs=out("linux-exportfs-v-next-line-netgroup-collection.txt", 0),
    )
    assert finding.severity == "blocker"
    assert finding.title.endswith(": /srv/exports/data-01, /srv/exports/data-02")
    vz7 = nfs_server(
        VZ7,
        proc_mounts=out(RHEL7),
        exports=text(""),
        exportfs=out("linux-exportfs-v-next-line-netgroup-collection.txt", 1),
    )
    assert vz7.severity == "warning" and vz7.title.endswith(": /srv/nfs/public")


def test_real_split_brain_drbd_resources_are_still_a_blocker():
    for block in (0, 1, 2):
        (finding,) = Drbd().evaluate(
            facts(proc_drbd=out("linux-proc-drbd-84-standalone-collection.txt", block))
        )
        assert (finding.severity, finding.title) == (
            "blocker",
            "DRBD replicates 1 resource: minor 0 (StandAlone)",
        )


def test_lio_modules_rdma_loaded_without_a_configured_target_are_a_warning():
    # RHEL's rdma-core loads ib_isert / ib_srpt, which pull in the LIO core: each module's
    # count is its listed users, so nothing (no configfs object) holds them
    (finding,) = IscsiTarget().evaluate(
        facts(ps=text(PS), proc_modules=out("linux-lsmod-grep-rdma-autoloaded-lio.txt"))
    )
    assert finding.severity == "warning"
    assert "no target seems configured" in finding.title
    assert "module: target_core_mod      1069056  3 iscsi_target_mod,ib_srpt,ib_isert" in (
        finding.evidence
    )


def test_lio_modules_held_by_configured_backstores_are_a_blocker():
    # Synology DSM: target_core_mod used 22 times by 9 modules, backstores loaded
    (finding,) = IscsiTarget().evaluate(
        facts(ps=text(PS), proc_modules=out("linux-lsmod-synology-dsm-lio-ipvs-docker.txt"))
    )
    assert finding.severity == "blocker"
    assert "target_core_mod" in finding.title


def test_a_real_debian_exports_file_with_its_stock_comments_and_exportfs_agree():
    sample = "linux-etc-exports-and-exportfs-v-debian-rocky-collection.txt"
    finding = nfs_server(
        VZ7, proc_mounts=out(SWIFT), exports=out(sample, 0), exportfs=out(sample, 1)
    )
    assert (finding.severity, finding.title.split(": ")[-1]) == ("warning", "/srv/web")
    assert "/etc/exports: /srv/web 192.168.200.33(rw,sync,no_subtree_check)" in finding.evidence
    assert "#/export" not in finding.evidence
    rocky = nfs_server(proc_mounts=out(RHEL7), exports=out(sample, 2), exportfs=missing("exportfs"))
    assert (rocky.severity, rocky.title.split(": ")[-1]) == (
        "blocker",
        "/srv/nfs_shares/web.tp6.linux",
    )
