"""The Linux probe script: every probe in one POSIX sh script, printing a framed transcript.

The SSH collector sends the script to `/bin/sh -s` on the host's stdin (one exec per host), so
no text reaches a shell on our side. The script must run on dash, on busybox-less RHEL 5 (bash
3.2 as sh, coreutils 5.97: no `timeout`) and on everything newer. Each probe:

- runs in its own `/bin/sh -c` with `LC_ALL=C LANG=C` and a full PATH set inside the command
  (so `sudo`'s env_reset or secure_path cannot undo them), stdin from /dev/null (the script
  itself arrives on stdin: a probe reading stdin would eat it);
- runs under `nice -n 19` and `ionice -c3` when they work for this user;
- runs through `sudo -n /bin/sh` only when `use_sudo` is set AND the probe `needs_root` AND
  we are not root: least privilege for the other probes, and one sudoers rule (`/bin/sh`,
  i.e. in effect root) for these;
- gets its own time limit (`Probe.timeout`): a perl wrapper (perl is in every base install
  of the target distributions) that puts the probe in its own process group and kills the
  whole group, so a stuck child cannot keep the output pipes open; else GNU `timeout`; else a
  background watchdog in sh (kills the probe, not its children);
- has stdout and stderr captured separately, each cut at a cap by `head -c` (which also stops
  the probe with SIGPIPE instead of filling the disk).

A timed-out probe ends with rc 124, a `p2c: timed out` line on stderr and the frame marked
` truncated` (its output is incomplete), like a probe whose output hit the cap.

Temporary files live in a private directory (mode 700, `mktemp -d` or a `mkdir` fallback)
removed by a trap; nothing else is written on the host.
"""

import re
import secrets
import shlex
from collections.abc import Iterable

from assessments.probes.base import Probe

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MAX_STDOUT = 16 * 1024 * 1024
MAX_STDERR = 64 * 1024

_TOKEN = re.compile(r"[0-9a-f]{8,32}")
_PROBE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")

# Exported inside every probe's own shell: sudo may reset the environment we set outside.
PROBE_ENV = f"LC_ALL=C; LANG=C; PATH={PATH}; export LC_ALL LANG PATH; unset CDPATH BASH_ENV ENV\n"

# $1 seconds, $2 marker file touched on timeout, then the command. The child gets its own
# process group so the whole group (probe and its children) dies on timeout.
_PERL_WATCHDOG = (
    "($t, $m) = splice @ARGV, 0, 2; $to = 0; $p = fork;"
    " if (!defined $p) { exec @ARGV; exit 127 }"
    " if (!$p) { setpgrp(0, 0); exec @ARGV; exit 127 }"
    ' $SIG{ALRM} = sub { $to = 1; kill -9, $p; kill 9, $p; open(F, ">", $m); close F;'
    ' print STDERR "p2c: timed out after ${t}s\\n" };'
    " alarm $t; waitpid $p, 0; $s = $?; alarm 0; exit 124 if $to;"
    " exit($s & 127 ? 128 + ($s & 127) : $s >> 8);"
)


# The line of the script that prints one probe's frame (see build_linux_script).
_FRAME_LINE = re.compile(r"^p2c_frame ([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})$", re.MULTILINE)


def framed_probes(text: str) -> frozenset[str]:
    """The probe ids whose frames a script built by `build_linux_script` prints: what a
    transcript of it may hold, and nothing else."""
    return frozenset(_FRAME_LINE.findall(text))


def check_token(token: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise ValueError("token must be 8 to 32 lowercase hex digits")
    return token


def check_probe(probe: Probe) -> Probe:
    if not _PROBE_ID.fullmatch(probe.id):
        raise ValueError(f"probe id {probe.id!r} is not a plain name")
    if probe.timeout < 1:
        raise ValueError(f"probe {probe.id}: timeout must be at least 1 second")
    return probe


def runner(*, use_sudo: bool, max_stdout: int, max_stderr: int) -> str:
    """Shell definitions shared by the online script and the offline collector.

    `p2c_run SECONDS ROOT FRAGMENT` leaves the capped stdout and stderr in $p2c_tmp/out and
    $p2c_tmp/err and sets $p2c_rc and $p2c_trunc (" truncated" or "").
    """
    return f"""\
{PROBE_ENV}umask 077
p2c_sudo={1 if use_sudo else 0}
p2c_uid=$(id -u 2>/dev/null)
# sudo before 1.7 (RHEL 5 before 5.5) has no -n: read the password from /dev/null instead,
# which fails at once rather than waiting for a terminal.
p2c_sudo_n=1
if [ "$p2c_sudo" = 1 ] && [ "$p2c_uid" != 0 ]; then
  sudo -n -V >/dev/null 2>&1 || p2c_sudo_n=""
fi
[ "${{P2C_OLD_SUDO:-}}" = 1 ] && p2c_sudo_n=""  # for tests of that path on a newer sudo
p2c_perl={shlex.quote(_PERL_WATCHDOG)}
p2c_wd=sh
if command -v perl >/dev/null 2>&1 && perl -e 'exit 0' >/dev/null 2>&1; then
  p2c_wd=perl
elif timeout --version 2>/dev/null | grep coreutils >/dev/null 2>&1; then
  p2c_wd=timeout
fi
# For tests of the fallbacks on a machine that has them all.
case ${{P2C_WATCHDOG:-}} in perl|timeout|sh) p2c_wd=$P2C_WATCHDOG ;; esac
p2c_nice=""
nice -n 19 true >/dev/null 2>&1 && p2c_nice=1
p2c_ionice=""
# Before 2.6.25 the idle class needs root and ionice then refuses to run the command at all.
command -v ionice >/dev/null 2>&1 && ionice -c3 true >/dev/null 2>&1 && p2c_ionice=1

# The last-resort watchdog: setsid (when present) gives the probe a process group of its own
# to kill.
p2c_watch() {{
  if command -v setsid >/dev/null 2>&1; then setsid "$@" & else "$@" & fi
  p2c_pid=$!
  (
    i=0
    while [ $i -lt "$p2c_t" ]; do
      sleep 1
      kill -0 "$p2c_pid" || exit 0
      i=$((i + 1))
    done
    : >"$p2c_tmp/timedout"
    kill -9 -"$p2c_pid" || kill -9 "$p2c_pid"
  ) >/dev/null 2>&1 </dev/null &
  p2c_wpid=$!
  wait "$p2c_pid"
  p2c_st=$?
  # The watchdog shell inherited our saved descriptors (the output pipes): end it now.
  kill "$p2c_wpid" >/dev/null 2>&1
  return $p2c_st
}}

p2c_run() {{
  p2c_t=$1
  p2c_root=$2
  p2c_frag=$3
  p2c_rc=125
  p2c_trunc=""
  [ -n "$p2c_tmp" ] || return 0
  rm -f "$p2c_tmp/out" "$p2c_tmp/err" "$p2c_tmp/rc" "$p2c_tmp/timedout" "$p2c_tmp/asroot"
  p2c_via_sudo=""
  set --
  [ -n "$p2c_nice" ] && set -- "$@" nice -n 19
  [ -n "$p2c_ionice" ] && set -- "$@" ionice -c3
  case $p2c_wd in
    perl) set -- "$@" perl -e "$p2c_perl" "$p2c_t" "$p2c_tmp/timedout" ;;
    timeout) set -- "$@" timeout -k 2 "$p2c_t" ;;
  esac
  # Under sudo the whole chain runs as root (so the watchdog may kill the probe), and the
  # command sudo sees is always /bin/sh: one sudoers rule covers every probe.
  if [ "$p2c_root" = 1 ] && [ "$p2c_sudo" = 1 ] && [ "$p2c_uid" != 0 ]; then
    p2c_via_sudo=1
    # The root shell leaves a mark, so a refusal sudo words oddly is still recognised.
    set -- /bin/sh -c ': >"$0"; exec "$@"' "$p2c_tmp/asroot" "$@"
    if [ -n "$p2c_sudo_n" ]; then set -- sudo -n "$@"; else set -- sudo -S -p "" "$@"; fi
  fi
  [ "$p2c_wd" = sh ] && set -- p2c_watch "$@"
  {{ {{ "$@" /bin/sh -c "$p2c_frag" 2>&1 1>&3 3>&-; echo $? >"$p2c_tmp/rc"; }} |
    head -c {max_stderr + 1} >"$p2c_tmp/err" 3>&-; }} 3>&1 </dev/null |
    head -c {max_stdout + 1} >"$p2c_tmp/out"
  p2c_rc=$(cat "$p2c_tmp/rc" 2>/dev/null)
  if [ -n "$p2c_via_sudo" ] && [ ! -f "$p2c_tmp/asroot" ]; then
    # e.g. "sorry, you must have a tty to run sudo" (requiretty): never an empty success.
    echo "p2c: sudo did not run the probe as root: Permission denied" >>"$p2c_tmp/err"
  fi
  [ -n "$p2c_rc" ] || p2c_rc=125
  if [ "$p2c_wd" = timeout ] && [ "$p2c_rc" = 124 ]; then : >"$p2c_tmp/timedout"; fi
  if [ -f "$p2c_tmp/timedout" ]; then
    [ "$p2c_wd" = perl ] || echo "p2c: timed out after ${{p2c_t}}s" >>"$p2c_tmp/err"
    p2c_rc=124
    p2c_trunc=" truncated"
  fi
  p2c_n=$(wc -c <"$p2c_tmp/out" 2>/dev/null)
  [ ${{p2c_n:-0}} -gt {max_stdout} ] && p2c_trunc=" truncated"
  p2c_n=$(wc -c <"$p2c_tmp/err" 2>/dev/null)
  [ ${{p2c_n:-0}} -gt {max_stderr} ] && p2c_trunc=" truncated"
  return 0
}}

# p2c_stdout / p2c_stderr: the captured output of the last p2c_run, capped.
p2c_stdout() {{
  [ -n "$p2c_tmp" ] && head -c {max_stdout} "$p2c_tmp/out"
  return 0
}}
p2c_stderr() {{
  if [ -n "$p2c_tmp" ]; then
    head -c {max_stderr} "$p2c_tmp/err"
  else
    echo "p2c: cannot create a private temporary directory: Permission denied"
  fi
  return 0
}}
"""


def _fragment(probe: Probe) -> str:
    return shlex.quote(PROBE_ENV + probe.script)


def run_line(probe: Probe, use_sudo: bool) -> str:
    root = 1 if use_sudo and probe.needs_root else 0
    return f"p2c_run {int(probe.timeout)} {root} {_fragment(probe)}"


def _private_tmp(nonce: str) -> str:
    # mktemp -d is missing or different on some old systems; mkdir is atomic and never
    # follows a symlink planted at the final name, so the fallback is safe too.
    return f"""\
p2c_tmp=""
for p2c_base in "${{TMPDIR:-/tmp}}" /tmp /var/tmp /dev/shm "$HOME"; do
  [ -n "$p2c_base" ] && [ -d "$p2c_base" ] && [ -w "$p2c_base" ] || continue
  p2c_tmp=$(mktemp -d "$p2c_base/p2c.XXXXXXXXXX" 2>/dev/null)
  [ -n "$p2c_tmp" ] && [ -d "$p2c_tmp" ] && [ -O "$p2c_tmp" ] && break
  p2c_tmp="$p2c_base/p2c.$$.{nonce}"
  mkdir -m 700 "$p2c_tmp" 2>/dev/null && break
  p2c_tmp=""
done
trap 'rm -rf "$p2c_tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
"""


def build_linux_script(
    probes: Iterable[Probe],
    *,
    use_sudo: bool,
    token: str,
    max_stdout: int = MAX_STDOUT,
    max_stderr: int = MAX_STDERR,
) -> str:
    """The framed probe script for one host; its stdout parses with `parse_framed`.

    The token appears literally in the script (`@@P2C <token> `): the fleet lab finds it there.
    """
    check_token(token)
    probes = [check_probe(probe) for probe in probes]
    parts = [
        f"# p2c probe script: framed transcript, marker @@P2C {token} (read-only on this host)\n",
        runner(use_sudo=use_sudo, max_stdout=max_stdout, max_stderr=max_stderr),
        _private_tmp(secrets.token_hex(6)),
        f"""
p2c_frame() {{
  printf '\\n@@P2C {token} BEGIN %s\\n' "$1"
  p2c_stdout
  printf '\\n@@P2C {token} STDERR %s\\n' "$1"
  p2c_stderr
  printf '\\n@@P2C {token} END %s %s%s\\n' "$1" "$p2c_rc" "$p2c_trunc"
}}
""",
    ]
    for probe in probes:
        parts.append(f"{run_line(probe, use_sudo)}\np2c_frame {probe.id}\n")
    parts.append("exit 0\n")
    return "".join(parts)
