"""Simulated hosts' answers: one capture (probe id -> raw output) per kind of server.

Every profile is built from the real public samples copied into `assessments/lab/data/`
(provenance in `data/SOURCES.md`). Where no sample exists (a `uname -a`, a FAT32 volume, a
Windows 2003 `wmic os`), a small synthetic file fills the gap; those files are named
`synthetic-*` and listed as such in SOURCES.md. Multi-block samples (several outputs joined by
`---- ... ----` marker lines) are split and one block is used.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from assessments.facts import ProbeOutput

DATA = Path(__file__).parent / "data"
_MARKER = re.compile(rb"^---- .* ----\r?\n", re.MULTILINE)


@cache
def data(name: str) -> bytes:
    """The bytes of one capture file of `data/`."""
    return (DATA / name).read_bytes()


def block(name: str, index: int) -> bytes:
    """One block of a multi-block sample (blocks are separated by `---- ... ----` lines)."""
    parts = [part for part in _MARKER.split(data(name)) if part.strip()]
    return parts[index]


def ok(stdout: bytes, stderr: bytes = b"") -> ProbeOutput:
    return ProbeOutput(stdout=stdout, stderr=stderr, rc=0)


def not_found(command: str) -> ProbeOutput:
    """What dash prints when a tool is not installed."""
    return ProbeOutput(stdout=b"", stderr=f"sh: 1: {command}: not found\n".encode(), rc=127)


def no_file(path: str) -> ProbeOutput:
    """What cat prints for a file that does not exist (exit status 1)."""
    return ProbeOutput(b"", f"cat: {path}: No such file or directory\n".encode(), 1)


def mountinfo_from_mounts(mounts: bytes) -> bytes:
    """A synthetic /proc/self/mountinfo consistent with a real /proc/mounts sample.

    No sample pairs mountinfo with mounts of the same host; checks that read both must not see
    two different machines, so the lab derives one from the other (ids and device numbers are
    made up; fields follow proc(5)).
    """
    lines = []
    for index, line in enumerate(mounts.splitlines()):
        fields = line.split()
        if len(fields) < 4 or fields[0] == b"rootfs":
            continue
        source, target, fstype, options = fields[:4]
        mount_id = 20 + index
        parent = 1 if target == b"/" else 21
        lines.append(
            b"%d %d 0:%d / %s %s shared:%d - %s %s %s"
            % (mount_id, parent, mount_id, target, options, index + 1, fstype, source, options)
        )
    return b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class Profile:
    """One kind of simulated server: its probes' raw outputs, OS family and hostname."""

    name: str
    os_family: str  # "linux" | "windows"
    hostname: str
    probes: Mapping[str, ProbeOutput]
    description: str = ""
    tags: tuple[str, ...] = field(default=())

    def for_host(self, hostname: str) -> dict[str, ProbeOutput]:
        """The probes as a host named `hostname` answers them (its own name where one shows)."""
        probes = dict(self.probes)
        if self.os_family == "linux":
            old, new = self.hostname.encode(), hostname.encode()
            _rewrite(probes, "uname", lambda text: text.replace(old, new))
            probes.setdefault("hostname", ok(new + b"\n"))
        else:
            # NetBIOS names: upper case, at most 15 characters.
            name = hostname.upper().encode()[:15]
            _rewrite(probes, "env", lambda text: _COMPUTERNAME.sub(b"COMPUTERNAME=" + name, text))
            _rewrite(probes, "systeminfo", lambda text: _HOST_NAME.sub(rb"\g<1>" + name, text))
        return probes


_COMPUTERNAME = re.compile(rb"(?m)^COMPUTERNAME=[^\r\n]*")
_HOST_NAME = re.compile(rb"(?m)^(Host Name: +)[^\r\n]*")


def _rewrite(
    probes: dict[str, ProbeOutput], probe_id: str, change: Callable[[bytes], bytes]
) -> None:
    out = probes.get(probe_id)
    if out is not None:
        probes[probe_id] = ProbeOutput(change(out.stdout), out.stderr, out.rc, out.truncated)


def missing_reg_key() -> ProbeOutput:
    """reg.exe for a key that does not exist (no policy configured): exit status 1."""
    return ProbeOutput(b"", data("synthetic-windows-reg-not-found.txt"), 1)


def _linux_base() -> dict[str, ProbeOutput]:
    """A clean RHEL 7 server: one file system, one IPv4 address, SELinux disabled."""
    mounts = data("linux-proc-mounts-selinuxfs.txt")
    return {
        "proc_mounts": ok(mounts),
        "mountinfo": ok(mountinfo_from_mounts(mounts)),
        "fstab": ok(data("synthetic-linux-fstab-one-fs.txt")),
        "df": ok(data("synthetic-linux-df-one-fs.txt")),
        "df_inodes": ok(data("synthetic-linux-df-inodes-one-fs.txt")),
        "ip_addr": ok(data("linux-ip-addr-glpi3-no-state-rhel5.txt")),
        "ifconfig": not_found("ifconfig"),
        "mac_addresses": ok(data("synthetic-linux-mac-addresses-rhel5.txt")),
        "sestatus": ok(data("synthetic-linux-sestatus-disabled.txt")),
        "getenforce": ok(b"Disabled\n"),  # synthetic: getenforce prints one word
        "selinux_enforce": ok(b""),  # no /sys/fs/selinux/enforce when disabled
        "selinux_config": ok(data("synthetic-linux-selinux-config-disabled.txt")),
        "quotaon": ok(block("linux-quotaon-ap-ubuntu-on-off.txt", 1)),
        "raw": ok(b""),  # raw -qa with nothing bound prints nothing
        "rawdevices_config": ok(b""),
        "oracleasm": ok(b""),
        "getfattr": ok(data("synthetic-linux-getfattr-clean.txt")),
        "license_scan": ok(b""),
        "ps": ok(data("synthetic-linux-ps-plain.txt")),
        "rsync": ok(data("synthetic-linux-rsync-version.txt")),
        "os_release": ok(data("linux-distfiles-rhel77.txt")),
        "uname": ok(data("synthetic-linux-uname-el7.txt").replace(b"lab-el7", b"lab-linux")),
        "virt_markers": ok(b""),  # an ordinary server: none of the marker paths exists
        # -- beyond the document (B6-B11): a clean VMware-hosted RHEL 7 ----------------------
        "lsusb": ok(data("linux-lsusb-centos7-vmware.txt")),
        "lspci": ok(data("synthetic-linux-lspci-k-server-no-hba.txt")),
        "tty_serial": ok(block("linux-proc-tty-driver-serial-collection.txt", 0)),
        "proc_swaps": ok(data("linux-proc-swaps-jc.txt")),
        "meminfo": ok(data("linux-proc-meminfo-jc.txt")),
        "sysctl_conf": ok(data("synthetic-linux-sysctl-conf-rhel7-stock.txt")),
        "apparmor": not_found("aa-status"),
        "auditctl": ok(block("linux-auditctl-l-collection.txt", 0)),
        "ip_link": ok(data("synthetic-linux-ip-link-rhel5.txt")),
        "ip_xfrm": ok(b""),  # no security association
        "dmi_ids": ok(data("synthetic-linux-dmi-ids-vmware.txt")),
        **_linux_base_beyond(),
    }


def _linux_base_beyond() -> dict[str, ProbeOutput]:
    """The clean server's answers to the B1-B5 probes: in-tree modules, no custom kernel
    setting, no kernel service, LVM root only, no firewall rule, ntpd as a client."""
    return {
        "proc_modules": ok(data("synthetic-linux-proc-modules-el7.txt")),
        "kernel_tainted": ok(b"0\n"),
        "proc_cmdline": ok(data("synthetic-linux-proc-cmdline-el7.txt")),
        "modules_config": ok(data("synthetic-linux-modules-config-el7.txt")),
        "exports": ok(b""),  # RHEL's setup package ships an empty /etc/exports
        "exportfs": not_found("exportfs"),
        "proc_drbd": no_file("/proc/drbd"),
        "ip_vs": no_file("/proc/net/ip_vs"),
        "mdstat": no_file("/proc/mdstat"),
        "dmsetup": ok(data("synthetic-linux-dmsetup-ls-el7.txt")),
        "lvs": ok(data("synthetic-linux-lvs-el7.txt")),
        "multipath": not_found("multipath"),
        "iptables_save": ok(b""),  # no table module loaded: nothing listed
        "ip6tables_save": ok(b""),
        "nft_ruleset": not_found("nft"),
        "ntp_config": ok(data("synthetic-linux-ntp-conf-el6.txt")),
    }


def _linux(name: str, description: str, **overrides: ProbeOutput) -> Profile:
    probes = _linux_base()
    probes.update(overrides)
    return Profile(name, "linux", "lab-linux", probes, description)


def _mounts(name: str) -> dict[str, ProbeOutput]:
    mounts = data(name)
    return {"proc_mounts": ok(mounts), "mountinfo": ok(mountinfo_from_mounts(mounts))}


def _linux_profiles() -> list[Profile]:
    el5 = data("synthetic-linux-uname-el5.txt").replace(b"lab-el5", b"lab-linux")
    el6 = data("synthetic-linux-uname-el6.txt").replace(b"lab-el6", b"lab-linux")
    return [
        _linux("linux_clean", "RHEL 7, one file system, one IPv4 address, SELinux disabled"),
        _linux(
            "linux_selinux",
            "RHEL 7 with SELinux enforcing and labelled files",
            **_mounts("linux-proc-mounts-rhel7-xfs-noquota.txt"),
            df=ok(data("linux-df-centos7.txt")),
            sestatus=ok(data("synthetic-linux-sestatus-enforcing.txt")),
            getenforce=ok(b"Enforcing\n"),
            selinux_enforce=ok(b"1\n"),
            selinux_config=ok(data("synthetic-linux-selinux-config-enforcing.txt")),
            getfattr=ok(block("linux-getfattr-selinux-auditlog.txt", 0)),
        ),
        _linux(
            "linux_raw_devices",
            "RHEL 5 database server with raw devices bound",
            raw=ok(block("linux-raw-qa-spaces-and-rawdevices-rhel5.txt", 2)),
            rawdevices_config=ok(data("synthetic-linux-rawdevices-config-rhel5.txt")),
            os_release=ok(data("linux-distfiles-centos67.txt")),
            uname=ok(el5),
            ifconfig=ok(data("linux-ifconfig-a-centos55.txt")),
        ),
        _linux(
            "linux_multi_ip",
            "EL8 server with an alias label, macvlan and docker0 addresses",
            ip_addr=ok(data("linux-ip-addr-el8-label-srv.txt")),
        ),
        _linux(
            "linux_vlan_bond",
            "net-tools host with aliases, VLANs and a bond (no iproute2)",
            ip_addr=not_found("ip"),
            ifconfig=ok(data("linux-ifconfig-a-aliases-vlan-venet-ohai.txt")),
            uname=ok(el6),
        ),
        _linux(
            "linux_quotas",
            "Debian 6 with md RAID + LVM and quotas on several partitions",
            **_mounts("linux-proc-mounts-debian6-rootfs-md-lvm.txt"),
            df=ok(data("linux-df-P-debian6-lvm.txt")),
            fstab=ok(data("synthetic-linux-fstab-quotas.txt")),
            quotaon=ok(data("synthetic-linux-quotaon-several-partitions.txt")),
            os_release=ok(data("linux-distfiles-debian79.txt")),
        ),
        _linux(
            "linux_xattrs",
            "Host with POSIX ACLs, IMA and SELinux extended attributes",
            getfattr=ok(
                data("linux-getfattr-posix-acl-journal-ubuntu.txt")
                + b"\n"
                + data("linux-getfattr-ima-selinux-sbin-init.txt")
            ),
        ),
        _linux(
            "linux_flexlm",
            "License server whose FlexLM licence is bound to a MAC address",
            mac_addresses=ok(data("synthetic-linux-mac-addresses-flexlm.txt")),
            license_scan=ok(data("synthetic-linux-license-scan-flexlm.txt")),
            ps=ok(data("synthetic-linux-ps-flexlm.txt")),
            uname=ok(el6),
            os_release=ok(data("linux-distfiles-centos67.txt")),
        ),
        _linux(
            "linux_openvz_ct",
            "OpenVZ container (simfs root with quotas, venet0): a CT-to-CT migration",
            **_mounts("synthetic-linux-proc-mounts-openvz-simfs.txt"),
            df=ok(data("synthetic-linux-df-openvz-simfs.txt")),
            ip_addr=not_found("ip"),
            ifconfig=ok(data("linux-ifconfig-openvz-container-venet0.txt")),
            virt_markers=ok(data("synthetic-linux-virt-markers-openvz-ct.txt")),
            uname=ok(el6),
        ),
        _linux(
            "linux_openvz_node",
            "OpenVZ hardware node hosting containers (venet0 without addresses)",
            ip_addr=not_found("ip"),
            ifconfig=ok(data("linux-ifconfig-a-aliases-vlan-venet-ohai.txt")),
            virt_markers=ok(data("synthetic-linux-virt-markers-openvz-node.txt")),
            uname=ok(el6),
        ),
        *_linux_profiles_beyond(),
    ]


def _linux_profiles_beyond() -> list[Profile]:
    """Servers that hit the restrictions beyond the document B1-B5 (kernel, kernel services,
    block devices, netfilter, clock)."""
    el8 = data("synthetic-linux-uname-el8.txt").replace(b"lab-el8", b"lab-linux")
    ubuntu = data("synthetic-linux-uname-ubuntu1004.txt").replace(b"lab-ubuntu1004", b"lab-linux")
    return [
        _linux(
            "linux_zfs_drbd",
            "RHEL 7 storage server: ZFS pool and DRBD replication (out-of-tree modules)",
            proc_modules=ok(data("synthetic-linux-proc-modules-zfs-drbd.txt")),
            kernel_tainted=ok(b"12289\n"),  # P + O + E
            proc_drbd=ok(data("synthetic-linux-proc-drbd-84-connected.txt")),
        ),
        _linux(
            "linux_nfs_server",
            "Ubuntu 10.04 storage VM exporting file systems with the kernel NFS server",
            **_mounts("linux-proc-mounts-ubuntu1004-swift.txt"),
            os_release=ok(data("linux-distfiles-ubuntu1004.txt")),
            uname=ok(ubuntu),
            exports=ok(data("synthetic-linux-exports-nfs-server.txt")),
            exportfs=ok(data("synthetic-linux-exportfs-v-nfs-server.txt")),
        ),
        _linux(
            "linux_lvm_snapshots",
            "RHEL 7 server whose backups take LVM snapshots",
            lvs=ok(data("synthetic-linux-lvs-snapshot-el7.txt")),
            dmsetup=ok(data("synthetic-linux-dmsetup-ls-snapshot-el7.txt")),
        ),
        _linux(
            "linux_lvs_director",
            "keepalived LVS director: IPVS virtual services and a NAT firewall",
            proc_modules=ok(data("synthetic-linux-proc-modules-el7-netfilter.txt")),
            ip_vs=ok(data("synthetic-linux-ip-vs-director.txt")),
            iptables_save=ok(data("synthetic-linux-iptables-save-nat-gateway.txt")),
            ps=ok(data("synthetic-linux-ps-lvs-director.txt")),
            ntp_config=ok(data("synthetic-linux-chrony-conf-el7.txt")),
        ),
        _linux(
            "linux_nat_gateway",
            "RHEL 7 NAT gateway with a stateful iptables firewall",
            proc_modules=ok(data("synthetic-linux-proc-modules-el7-netfilter.txt")),
            iptables_save=ok(data("synthetic-linux-iptables-save-nat-gateway.txt")),
        ),
        _linux(
            "linux_el8_firewalld",
            "RHEL 8 with firewalld (nftables): too new for a legacy node's kernel",
            os_release=ok(data("synthetic-linux-os-release-rhel8.txt")),
            uname=ok(el8),
            nft_ruleset=ok(data("synthetic-linux-nft-ruleset-firewalld.txt")),
            ps=ok(data("synthetic-linux-ps-chrony-server.txt")),
            ntp_config=ok(data("synthetic-linux-chrony-conf-el7.txt")),
        ),
        _linux(
            "linux_ntp_server",
            "chrony server giving time to its cluster network (an HPC head node's chrony.conf)",
            ps=ok(data("synthetic-linux-ps-chrony-server.txt")),
            ntp_config=ok(
                b"==> /etc/chrony.conf <==\n" + data("linux-chrony-conf-hpc-head-node-server.txt")
            ),
        ),
        _linux(
            "linux_ptp",
            "RHEL 7 host keeping time with PTP (ptp4l, phc2sys)",
            ps=ok(data("synthetic-linux-ps-ptp.txt")),
            ntp_config=ok(b""),
        ),
    ]


def _beyond_document_profiles() -> list[Profile]:
    """Servers that meet the restrictions beyond the document (B6-B11), one class each."""
    el6 = data("synthetic-linux-uname-el6.txt").replace(b"lab-el6", b"lab-linux")
    return [
        _linux(
            "linux_hasp_dongle",
            "1C:Enterprise server whose licence is a HASP dongle on USB",
            lsusb=ok(data("linux-lsusb-hasp-dongle-1c-server.txt")),
        ),
        _linux(
            "linux_db_tuned",
            "Database server with reserved huge pages and tuned vm/net.core/fs settings",
            meminfo=ok(data("linux-proc-meminfo-hugepages-excerpt.txt")),
            sysctl_conf=ok(
                b"==> /etc/sysctl.conf <==\n" + data("linux-sysctl-conf-rhel6-mysql.txt")
            ),
            proc_cmdline=ok(block("linux-proc-cmdline-collection.txt", 0)),
            uname=ok(el6),
            os_release=ok(data("linux-distfiles-centos67.txt")),
        ),
        _linux(
            "linux_apparmor_audit",
            "Ubuntu 12.04 with AppArmor profiles enforced and kernel audit rules",
            apparmor=ok(block("linux-aa-status-collection.txt", 3)),
            auditctl=ok(block("linux-auditctl-l-collection.txt", 1)),
            os_release=ok(data("linux-distfiles-ubuntu1204.txt")),
        ),
        _linux(
            "linux_ipsec_gateway",
            "SLES 11 strongSwan gateway with kernel IPsec security associations",
            ip_xfrm=ok(data("linux-ip-xfrm-state-sles-strongswan.txt")),
            ps=ok(data("synthetic-linux-ps-ipsec-gateway.txt")),
            os_release=ok(data("linux-distfiles-sles113.txt")),
        ),
        _linux(
            "linux_kvm_host",
            "OpenStack compute node: KVM guests, Linux bridges, taps, VXLAN, vfio-pci devices",
            ps=ok(data("synthetic-linux-ps-kvm-host.txt")),
            virt_markers=ok(data("synthetic-linux-virt-markers-kvm-host.txt")),
            ip_link=ok(data("linux-ip-d-link-openstack-compute-linuxbridge.txt")),
            lspci=ok(data("linux-lspci-nnkq-fujitsu-vfio.txt")),
        ),
        _linux(
            "linux_docker_node",
            "CentOS 7 VMware guest running Docker",
            ps=ok(data("linux-ps-user-pid-args-centos7-docker.txt")),
            virt_markers=ok(data("synthetic-linux-virt-markers-docker-node.txt")),
        ),
        _linux(
            "linux_san_hba",
            "Cisco UCS server with QLogic Fibre Channel HBAs (SAN storage)",
            lspci=ok(data("linux-lspci-k-cisco-ucs-qla2xxx.txt")),
        ),
        _linux(
            "linux_uuid_license",
            "Engineering server whose FlexNet licence is bound to the DMI system UUID",
            license_scan=ok(data("synthetic-linux-license-scan-uuid.txt")),
        ),
    ]


def _windows(name: str, description: str, hostname: str, **probes: ProbeOutput) -> Profile:
    return Profile(name, "windows", hostname, probes, description)


def _windows_x64(version: str) -> dict[str, ProbeOutput]:
    """What every 64-bit 2008-generation profile shares."""
    return {
        "env": ok(data("synthetic-windows-set-x64.txt")),
        "wmic_cpu": ok(data("synthetic-windows-wmic-cpu-x64-crcrlf.txt")),
        "wmic_nicconfig": ok(data("synthetic-windows-wmic-nicconfig-one-nic-crcrlf.txt")),
        "reg_product": ok(data(f"synthetic-windows-reg-product-{version}.txt")),
        "reg_product_options": ok(data("synthetic-windows-reg-product-options.txt")),
        "reg_processor_arch": ok(data("synthetic-windows-reg-processor-arch-amd64.txt")),
        "reg_codepage": ok(data("synthetic-windows-reg-codepage-437.txt")),
        "reg_qos_policies": missing_reg_key(),
        "reg_psched": missing_reg_key(),
        "sc_psched": ok(data("synthetic-windows-sc-query-psched-running.txt")),
        "sc_qc_psched": ok(data("synthetic-windows-sc-qc-psched.txt")),
        "ipconfig": ok(data("windows-winrm-ipconfig-all-pywinrm-stream.txt")),
        **_windows_limits_clean("2008"),
    }


def _windows_profiles() -> list[Profile]:
    w2008 = {
        **_windows_x64("2008"),
        "wmic_os": ok(data("synthetic-windows-wmic-os-2008-x64-crcrlf.txt")),
        "ver": ok(data("synthetic-windows-ver-2008.txt")),
    }
    w2008r2 = {
        **_windows_x64("2008r2"),
        "wmic_os": ok(data("windows-wmic-os-list-2008r2-crcrlf.txt")),
        "ver": ok(data("windows-cmd-ver-2008r2.txt")),
        "wmic_logicaldisk": ok(data("synthetic-windows-wmic-logicaldisk-ntfs-crcrlf.txt")),
        "wmic_volume": ok(data("synthetic-windows-wmic-volume-ntfs-crcrlf.txt")),
    }
    return [
        _windows(
            "windows_2003_x86",
            "Windows Server 2003 SP2, 32-bit",
            "GRANNY",
            ver=ok(data("synthetic-windows-ver-2003.txt")),
            wmic_os=ok(data("synthetic-windows-wmic-os-2003-x86-crcrlf.txt")),
            wmic_cpu=ok(data("windows-wmic-cpu-list-2003sp2-utf16le.txt")),
            wmic_logicaldisk=ok(data("synthetic-windows-wmic-logicaldisk-ntfs-crcrlf.txt")),
            wmic_volume=ok(data("synthetic-windows-wmic-volume-ntfs-crcrlf.txt")),
            env=ok(data("synthetic-windows-set-2003-x86.txt")),
            systeminfo=ok(data("windows-systeminfo-2003sp2-x86.txt")),
            ipconfig=ok(data("windows-ipconfig-all-xp.txt")),
            wmic_nicconfig=ok(data("synthetic-windows-wmic-nicconfig-one-nic-crcrlf.txt")),
            sc_psched=ok(data("synthetic-windows-sc-query-psched-running.txt")),
            sc_qc_psched=ok(data("synthetic-windows-sc-qc-psched.txt")),
            reg_product=ok(data("synthetic-windows-reg-product-2003.txt")),
            reg_product_options=ok(data("synthetic-windows-reg-product-options-2003.txt")),
            reg_processor_arch=ok(data("synthetic-windows-reg-processor-arch-2003-x86.txt")),
            reg_codepage=ok(data("synthetic-windows-reg-codepage-2003.txt")),
            reg_qos_policies=missing_reg_key(),
            reg_psched=missing_reg_key(),
            **_windows_limits_clean("2003"),
        ),
        _windows(
            "windows_2008_fat32",
            "Windows Server 2008 SP2 x64 with a FAT32 data volume",
            "LAB-W2008",
            **w2008,
            wmic_logicaldisk=ok(data("synthetic-windows-wmic-logicaldisk-2008-fat32-crcrlf.txt")),
            wmic_volume=ok(data("synthetic-windows-wmic-volume-2008-fat32-crcrlf.txt")),
        ),
        _windows(
            "windows_2008_fr",
            "Windows Server 2008 Enterprise x64, French, with mapped network drives",
            "VMW005777",
            **{**w2008, "reg_codepage": ok(data("synthetic-windows-reg-codepage-850.txt"))},
            wmic_logicaldisk=ok(data("windows-wmic-logicaldisk-list-2008-fr-utf16le.txt")),
            wmic_volume=ok(data("synthetic-windows-wmic-volume-ntfs-crcrlf.txt")),
        ),
        _windows(
            "windows_2008r2_qos",
            "Windows Server 2008 R2 x64 with policy-based QoS (DSCP marking, throttling)",
            "LAB-W2008R2",
            **{
                **w2008r2,
                "reg_qos_policies": ok(data("synthetic-windows-reg-qos-policies.txt")),
                "wmic_volume": ok(data("windows-wmic-volume-list-win7-mountpoint-utf16le.txt")),
            },
        ),
        _windows(
            "windows_2008r2_clean",
            "Windows Server 2008 R2 Standard x64, one NTFS volume",
            "LAB-W2008R2",
            **w2008r2,
        ),
    ]


# -- windows_limits (B12, beyond the document): clean answers, and hosts that show the class --


def _windows_limits_clean(generation: str) -> dict[str, ProbeOutput]:
    """driverquery, sc_services, usb_devices and getmac of a server B12 finds nothing on."""
    old = generation == "2003"
    drivers, getmac = ("2003", "2003") if old else ("2008r2", "2008")
    return {
        "driverquery": ok(data(f"synthetic-windows-driverquery-{drivers}-clean.txt")),
        "sc_services": ok(data(f"synthetic-windows-sc-services-{drivers}-clean.txt")),
        "usb_devices": ok(data("synthetic-windows-wmic-usbhub-root-hubs-crcrlf.txt")),
        "getmac": ok(data(f"synthetic-windows-getmac-{getmac}.txt")),
    }


def _windows_limits_profiles() -> list[Profile]:
    base = {profile.name: dict(profile.probes) for profile in _windows_profiles()}
    return [
        _windows(
            "windows_2003_dc_hasp",
            "Windows Server 2003 domain controller with DHCP Server and a HASP licence dongle",
            "LAB-DC01",
            **{
                **base["windows_2003_x86"],
                "wmic_os": ok(data("synthetic-windows-wmic-os-2003-dc-x86-crcrlf.txt")),
                "reg_product_options": ok(
                    data("synthetic-windows-reg-product-options-2003-dc.txt")
                ),
                "systeminfo": ok(data("synthetic-windows-systeminfo-2003-dc.txt")),
                "driverquery": ok(data("synthetic-windows-driverquery-2003-dc-hasp.txt")),
                "sc_services": ok(data("synthetic-windows-sc-services-2003-dc-hasp.txt")),
                "usb_devices": ok(data("synthetic-windows-wmic-usbhub-hasp-crcrlf.txt")),
            },
        ),
        _windows(
            "windows_2008r2_cluster",
            "Windows Server 2008 R2 failover cluster node",
            "LAB-CLU01",
            **{
                **base["windows_2008r2_clean"],
                "sc_services": ok(data("synthetic-windows-sc-services-2008r2-cluster.txt")),
            },
        ),
        _windows(
            "windows_2008r2_av_backup",
            "Windows Server 2008 R2 VM with Symantec Endpoint Protection, Acronis and a "
            "vendor driver",
            "LAB-APP07",
            **{
                **base["windows_2008r2_clean"],
                "driverquery": ok(data("synthetic-windows-driverquery-2008r2-av-backup.txt")),
                "usb_devices": ProbeOutput(b"", data("synthetic-windows-wmic-no-instances.txt"), 0),
            },
        ),
    ]


@cache
def profiles() -> dict[str, Profile]:
    """Every profile, by name."""
    everything = (
        _linux_profiles()
        + _beyond_document_profiles()
        + _windows_profiles()
        + _windows_limits_profiles()
    )
    return {p.name: p for p in everything}


# A realistic fleet: mostly clean Linux, a share of each problem, about one host in eight
# Windows. Weights, not percentages.
MIX: tuple[tuple[str, int], ...] = (
    ("linux_clean", 40),
    ("linux_selinux", 8),
    ("linux_raw_devices", 4),
    ("linux_multi_ip", 8),
    ("linux_vlan_bond", 4),
    ("linux_quotas", 6),
    ("linux_xattrs", 6),
    ("linux_flexlm", 3),
    ("linux_openvz_ct", 2),
    ("linux_openvz_node", 1),
    # beyond the document (B6-B11)
    ("linux_hasp_dongle", 1),
    ("linux_db_tuned", 2),
    ("linux_apparmor_audit", 2),
    ("linux_ipsec_gateway", 1),
    ("linux_kvm_host", 1),
    ("linux_docker_node", 2),
    ("linux_san_hba", 1),
    ("linux_uuid_license", 1),
    # Beyond the document, B1-B5.
    ("linux_zfs_drbd", 1),
    ("linux_nfs_server", 1),
    ("linux_lvm_snapshots", 1),
    ("linux_lvs_director", 1),
    ("linux_nat_gateway", 1),
    ("linux_el8_firewalld", 1),
    ("linux_ntp_server", 1),
    ("linux_ptp", 1),
    ("windows_2003_x86", 3),
    ("windows_2008_fat32", 3),
    ("windows_2008_fr", 2),
    ("windows_2008r2_qos", 2),
    ("windows_2008r2_clean", 5),
    # windows_limits (B12)
    ("windows_2003_dc_hasp", 1),
    ("windows_2008r2_cluster", 1),
    ("windows_2008r2_av_backup", 1),
)
