from assessments.facts import Absent
from assessments.parsers.linux.kernel_services import (
    parse_drbd,
    parse_exportfs,
    parse_exports,
    parse_ip_vs,
)
from tests.assessments.parsers.linux.samples import judged, out, text

EXPORTS = """\
# /etc/exports: the access control list for filesystems which may be exported
/srv/nfs4        gss/krb5i(rw,sync,fsid=0,crossmnt,no_subtree_check)
"/srv/with space" 10.0.0.0/8(ro) \\
    backup01(rw,no_root_squash)
   # /srv/old  *(ro)
"""


def test_it_reads_exports_with_quotes_continuations_and_comments():
    exports = parse_exports(text(EXPORTS))
    assert [e.path for e in exports] == ["/srv/nfs4", "/srv/with space"]
    assert "backup01(rw,no_root_squash)" in exports[1].clients


def test_an_empty_exports_file_exports_nothing():
    assert parse_exports(text("")) == []


def test_a_missing_exports_file_is_absent():
    missing = text("", rc=1, stderr="cat: /etc/exports: No such file or directory\n")
    assert isinstance(judged("exports", missing, parse_exports), Absent)


def test_it_reads_exportfs_with_long_paths_on_two_lines():
    listing = parse_exportfs(
        text(
            "/srv/nfs4     \t<world>(rw,wdelay,root_squash,no_subtree_check,sec=sys)\n"
            "/srv/a/very/long/path/to/an/export\n"
            "\t\t10.0.0.0/8(ro,wdelay,root_squash)\n"
        )
    )
    assert [(e.path, e.clients.split("(")[0]) for e in listing.exports] == [
        ("/srv/nfs4", "<world>"),
        ("/srv/a/very/long/path/to/an/export", "10.0.0.0/8"),
    ]


def test_it_marks_an_exportfs_listing_it_cut():
    listing = parse_exportfs(text("/a\t*(ro)\n# p2c: output cut after 5000 lines\n"))
    assert listing.cut and len(listing.exports) == 1


DRBD_84 = """\
version: 8.4.3 (api:1/proto:86-101)
GIT-hash: 89a294209144b68adb3ee85a73221f964d3ee515 build by root@host, 2013-11-29 12:28:00
 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
    ns:0 nr:0 dw:0 dr:656 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
 1: cs:Unconfigured
 2: cs:StandAlone ro:Secondary/Unknown ds:UpToDate/DUnknown   r-----
"""


def test_it_reads_drbd_resources_and_skips_unconfigured_minors():
    drbd = parse_drbd(text(DRBD_84))
    assert drbd.version == "8.4.3" and drbd.lists_resources
    assert [(r.minor, r.state) for r in drbd.resources] == [(0, "Connected"), (2, "StandAlone")]


def test_it_reads_drbd_0_7_role_fields():
    drbd = parse_drbd(
        text(
            "version: 0.7.25 (api:79/proto:74)\n"
            " 0: cs:Connected st:Primary/Secondary ld:Consistent\n"
        )
    )
    assert [r.state for r in drbd.resources] == ["Connected"]


def test_drbd_9_lists_no_resources_in_proc():
    drbd = parse_drbd(
        text("version: 9.2.4 (api:2/proto:86-122)\nTransports (api:18): tcp (9.2.4)\n")
    )
    assert drbd.resources == [] and not drbd.lists_resources


IP_VS = """\
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C0A80001:0050 wlc
  -> C0A80002:0050      Route   1      0          0
FWM  00000001 rr
UDP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0035 rr
"""


def test_it_reads_ipvs_virtual_services_and_decodes_their_addresses():
    table = parse_ip_vs(text(IP_VS))
    assert [(s.protocol, s.address) for s in table.services] == [
        ("TCP", "192.168.0.1:80"),
        ("FWM", "mark 0x00000001"),
        ("UDP", "[2001:db8::1]:53"),
    ]


def test_an_empty_ipvs_table_has_no_service():
    assert parse_ip_vs(text("\n".join(IP_VS.split("\n")[:3]) + "\n")).services == []


# -- real outputs (tests/samples/SOURCES.md) ------------------------------------------------


def test_it_reads_real_drbd_84_80_and_9_files():
    v84, v80, v9 = (parse_drbd(out("linux-proc-drbd-collection.txt", i)) for i in range(3))
    assert (v84.version, [(r.minor, r.state) for r in v84.resources]) == (
        "8.4.3",
        [(1, "Connected")],
    )
    assert (v80.version, [r.minor for r in v80.resources]) == ("8.0.14", [0, 1])
    assert "st:Primary/Secondary" in v80.resources[0].line
    assert (v9.version, v9.resources, v9.lists_resources) == ("9.0.14-1", [], False)


def test_it_reads_node_exporters_ip_vs_with_tunnel_servers_and_a_firewall_mark():
    table = parse_ip_vs(out("linux-proc-net-ip-vs-node-exporter.txt"))
    assert [(s.protocol, s.address, s.scheduler) for s in table.services] == [
        ("TCP", "192.168.0.22:3306", "wlc"),
        ("TCP", "192.168.0.57:3306", "wlc"),
        ("TCP", "192.168.0.55:3306", "wlc"),
        ("FWM", "mark 0x10001000", "wlc"),
    ]


def test_it_reads_exportfs_v_with_world_tabs_and_padded_paths():
    exported = [parse_exportfs(out("linux-exportfs-v-collection.txt", i)).exports for i in range(3)]
    assert [(e.path, e.clients.split("(")[0]) for found in exported for e in found] == [
        ("/nfs", "<world>"),
        ("/home/guests", "192.168.245.0/24"),
        ("/data/test", "172.16.0.30"),
    ]


DRBD_83 = "linux-proc-drbd-83-collection.txt"


def test_it_reads_real_drbd_83_files_with_srcversion_git_hash_and_sync_lines():
    read = [parse_drbd(out(DRBD_83, i)) for i in range(4)]
    assert [d.version for d in read] == ["8.3.7", "8.3.7", "8.3.8", "8.3.11"]
    assert [[(r.minor, r.state) for r in d.resources] for d in read] == [
        [(0, "Connected")],
        [(0, "Connected"), (1, "Connected")],
        [(0, "SyncSource")],
        [(0, "SyncSource")],
    ]
    assert all(d.lists_resources for d in read)


def test_a_real_drbd_07_file_has_no_version_line_and_an_unconfigured_minor():
    drbd = parse_drbd(out(DRBD_83, 4))
    assert drbd.version == "" and drbd.lists_resources
    assert [(r.minor, r.state) for r in drbd.resources] == [(0, "Connected")]


def test_it_reads_real_ipv6_virtual_services_with_their_ports_in_decimal():
    table = parse_ip_vs(out("linux-proc-net-ip-vs-ipv6-tunnel.txt"))
    assert [(s.protocol, s.address, s.scheduler) for s in table.services] == [
        ("TCP", "[2a02:6b8:0:3400:ffff::4c9]:80", "wrr"),
        ("TCP", "[2a02:6b8::144]:443", "wrr"),
        ("UDP", "141.8.146.123:553", "wrr"),
        ("TCP", "93.158.134.37:110", "wrr"),
        ("TCP", "178.154.170.241:443", "wrr"),
    ]


def test_it_reads_ipvsadm_listings_with_names_persistence_and_decimal_marks():
    # `ipvsadm -Ln` prints what /proc/net/ip_vs holds, with dotted addresses and decimal marks
    assert parse_ip_vs(out("linux-ipvsadm-ln-collection.txt", 0)).services == []
    (keepalived,) = parse_ip_vs(out("linux-ipvsadm-ln-collection.txt", 1)).services
    assert (keepalived.address, keepalived.scheduler) == ("10.232.132.244:80", "wrr")
    (named,) = parse_ip_vs(out("linux-ipvsadm-ln-collection.txt", 2)).services
    assert named.address == "192.168.60.200:http"  # IPVS 1.2.0 without -n
    (mark,) = parse_ip_vs(out("linux-ipvsadm-ln-collection.txt", 3)).services
    assert (mark.protocol, mark.address) == ("FWM", "mark 258")


def test_it_reads_exportfs_clients_on_the_next_line_with_netgroups_and_wildcards():
    exports = parse_exportfs(out("linux-exportfs-v-next-line-netgroup-collection.txt", 0)).exports
    assert [(e.path, e.clients.split("(")[0]) for e in exports] == [
        ("/srv/exports/data-01", "node1"),
        ("/srv/exports/data-02", "node1"),
        ("/srv/exports/data-01", "@netgroup"),
        ("/srv/exports/data-02", "@netgroup"),
    ]
    (public,) = parse_exportfs(out("linux-exportfs-v-next-line-netgroup-collection.txt", 1)).exports
    assert (public.path, public.clients[:5]) == ("/srv/nfs/public", "*(rw,")


def test_it_reads_drbd_84_standalone_minors_with_a_wrapped_git_hash_and_no_indent():
    for block in (0, 1, 2):
        drbd = parse_drbd(out("linux-proc-drbd-84-standalone-collection.txt", block))
        assert drbd.version.startswith("8.4.")
        assert [(r.minor, r.state) for r in drbd.resources] == [(0, "StandAlone")], block
