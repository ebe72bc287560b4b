r"""The Linux probes: one read-only POSIX sh fragment per probe id.

Each fragment prints the raw output of its command on stdout and tries its own fallbacks;
its exit status becomes the probe's rc. The collector wraps every fragment (framing,
`LC_ALL=C`, a full PATH, `sudo -n` where configured, the per-probe time limit, an output
cap), so fragments do none of that. Constraints every fragment honours:

- dash-compatible (`/bin/sh` on Debian/Ubuntu) and runnable on RHEL 5: no `timeout`, no
  `findmnt`, no arrays, no `[[`; `command -v` to test for tools;
- "not found" is reported as exit status 127 via `(exit 127)`, never with `exit`, which
  would end the collector's whole script;
- fragments that set variables or positional parameters run in a `( ... )` subshell;
- nothing is ever written on the host.
"""

from assessments.probes.base import Outcome, Probe, ProbeOutput
from assessments.probes.outcomes import FILE_ABSENT, TOOL_ABSENT

# File system types whose data is merged into the container (and worth an xattr scan).
_DISK_TYPES = "ext[234]|xfs|btrfs|reiserfs|jfs|vfat|ntfs|ntfs3|fuseblk|zfs|f2fs"
XATTR_LINE_LIMIT = 20000

_MISSING = 'echo "{tool}: command not found" >&2; (exit 127)'


def _tool(tool: str, command: str) -> str:
    """Run `command` if `tool` exists, else report it missing with exit status 127."""
    return (
        f"if command -v {tool} >/dev/null 2>&1; then {command}; "
        f"else {_MISSING.format(tool=tool)}; fi"
    )


MAC_ADDRESSES = r"""(
for i in /sys/class/net/*; do
  [ -r "$i/address" ] || continue
  printf '%s %s %s\n' "${i##*/}" "$(cat "$i/address" 2>/dev/null)" "$(cat "$i/type" 2>/dev/null)"
done
for b in /proc/net/bonding/*; do
  [ -r "$b" ] || continue
  printf '==> %s <==\n' "$b"
  cat "$b"
done
[ -d /sys/class/net ]
)"""

GETFATTR = rf"""(
if ! command -v getfattr >/dev/null 2>&1; then
  echo "getfattr: command not found" >&2; (exit 127)
else
  [ "$(id -u)" = 0 ] ||
    echo "# p2c: not root: trusted.* attributes and unreadable files were not checked"
  nice=""
  command -v nice >/dev/null 2>&1 && nice="nice -n 19"
  awk '$3 ~ /^({_DISK_TYPES})$/ && $2 !~ /\\/ {{print $2}}' /proc/mounts | sort -u |
  while IFS= read -r m; do
    echo "# p2c: scanning $m"
    $nice find "$m" -xdev \( -type f -o -type d \) -print0 2>/dev/null |
      xargs -0 -r $nice getfattr -h -d --absolute-names \
        -m '^(user|trusted|system)\.|^security\.(capability|ima|evm|NTACL)$' 2>/dev/null
  done |
  awk -v max={XATTR_LINE_LIMIT} 'NR > max {{
    print "# p2c: scan incomplete: stopped after " max " lines"; exit
  }}
  {{ print }}'
fi
)"""

LICENSE_SCAN = r"""(
set --
p2c_add_mac() {
  case "$1" in
    00:00:00:00:00:00|ff:ff:ff:ff:ff:ff|*[!0-9a-f:]*) return ;;
  esac
  [ ${#1} -eq 17 ] || return
  h=$(echo "$1" | tr -d :)
  p2c_pats="$p2c_pats $1 $(echo "$1" | tr : -) $h"
  p2c_pats="$p2c_pats $(echo "$h" | sed 's/^\(....\)\(....\)\(....\)$/\1.\2.\3/')"
}
p2c_pats=""
for a in /sys/class/net/*/address; do
  [ -r "$a" ] && p2c_add_mac "$(tr 'A-F' 'a-f' < "$a")"
done
for m in $(sed -n 's/^Permanent HW addr: //p' /proc/net/bonding/* 2>/dev/null | tr 'A-F' 'a-f'); do
  p2c_add_mac "$m"
done
for p in $p2c_pats; do set -- "$@" -e "$p"; done
p2c_b='\([0-9A-Fa-f][0-9A-Fa-f]\)'
for f in /sys/class/dmi/id/product_uuid /sys/class/dmi/id/product_serial \
  /sys/class/dmi/id/board_serial; do
  [ -r "$f" ] || continue
  v=$(cat "$f" 2>/dev/null)
  case "$v" in
    *[!A-Za-z0-9._-]*|*[Ff]illed*|*O.E.M*|*[Ss]pecified*|*[Dd]efault*|*[Ss]erial*|*[Nn]one*) ;;
    00000000-0000-0000-0000-000000000000|[Ff][Ff][Ff][Ff][Ff][Ff][Ff][Ff]-*) ;;
    *) [ ${#v} -ge 6 ] && set -- "$@" -e "$v"
      # a UUID also in the other SMBIOS byte order (identity.uuid_forms)
      b=$p2c_b
      w=$(echo "$v" | sed -n "s/^$b$b$b$b-$b$b-$b$b-/\4\3\2\1-\6\5-\8\7-/p")
      [ -n "$w" ] && set -- "$@" -e "$w" ;;
  esac
done
h=$(hostid 2>/dev/null)
case "$h" in
  ""|00000000|ffffffff|*[!0-9a-f]*) ;;
  *) [ ${#h} -eq 8 ] && set -- "$@" -e "$h" ;;
esac
{
  find /opt /usr/local /etc /srv /home /root /var/lib /usr/flexlm -maxdepth 5 -xdev -type f \
    \( -iname '*.lic' -o -iname '*.license' -o -iname 'license.dat' -o -iname 'license.txt' \
       -o -iname 'licen[sc]e' -o -iname 'lservrc' -o -iname '*.lic.txt' \) \
    ! -name 'LICENSE' ! -name 'LICENCE' ! -name 'LICENSE.txt' -size -1024k 2>/dev/null |
    head -n 2000
  [ $# -gt 0 ] && grep -r -l -I -i -F "$@" /etc 2>/dev/null | head -n 200
} | sort -u | while IFS= read -r f; do
  lines=$( {
    grep -i -E 'hostid|^[[:space:]]*(SERVER|HOST|VENDOR|DAEMON|ISV)[[:space:]]' "$f" 2>/dev/null
    [ $# -gt 0 ] && grep -i -F "$@" "$f" 2>/dev/null
  } | sort -u | head -n 30 )
  [ -n "$lines" ] && printf '==> %s <==\n%s\n' "$f" "$lines"
done
if command -v lmutil >/dev/null 2>&1; then
  echo '==> lmhostid <=='; lmutil lmhostid 2>&1 | head -n 20
elif command -v lmhostid >/dev/null 2>&1; then
  echo '==> lmhostid <=='; lmhostid 2>&1 | head -n 20
fi
if command -v hostid >/dev/null 2>&1; then echo '==> hostid <=='; hostid; fi
true
)"""


def _df(unit: str) -> str:
    """`df -P UNIT -l`. df exits 1 when it cannot read one mount point (a user's gvfs or a
    removable medium: `df: '/run/user/1000/gvfs': Permission denied`) and still lists all
    the others: its messages become `# p2c: df: ...` lines on stdout, and exit status 1 after
    a header counts as 0 (the checks see which local file system is missing). Without a
    header the exit status stays."""
    return rf"""(
out=$(df -P {unit} -l 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^df: /# p2c: df: /'
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^Filesystem'; then rc=0; fi
(exit $rc)
)"""


OS_RELEASE = r"""(
found=""
for f in /etc/os-release /etc/redhat-release /etc/SuSE-release /etc/lsb-release \
  /etc/debian_version; do
  if [ -r "$f" ]; then printf '==> %s <==\n' "$f"; cat "$f"; echo; found=1; fi
done
[ -n "$found" ] || { echo "no release file found" >&2; (exit 1); }
)"""

RAWDEVICES_CONFIG = r"""(
for f in /etc/sysconfig/rawdevices /etc/raw \
  /etc/udev/rules.d/*raw*.rules /etc/udev/rules.d/*asm*.rules \
  $(grep -l -E '/dev/raw/|KERNEL=="raw' /etc/udev/rules.d/*.rules 2>/dev/null); do
  if [ -r "$f" ]; then printf '==> %s <==\n' "$f"; cat "$f"; fi
done | awk '/^==> / { if (seen[$0]++) skip = 1; else skip = 0 } !skip'
true
)"""

ORACLEASM = r"""(
for d in /dev/oracleasm/disks /dev/oracleafd/disks; do
  [ -d "$d" ] && ls -1 "$d"
done
true
)"""

SELINUX_ENFORCE = r"""(
for f in /sys/fs/selinux/enforce /selinux/enforce; do
  if [ -r "$f" ]; then cat "$f"; break; fi
done
true
)"""

QUOTA_STATES = Outcome(
    meaning="quota states printed (quotaon's exit status does not tell whether quota is on)",
    pattern=r"^(user|group|project) quota on .+ \(.+\) is (on|off)",
    in_stdout=True,
    parse=True,
    example=ProbeOutput(
        b"group quota on / (/dev/sda1) is on\nuser quota on / (/dev/sda1) is on\n", b"", 1
    ),
    source="tests/samples/linux-quotaon-ap-ubuntu-on-off.txt with the exit status 1 that newer "
    "quota-tools return while quota is on (restrictions.md L3: ignore exit codes, parse text)",
)
NO_RAW_DRIVER = Outcome(
    meaning="the kernel has no raw driver (its control device answers 'No such device'): "
    "nothing can be bound",
    rcs=(2, 3),
    pattern=r"Cannot open master raw device .*No such device(?: or address)?\)?\s*$",
    example=ProbeOutput(
        b"", b"Cannot open master raw device '/dev/raw/rawctl' (No such device or address)\n", 2
    ),
    source="tests/samples/linux-raw-cannot-open-rawctl-no-driver-collection.txt (Ubuntu 9.10, "
    "a kernel built without the raw driver); raw.c exits 2 (util-linux 2.13), 3 "
    "(EXIT_RAW_ACCESS) later. 'No such file or directory' (no node at all) stays a failure",
)
NO_RELEASE_FILE = Outcome(
    meaning="no release file exists",
    rcs=(1,),
    pattern=r"no release file found",
    example=ProbeOutput(b"", b"no release file found\n", 1),
    source="the os_release fragment's own message when none of its files exists",
)

# Paths that tell containers, container nodes and hypervisors apart (design.md's list, with
# /proc/bc/0, /vz/private and /etc/vz/vz.conf, which mark an OpenVZ hardware node).
VIRT_PATHS = (
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/lxc",
    "/proc/vz",
    "/proc/bc",
    "/proc/bc/0",
    "/proc/user_beancounters",
    "/.dockerenv",
    "/dev/kvm",
    "/dev/net/tun",
    "/vz/private",
    "/etc/vz/vz.conf",
)
VIRT_MARKERS = r"""(
for p in {markers}; do
  [ -e "$p" ] && echo "$p"
done
true
)""".format(markers=" ".join(VIRT_PATHS))

# -- Beyond the document: B1-B5 (kernel, kernel services, block devices, netfilter, clock) --

CAPPED_LINES = 5000


def _capped(command: str, limit: int = CAPPED_LINES) -> str:
    """`command` with at most `limit` lines of its stdout (then a `# p2c: output cut` line),
    keeping its exit status, which a plain `| head -n` would replace by head's."""
    return (
        f'{{ {command}; echo "# p2c: rc $?"; }} | awk -v max={limit} \''
        "match($0, /# p2c: rc [0-9]+$/) { rc = substr($0, RSTART + 10) + 0;"
        ' $0 = substr($0, 1, RSTART - 1); if ($0 == "") next }'
        " ++n <= max { print; next }"
        ' !cut { print "# p2c: output cut after " max " lines"; cut = 1 }'
        " END { exit rc }'"
    )


def _framed(*paths: str, limit: int = 400) -> str:
    """Each existing file after a `==> PATH <==` line (its first `limit` lines). A file that
    exists but cannot be read fails the probe (head's message, exit status 1)."""
    return f"""(
rc=0
for f in {" ".join(paths)}; do
  [ -f "$f" ] || continue
  printf '==> %s <==\\n' "$f"
  head -n {limit} "$f" || rc=1
done
(exit $rc)
)"""


MODULES_CONFIG = _framed(
    "/etc/modules",
    "/etc/modules-load.d/*.conf",
    "/etc/sysconfig/modules/*.modules",
    "/etc/modprobe.d/*",  # RHEL 5 and Debian 6 also read files not named *.conf
    "/etc/modprobe.conf",  # RHEL 5
    "/etc/sysconfig/kernel",  # SLES: MODULES_LOADED_ON_BOOT
)
NTP_CONFIG = _framed(
    "/etc/ntp.conf",
    "/etc/ntpsec/ntp.conf",  # ntpsec (Debian 11+)
    "/etc/chrony.conf",
    "/etc/chrony/chrony.conf",
    # chrony 4 `confdir`/`sourcedir` drop-ins (Debian 12, Ubuntu 22.04+ read conf.d and
    # sources.d; cloud images put `allow` or an Azure `refclock` there)
    "/etc/chrony/conf.d/*.conf",
    "/etc/chrony/sources.d/*.sources",
    "/etc/chrony.d/*.conf",
    "/etc/openntpd/ntpd.conf",
)


def _netfilter_save(tool: str, version: str, names: str) -> str:
    """`tool` (iptables-save, ip6tables-save) only when its tables' module is loaded: listing
    tables must not load netfilter modules (the nf_tables variant autoloads nf_tables), and
    without the module there is no rule to list."""
    return _tool(
        tool,
        f"""(
case $({version} -V 2>/dev/null) in
  *nf_tables*) loaded=/sys/module/nf_tables ;;
  *) loaded={names} ;;
esac
if [ -e "$loaded" ]; then {_capped(tool)}; fi
)""",
    )


# Distribution kernels build nf_tables as a module: without it loaded there is no ruleset.
NFT_RULESET = _tool(
    "nft", f"if [ -e /sys/module/nf_tables ]; then {_capped('nft list ruleset')}; fi"
)

# No device-mapper device in /proc/partitions: nothing to list (and nothing to load). As
# root, dmsetup; otherwise (dmsetup needs root) the names from sysfs, kernels >= 2.6.29, in
# dmsetup's format; RHEL 5 without root tries dmsetup and fails.
DMSETUP = r"""(
if ! grep ' dm-[0-9]*$' /proc/partitions >/dev/null 2>&1; then
  echo "No devices found"
elif [ "$(id -u)" = 0 ] && command -v dmsetup >/dev/null 2>&1; then
  dmsetup ls
elif ls /sys/block/dm-*/dm/name >/dev/null 2>&1; then
  echo "# p2c: names from /sys/block/dm-*/dm"
  for d in /sys/block/dm-*; do
    printf '%s\t(%s)\n' "$(cat "$d/dm/name")" "$(cat "$d/dev")"
  done
elif command -v dmsetup >/dev/null 2>&1; then
  dmsetup ls
else
  echo "dmsetup: command not found" >&2; (exit 127)
fi
)"""
LVS = _tool(
    "lvs",
    "if grep ' dm-[0-9]*$' /proc/partitions >/dev/null 2>&1; then "
    "lvs -a --noheadings --separator '|' --units m -o vg_name,lv_name,lv_attr,lv_size,origin; fi",
)
# multipath -ll without the dm_multipath module says so and fails; there are no maps then.
MULTIPATH = _tool("multipath", "if [ -d /sys/module/dm_multipath ]; then multipath -ll; fi")


PROBES: list[Probe] = [
    Probe(
        "proc_mounts",
        "linux",
        "cat /proc/mounts",
        "cat /proc/mounts",
        alternatives=("mountinfo",),
    ),
    Probe(
        "mountinfo",
        "linux",
        "cat /proc/self/mountinfo",
        "cat /proc/self/mountinfo",
        description="Absent on 2.6.18 kernels (RHEL 5); proc_mounts is the fallback.",
        benign=(FILE_ABSENT,),
        alternatives=("proc_mounts",),
    ),
    Probe("fstab", "linux", "cat /etc/fstab", "cat /etc/fstab", benign=(FILE_ABSENT,)),
    Probe("df", "linux", _df("-k"), "df -P -k -l", timeout=60),
    Probe("df_inodes", "linux", _df("-i"), "df -P -i -l", timeout=60),
    Probe(
        "ip_addr",
        "linux",
        _tool("ip", "ip -o addr show"),
        "ip -o addr show",
        benign=(TOOL_ABSENT,),
        alternatives=("ifconfig",),
    ),
    Probe(
        "ifconfig",
        "linux",
        _tool("ifconfig", "ifconfig -a"),
        "ifconfig -a",
        benign=(TOOL_ABSENT,),
        alternatives=("ip_addr",),
    ),
    Probe(
        "mac_addresses",
        "linux",
        MAC_ADDRESSES,
        "cat /sys/class/net/*/address /proc/net/bonding/*",
    ),
    Probe(
        "sestatus",
        "linux",
        _tool("sestatus", "sestatus"),
        "sestatus",
        benign=(TOOL_ABSENT,),
        alternatives=("getenforce", "selinux_enforce", "selinux_config"),
    ),
    Probe(
        "getenforce",
        "linux",
        _tool("getenforce", "getenforce"),
        "getenforce",
        benign=(TOOL_ABSENT,),
        alternatives=("sestatus", "selinux_enforce"),
    ),
    Probe(
        "selinux_enforce",
        "linux",
        SELINUX_ENFORCE,
        "cat /sys/fs/selinux/enforce",
        alternatives=("getenforce", "sestatus"),
    ),
    Probe(
        "selinux_config",
        "linux",
        "cat /etc/selinux/config",
        "cat /etc/selinux/config",
        benign=(FILE_ABSENT,),
        alternatives=("sestatus",),
    ),
    Probe(
        "quotaon",
        "linux",
        _tool("quotaon", "quotaon -p -a"),
        "quotaon -p -a",
        needs_root=True,
        benign=(TOOL_ABSENT, QUOTA_STATES),
    ),
    Probe(
        "raw",
        "linux",
        _tool("raw", "raw -qa"),
        "raw -qa",
        needs_root=True,
        benign=(TOOL_ABSENT, NO_RAW_DRIVER),
    ),
    Probe(
        "rawdevices_config",
        "linux",
        RAWDEVICES_CONFIG,
        "cat /etc/sysconfig/rawdevices /etc/raw /etc/udev/rules.d/*raw*.rules",
    ),
    Probe("oracleasm", "linux", ORACLEASM, "ls /dev/oracleasm/disks /dev/oracleafd/disks"),
    Probe(
        "getfattr",
        "linux",
        GETFATTR,
        "find MOUNT -xdev | xargs getfattr -h -d --absolute-names -m '<not security.selinux>'",
        needs_root=True,
        timeout=300,
        description="Bounded xattr scan of the local disk-backed file systems.",
        benign=(TOOL_ABSENT,),
        partial=True,
    ),
    Probe(
        "license_scan",
        "linux",
        LICENSE_SCAN,
        "license files and /etc searched for this host's MAC addresses",
        needs_root=True,
        timeout=120,
    ),
    Probe("ps", "linux", "ps -eo user,pid,args", "ps -eo user,pid,args"),
    Probe(
        "rsync",
        "linux",
        _tool("rsync", "rsync --version | head -n 1"),
        "rsync --version",
        benign=(TOOL_ABSENT,),
    ),
    Probe("os_release", "linux", OS_RELEASE, "cat /etc/os-release", benign=(NO_RELEASE_FILE,)),
    Probe("uname", "linux", "uname -a", "uname -a"),
    Probe(
        "virt_markers",
        "linux",
        VIRT_MARKERS,
        "ls -d /proc/vz /proc/bc/0 /proc/user_beancounters /var/lib/docker ...",
        description="Paths that tell containers, container nodes and hypervisors apart.",
    ),
    # -- Beyond the document: B1 kernel, B2 kernel services, B3 block devices, B4 netfilter,
    # B5 clock (restrictions.md section 3).
    Probe(
        "proc_modules",
        "linux",
        "cat /proc/modules",
        "cat /proc/modules",
        description="Loaded kernel modules with their taint flags (lsmod reads the same file).",
        benign=(FILE_ABSENT,),
    ),
    Probe(
        "kernel_tainted", "linux", "cat /proc/sys/kernel/tainted", "cat /proc/sys/kernel/tainted"
    ),
    Probe("proc_cmdline", "linux", "cat /proc/cmdline", "cat /proc/cmdline"),
    Probe(
        "modules_config",
        "linux",
        MODULES_CONFIG,
        "cat /etc/modules /etc/modules-load.d/*.conf /etc/sysconfig/modules/*.modules "
        "/etc/modprobe.d/*.conf",
    ),
    Probe("exports", "linux", "cat /etc/exports", "cat /etc/exports", benign=(FILE_ABSENT,)),
    Probe(
        "exportfs",
        "linux",
        _tool("exportfs", _capped("exportfs -v")),
        "exportfs -v",
        needs_root=True,
        benign=(TOOL_ABSENT,),
    ),
    Probe("proc_drbd", "linux", "cat /proc/drbd", "cat /proc/drbd", benign=(FILE_ABSENT,)),
    Probe(
        "ip_vs",
        "linux",
        _capped("cat /proc/net/ip_vs"),
        "cat /proc/net/ip_vs",
        benign=(FILE_ABSENT,),
    ),
    Probe("mdstat", "linux", "cat /proc/mdstat", "cat /proc/mdstat", benign=(FILE_ABSENT,)),
    Probe(
        "dmsetup",
        "linux",
        DMSETUP,
        "dmsetup ls",
        needs_root=True,
        description="Device-mapper devices (LVM, multipath, dm-crypt); sysfs names without root.",
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "lvs",
        "linux",
        LVS,
        "lvs -a -o vg_name,lv_name,lv_attr,lv_size,origin",
        needs_root=True,
        timeout=60,
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "multipath",
        "linux",
        MULTIPATH,
        "multipath -ll",
        needs_root=True,
        timeout=60,
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "iptables_save",
        "linux",
        _netfilter_save("iptables-save", "iptables", "/proc/net/ip_tables_names"),
        "iptables-save",
        needs_root=True,
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "ip6tables_save",
        "linux",
        _netfilter_save("ip6tables-save", "ip6tables", "/proc/net/ip6_tables_names"),
        "ip6tables-save",
        needs_root=True,
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "nft_ruleset",
        "linux",
        NFT_RULESET,
        "nft list ruleset",
        needs_root=True,
        benign=(TOOL_ABSENT,),
    ),
    Probe(
        "ntp_config",
        "linux",
        NTP_CONFIG,
        "cat /etc/ntp.conf /etc/chrony.conf /etc/chrony/chrony.conf",
    ),
]

# -- Beyond the document: B6 hardware, B7 memory, B8 security modules, B9 privileged
# networking, B10 nesting (virt_markers above, ps), B11 host identity -----------------------

CUT_MARKER = "# p2c: output cut after {max} lines"


def _cut_after(lines: int) -> str:
    """An awk filter passing `lines` lines, then one marker line instead of the rest."""
    marker = CUT_MARKER.replace("{max}", '" max "')
    return (
        f"awk -v max={lines} 'NR <= max {{ print; next }} !cut {{ print \"{marker}\"; cut = 1 }}'"
    )


def _bounded(command: str, lines: int) -> str:
    """`command` with its output cut after `lines` lines (a marker line says so) and its own
    exit status kept: a pipe into head would lose it (dash has no pipefail) and could kill
    the command with SIGPIPE; awk reads to the end instead."""
    return (
        "( exec 4>&1; "
        f"p2c_rc=$( {{ {{ ( {command} ); echo $? >&3; }} | {_cut_after(lines)} >&4; }} 3>&1 ); "
        '(exit "${p2c_rc:-1}") )'
    )


LSUSB = rf"""(
if command -v lsusb >/dev/null 2>&1; then
  {_bounded("lsusb", 400)}
else
  echo "# p2c: lsusb is not installed: devices read from /sys/bus/usb/devices"
  for d in /sys/bus/usb/devices/*; do
    [ -r "$d/idVendor" ] || continue
    printf '%s: ID %s:%s %s %s\n' "${{d##*/}}" "$(cat "$d/idVendor")" \
      "$(cat "$d/idProduct" 2>/dev/null)" "$(cat "$d/manufacturer" 2>/dev/null)" \
      "$(cat "$d/product" 2>/dev/null)"
  done | head -n 400
  true
fi
)"""

# pciutils before 3.0 (RHEL 5) has no -k; minimal installs have no lspci at all: sysfs has
# the same facts (class, vendor, device, bound driver) on every 2.6 kernel.
LSPCI = rf"""(
if command -v lspci >/dev/null 2>&1 && lspci -k >/dev/null 2>&1; then
  {_bounded("lspci -k", 3000)}
else
  echo "# p2c: lspci -k is not available: devices read from /sys/bus/pci/devices"
  for d in /sys/bus/pci/devices/*; do
    [ -r "$d/class" ] || continue
    c=$(cat "$d/class"); v=$(cat "$d/vendor"); p=$(cat "$d/device")
    printf '%s Class %s: Vendor %s Device %s\n' "${{d##*/}}" "$(echo "$c" | cut -c3-6)" \
      "$(echo "$v" | cut -c3-)" "$(echo "$p" | cut -c3-)"
    if [ -L "$d/driver" ]; then
      drv=$(readlink "$d/driver"); printf '\tKernel driver in use: %s\n' "${{drv##*/}}"
    fi
  done | head -n 3000
  true
fi
)"""

SYSCTL_CONF = (
    r"""(
{
for f in /etc/sysctl.conf /etc/sysctl.d/*.conf; do
  if [ -r "$f" ]; then printf '==> %s <==\n' "$f"; cat "$f"; echo; fi
done
true
} | """
    + _cut_after(3000)
    + "\n)"
)

_AA_STATUS = (
    "if command -v aa-status >/dev/null 2>&1; then aa-status; "
    "elif command -v apparmor_status >/dev/null 2>&1; then apparmor_status; "
    'else echo "aa-status: command not found" >&2; (exit 127); fi'
)
APPARMOR = _bounded(_AA_STATUS, 3000)

AUDITCTL = _tool("auditctl", _bounded("auditctl -l", 3000))

IP_LINK = _tool("ip", _bounded("ip -d link show 2>/dev/null || ip link show", 4000))

# Listing IPsec state through NETLINK_XFRM would load xfrm_user on a host that never used it:
# with neither key manager interface loaded (nor xfrm_user built in), there is no state.
IP_XFRM = rf"""(
if [ -d /sys/module/xfrm_user ] || [ -d /sys/module/af_key ] ||
  [ -z "$(find /lib/modules/"$(uname -r)" -name 'xfrm_user.ko*' 2>/dev/null | head -n 1)" ]; then
  {_tool("ip", _bounded("ip xfrm state", 2000))}
else
  echo "# p2c: xfrm_user and af_key are not loaded: no IPsec state (listing would load one)"
fi
)"""

DMI_IDS = r"""(
p2c_rc=0; found=""
for f in /sys/class/dmi/id/product_uuid /sys/class/dmi/id/product_serial \
  /sys/class/dmi/id/board_serial; do
  [ -e "$f" ] || continue
  found=1
  printf '==> %s <==\n' "$f"
  cat "$f" || p2c_rc=1
done
if [ -z "$found" ]; then
  if command -v dmidecode >/dev/null 2>&1; then
    for k in system-uuid system-serial-number baseboard-serial-number; do
      printf '==> dmidecode -s %s <==\n' "$k"
      dmidecode -s "$k" || p2c_rc=1
    done
  else
    echo "no DMI data: no /sys/class/dmi/id and no dmidecode" >&2; p2c_rc=1
  fi
fi
(exit $p2c_rc)
)"""

AA_NOT_LOADED = Outcome(
    meaning="AppArmor is not enabled in the kernel",
    rcs=(1,),
    pattern=r"apparmor module is not loaded",
    in_stdout=True,
    example=ProbeOutput(b"apparmor module is not loaded.\n", b"", 1),
    source="tests/samples/linux-aa-status-collection.txt block 1; aa-status(8): exit status 1 "
    "if apparmor is not enabled/loaded",
)
AA_NOT_MOUNTED = Outcome(
    meaning="AppArmor is not active (its control file system is not mounted)",
    rcs=(3,),
    pattern=r"apparmor filesystem is not mounted",
    in_stdout=True,
    example=ProbeOutput(
        b"apparmor module is loaded.\napparmor filesystem is not mounted.\n", b"", 3
    ),
    source="tests/samples/linux-aa-status-collection.txt block 2 (Ubuntu 24.04 booted with "
    "apparmor=0); aa-status(8): exit status 3 if the control files are not available",
)
AA_NO_POLICY = Outcome(
    meaning="AppArmor is enabled but no profile is loaded",
    rcs=(2,),
    pattern=r"^0 profiles are loaded",
    in_stdout=True,
    example=ProbeOutput(
        b"apparmor module is loaded.\n0 profiles are loaded.\n0 profiles are in enforce mode.\n"
        b"0 profiles are in complain mode.\n0 processes have profiles defined.\n",
        b"",
        2,
    ),
    source="aa-status(8): exit status 2 if apparmor is enabled but no policy is loaded; the "
    "counts as binutils/aa_status.c detailed_output() prints them",
)
NO_DMI = Outcome(
    meaning="no DMI identity can be read (no /sys/class/dmi/id, no dmidecode)",
    rcs=(1,),
    pattern=r"no DMI data: no /sys/class/dmi/id and no dmidecode",
    example=ProbeOutput(b"", b"no DMI data: no /sys/class/dmi/id and no dmidecode\n", 1),
    source="the dmi_ids fragment's own message (kernels before 2.6.23 have no "
    "/sys/class/dmi/id; dmidecode is not installed)",
)

PROBES += [
    Probe(
        "lsusb",
        "linux",
        LSUSB,
        "lsusb",
        description="USB devices; from /sys/bus/usb/devices where lsusb is not installed.",
    ),
    Probe(
        "lspci",
        "linux",
        LSPCI,
        "lspci -k",
        description="PCI devices and bound drivers; from sysfs where lspci has no -k (RHEL 5).",
    ),
    Probe(
        "tty_serial",
        "linux",
        "cat /proc/tty/driver/serial",
        "cat /proc/tty/driver/serial",
        needs_root=True,
        benign=(FILE_ABSENT,),
    ),
    Probe("proc_swaps", "linux", "cat /proc/swaps", "cat /proc/swaps", benign=(FILE_ABSENT,)),
    Probe("meminfo", "linux", "cat /proc/meminfo", "cat /proc/meminfo"),
    Probe(
        "sysctl_conf",
        "linux",
        SYSCTL_CONF,
        "cat /etc/sysctl.conf /etc/sysctl.d/*.conf",
    ),
    Probe(
        "apparmor",
        "linux",
        APPARMOR,
        "aa-status",
        needs_root=True,
        benign=(TOOL_ABSENT, AA_NOT_LOADED, AA_NOT_MOUNTED, AA_NO_POLICY),
    ),
    Probe("auditctl", "linux", AUDITCTL, "auditctl -l", needs_root=True, benign=(TOOL_ABSENT,)),
    Probe("ip_link", "linux", IP_LINK, "ip -d link show", benign=(TOOL_ABSENT,)),
    Probe("ip_xfrm", "linux", IP_XFRM, "ip xfrm state", needs_root=True),
    Probe(
        "dmi_ids",
        "linux",
        DMI_IDS,
        "cat /sys/class/dmi/id/product_uuid product_serial board_serial",
        needs_root=True,
        benign=(NO_DMI,),
    ),
]
