from assessments.checks.nesting import SourceContainer
from tests.assessments.parsers.linux.samples import blocks, facts, out, text
from tests.conftest import sample_bytes

CONTAINER = text("/proc/vz\n/proc/user_beancounters\n")
NODE = text("/proc/vz\n/proc/bc\n/proc/bc/0\n/proc/user_beancounters\n/vz/private\n")
SIMFS_ROOT = text("/dev/simfs / simfs rw,relatime,usrquota,grpquota 0 0\nproc /proc proc rw 0 0\n")


def evaluate(**probes):
    (finding,) = SourceContainer().evaluate(facts(**probes))
    return finding


def test_an_openvz_container_is_told_to_migrate_ct_to_ct():
    finding = evaluate(
        virt_markers=CONTAINER, ifconfig=out("linux-ifconfig-openvz-container-venet0.txt")
    )
    assert (finding.check, finding.severity) == ("nesting.source_container", "info")
    assert "vzmigrate" in finding.title
    assert "venet0 carries IPv4 127.0.0.1" in finding.evidence


def test_a_simfs_root_is_shown_as_evidence():
    finding = evaluate(virt_markers=CONTAINER, proc_mounts=SIMFS_ROOT)
    assert "container root file system: /dev/simfs / simfs" in finding.evidence


def test_a_hardware_node_is_told_apart_from_a_container():
    finding = evaluate(
        virt_markers=NODE, ifconfig=out("linux-ifconfig-a-aliases-vlan-venet-ohai.txt")
    )
    assert finding.severity == "blocker"
    assert "hardware node" in finding.title and "container to container" not in finding.title
    assert "venet0 without IPv4 addresses (a hardware node)" in finding.evidence


def test_a_plain_server_passes():
    assert evaluate(virt_markers=text("/dev/net/tun\n")).severity == "pass"


def test_an_older_capture_without_the_markers_is_unknown_even_with_venet0():
    finding = evaluate(ifconfig=out("linux-ifconfig-openvz-container-venet0.txt"))
    assert finding.severity == "unknown"


# -- container engines, hypervisors, guest tools ---------------------------------------------

from assessments.checks.nesting import ContainerEngine, GuestTools, Hypervisor  # noqa: E402
from assessments.checks.platforms import VZ7  # noqa: E402
from assessments.facts import Destination  # noqa: E402

DOCKER_PS = "linux-ps-user-pid-args-centos7-docker.txt"
PLAIN_PS = text("USER PID COMMAND\nroot 1 /sbin/init\nroot 900 /usr/sbin/sshd\n")
MOUNTS = text("/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n")


def engine(destination=None, **probes):
    return ContainerEngine().evaluate(facts(destination, **probes))


def test_a_running_docker_engine_is_a_blocker_on_the_strictest_platform():
    (finding,) = engine(
        virt_markers=text("/var/lib/docker\n"), ps=out(DOCKER_PS), proc_mounts=MOUNTS
    )
    assert (finding.check, finding.severity) == ("nesting.container_engine", "blocker")
    assert "dockerd-current" in finding.evidence and "strictest" in finding.evidence


def test_a_docker_engine_is_a_warning_for_virtuozzo_7():
    (finding,) = engine(
        Destination("n", "linux", platform=VZ7),
        virt_markers=text("/var/lib/docker\n"),
        ps=out(DOCKER_PS),
        proc_mounts=MOUNTS,
    )
    assert finding.severity == "warning" and "Virtuozzo 7" in finding.evidence


def test_container_layers_show_docker_even_without_its_daemon_in_ps():
    layers = text(
        MOUNTS.stdout.decode()
        + "overlay /var/lib/docker/overlay2/da0c/merged overlay rw,relatime,lowerdir=/l 0 0\n"
    )
    (finding,) = engine(virt_markers=text(""), ps=PLAIN_PS, proc_mounts=layers)
    assert finding.severity == "blocker" and "container layer" in finding.evidence


def test_an_installed_engine_that_does_not_run_is_a_warning():
    (finding,) = engine(virt_markers=text("/var/lib/lxc\n"), ps=PLAIN_PS, proc_mounts=MOUNTS)
    assert finding.severity == "warning" and "LXC" in finding.title


def test_a_docker_container_as_source_is_a_warning():
    (finding,) = engine(virt_markers=text("/.dockerenv\n"), ps=PLAIN_PS, proc_mounts=MOUNTS)
    assert finding.severity == "warning" and "itself a Docker" in finding.title


def test_no_engine_passes_and_missing_markers_are_unknown():
    assert [f.severity for f in engine(virt_markers=text(""), ps=PLAIN_PS, proc_mounts=MOUNTS)] == [
        "pass"
    ]
    assert [f.severity for f in engine(ps=PLAIN_PS, proc_mounts=MOUNTS)] == ["unknown"]


def hypervisor(**probes):
    (finding,) = Hypervisor().evaluate(facts(**probes))
    return finding


def test_running_kvm_guests_are_a_blocker():
    ps = text(
        "USER PID COMMAND\nroot 812 /usr/sbin/libvirtd\n"
        "qemu 2301 /usr/libexec/qemu-kvm -name guest=instance-0000000f -m 2048\n"
    )
    finding = hypervisor(virt_markers=text("/dev/kvm\n"), ps=ps)
    assert (finding.check, finding.severity) == ("nesting.hypervisor", "blocker")


def test_a_xen_dom0_is_a_blocker():
    ps = text("USER PID COMMAND\nroot 600 /usr/sbin/oxenstored --pid-file /var/run/xenstored.pid\n")
    assert hypervisor(virt_markers=text(""), ps=ps).severity == "blocker"


def test_libvirtd_without_guests_is_a_warning_and_dev_kvm_alone_is_info():
    libvirt = text("USER PID COMMAND\nroot 812 /usr/sbin/libvirtd --listen\n")
    assert hypervisor(virt_markers=text(""), ps=libvirt).severity == "warning"
    assert hypervisor(virt_markers=text("/dev/kvm\n"), ps=out(DOCKER_PS)).severity == "info"


def test_not_a_hypervisor_passes_and_no_process_list_is_unknown():
    assert hypervisor(virt_markers=text(""), ps=out(DOCKER_PS)).severity == "pass"
    assert hypervisor(virt_markers=text("/dev/kvm\n")).severity == "unknown"


def test_guest_tools_are_info_to_remove():
    ps = text(
        "USER PID COMMAND\nroot 700 /usr/bin/vmtoolsd\n"
        "root 710 /bin/bash /usr/sbin/xe-daemon -p /var/run/xe-daemon.pid\n"
    )
    (finding,) = GuestTools().evaluate(facts(ps=ps))
    assert (finding.check, finding.severity) == ("nesting.guest_tools", "info")
    assert "VMware Tools" in finding.title and "XenServer" in finding.title


def test_no_guest_tools_pass():
    (finding,) = GuestTools().evaluate(facts(ps=out(DOCKER_PS)))
    assert finding.severity == "pass"


def test_a_real_overlay_root_of_a_docker_container_is_told_without_dockerenv():
    (finding,) = engine(
        virt_markers=text(""),
        ps=PLAIN_PS,
        proc_mounts=out("linux-proc-mounts-grep-overlay-inside-docker.txt"),
    )
    assert finding.severity == "warning" and "itself a Docker" in finding.title
    assert "root file system: overlay / overlay" in finding.evidence


def ps_eo(sample: str):
    """`ps aux` columns cut to the probe's `ps -eo user,pid,args` (COMMAND is the 11th)."""
    lines = sample_bytes(sample).decode().splitlines()
    rows = [line.split(None, 10) for line in lines]
    return text("".join(f"{r[0]} {r[1]} {r[10]}\n" for r in rows if len(r) == 11))


def test_lxcfs_of_a_stock_ubuntu_server_runs_no_container():
    processes = ps_eo("linux-ps-auwwx-ubuntu1804-lxcfs-excerpt.txt")
    (finding,) = engine(virt_markers=text(""), ps=processes, proc_mounts=MOUNTS)
    assert finding.severity == "pass"


def test_the_monitor_of_a_running_lxc_container_is_an_engine():
    # The process title LXC sets (a real lxc log: "Set process title to [lxc monitor] ...").
    ps = text(PLAIN_PS.stdout.decode() + "root 1196 [lxc monitor] /var/lib/lxc seminar2\n")
    (finding,) = engine(virt_markers=text("/var/lib/lxc\n"), ps=ps, proc_mounts=MOUNTS)
    assert finding.severity == "blocker" and "LXC" in finding.title


OPENVZ = "linux-ip-addr-openvz-container-and-node-collection.txt"
SPECINFRA = "linux-ip-addr-specinfra-tap-tun-libvirt-bridges-venet.txt"


def test_real_openvz_containers_are_info_with_their_venet0_addresses():
    travis = evaluate(virt_markers=CONTAINER, ip_addr=out(OPENVZ, 0))
    assert travis.severity == "info" and "vzmigrate" in travis.title
    assert "venet0 carries IPv4 127.0.0.2, 172.30.236.191 (a container)" in travis.evidence
    centos = evaluate(virt_markers=CONTAINER, ip_addr=out(SPECINFRA, 2))
    assert centos.severity == "info"
    assert "venet0 carries IPv4 127.0.0.1, 192.0.2.1" in centos.evidence


def test_real_openvz_hardware_nodes_are_a_blocker_with_an_empty_venet0():
    for block in (1, 3):
        finding = evaluate(virt_markers=NODE, ip_addr=out(OPENVZ, block))
        assert finding.severity == "blocker" and "hardware node" in finding.title
        assert "venet0 without IPv4 addresses (a hardware node)" in finding.evidence


UBUNTU_PS = "linux-ps-axu-ubuntu1804-vmware-containerd.txt"
QEMU_PS = "linux-ps-aux-insights-qemu-kvm-guest.txt"


def test_a_real_kvm_guest_process_makes_a_hypervisor():
    finding = hypervisor(virt_markers=text(""), ps=ps_eo(QEMU_PS))
    assert finding.severity == "blocker" and finding.title.endswith("1 virtual machines run here")
    assert "/usr/libexec/qemu-kvm -name rhel7" in finding.evidence


def test_a_real_vmware_guest_shows_its_tools_and_its_running_containerd():
    processes = ps_eo(UBUNTU_PS)
    (tools,) = GuestTools().evaluate(facts(ps=processes))
    assert tools.severity == "info" and "VMware Tools" in tools.title
    assert "root 680 /usr/bin/vmtoolsd" in tools.evidence
    assert "root 607 /usr/bin/VGAuthService" in tools.evidence  # open-vm-tools' auth service
    (engines,) = engine(virt_markers=text(""), ps=processes, proc_mounts=MOUNTS)
    assert engines.severity == "blocker" and engines.title.endswith("containerd")
    assert hypervisor(virt_markers=text(""), ps=processes).severity == "pass"


SIMFS = "linux-proc-mounts-openvz-container-simfs-collection.txt"


def test_real_simfs_roots_are_shown_and_run_no_container_engine():
    for block in (0, 1):
        finding = evaluate(virt_markers=CONTAINER, proc_mounts=out(SIMFS, block))
        assert finding.severity == "info"
        assert "container root file system: /dev/simfs / simfs" in finding.evidence
        (engines,) = engine(virt_markers=CONTAINER, ps=PLAIN_PS, proc_mounts=out(SIMFS, block))
        assert engines.severity == "pass"


def test_a_simfs_root_or_an_addressed_venet0_tells_a_container_without_its_markers():
    # restrictions.md L2: a source that already has venet0 *is* an OpenVZ container; only
    # containers have a simfs root. Where /proc/vz is hidden, these still tell.
    for probes in (
        {"ip_addr": out(OPENVZ, 0)},  # venet0 carrying the Travis worker's addresses
        {"proc_mounts": out(SIMFS, 1)},  # /dev/simfs /
    ):
        finding = evaluate(virt_markers=text(""), **probes)
        assert finding.severity == "info" and "vzmigrate" in finding.title
    node = evaluate(virt_markers=text(""), ip_addr=out(OPENVZ, 1))  # venet0 without addresses
    assert node.severity == "pass"


def test_the_monitor_of_a_libvirt_lxc_container_is_an_engine():
    # `ps axfw` has no USER column: the real PID and COMMAND columns, matched as `ps -eo
    # user,pid,args` args are.
    from assessments.checks.nesting import ENGINE_DAEMONS
    from assessments.parsers.linux.processes import Process
    from assessments.parsers.linux.programs import running

    lines = sample_bytes("linux-ps-axfw-libvirt-lxc-openstack-excerpt.txt").decode().splitlines()
    processes = [Process("", int(line.split()[0]), line.split(None, 4)[4]) for line in lines]
    assert [what for _, what in running(processes, ENGINE_DAEMONS)] == ["LXC (libvirt)"]


def test_the_azure_linux_agent_run_by_python_is_a_guest_tool():
    # systemctl status walinuxagent's CGroup lines: PID and command line as ps prints args
    # (the lines have no user: "?" stands for it).
    lines = sample_bytes("linux-systemctl-status-walinuxagent-cgroup-excerpt.txt").decode()
    rows = [line.split("─", 1)[1].split(None, 1) for line in lines.splitlines()]
    ps = text("".join(f"? {pid} {args}\n" for pid, args in rows))
    (finding,) = GuestTools().evaluate(facts(ps=ps))
    assert finding.severity == "info" and "Azure Linux Agent" in finding.title
    assert "923 python3 -u /usr/sbin/waagent -run-exthandlers" in finding.evidence


def test_the_qemu_backend_of_a_xen_dom0_is_no_virtual_machine():
    # busybox ps of a Xen 4.14 dom0 with no guest (xen-devel mail): PID USER COMMAND, the
    # qemu line wrapped by the mail; projected to the probe's user,pid,args order.
    lines = sample_bytes("linux-ps-xen-dom0-buildroot-excerpt.txt").decode().splitlines()
    rows = [line.split(None, 2) for line in lines if line[:1].isdigit()]
    finding = hypervisor(
        virt_markers=text(""), ps=text("".join(f"{u} {p} {a}\n" for p, u, a in rows))
    )
    assert finding.severity == "blocker"
    assert finding.title == "This server is a hypervisor: this is a Xen dom0"
    assert "qemu-system-i386 -xen-domid 0" in finding.evidence


def ps_ef(sample: str, block: int):
    """`ps -ef` columns cut to the probe's `ps -eo user,pid,args` (CMD is the 8th)."""
    rows = [line.split(None, 7) for line in blocks(sample)[block].decode().splitlines()]
    return text("".join(f"{r[0]} {r[1]} {r[7]}\n" for r in rows if len(r) == 8))


def test_podman_containers_show_as_their_conmon_once_podman_has_exited():
    for block in (0, 1):
        processes = ps_ef("linux-ps-ef-podman-detached-conmon.txt", block)
        (finding,) = engine(virt_markers=text(""), ps=processes, proc_mounts=MOUNTS)
        assert finding.severity == "blocker" and "Podman" in finding.title
        assert "/usr/bin/conmon --api-version 1" in finding.evidence
