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

OS_RELEASE = r"""(
found=""
for f in /etc/os-release /etc/redhat-release /etc/SuSE-release /etc/lsb-release \
  /etc/debian_version; do
  if [ -r "$f" ]; then printf '==> %s <==\n' "$f"; cat "$f"; echo; found=1; fi
done
[ -n "$found" ] || { echo "no release file found" >&2; (exit 1); }
)"""

RAWDEVICES_CONFIG = r"""(
for f in /etc/sysconfig/rawdevices /etc/udev/rules.d/*raw*.rules /etc/udev/rules.d/*asm*.rules \
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
    Probe("df", "linux", "df -P -k -l", "df -P -k -l", timeout=60),
    Probe("df_inodes", "linux", "df -P -i -l", "df -P -i -l", timeout=60),
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
        "raw", "linux", _tool("raw", "raw -qa"), "raw -qa", needs_root=True, benign=(TOOL_ABSENT,)
    ),
    Probe(
        "rawdevices_config",
        "linux",
        RAWDEVICES_CONFIG,
        "cat /etc/sysconfig/rawdevices /etc/udev/rules.d/*raw*.rules",
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
