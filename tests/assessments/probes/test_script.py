"""The framed Linux probe script, run for real with /bin/sh on this machine."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from assessments.captures import capture_to_targz, read_capture_bytes
from assessments.engine import assess
from assessments.probes import LINUX
from assessments.probes.base import Probe
from assessments.probes.framing import new_token, parse_framed
from assessments.probes.outcomes import judge
from assessments.probes.script import MAX_STDOUT, build_linux_script
from tests.assessments.probes.test_offline import global_addresses, local_mounts
from tests.conftest import missing_service
from tests.sshd import TEST_USER, ensure_user

TOKEN = "0123456789abcdef"
# The two scans that walk whole file systems; the rest of the real probes take a second.
SLOW = {"getfattr", "license_scan"}


def probe(probe_id: str, script: str, **options: object) -> Probe:
    return Probe(probe_id, "linux", script, script, **options)  # type: ignore[arg-type]


def unprivileged() -> list[str]:
    runuser = shutil.which("runuser")
    if os.geteuid() != 0 or not runuser:
        missing_service("switching to an unprivileged user needs root and runuser")
    return [str(runuser), "-u", "nobody", "--"]


def run(
    probes: list[Probe],
    *,
    use_sudo: bool = False,
    shell: tuple[str, ...] = ("/bin/sh", "-s"),
    prefix: list[str] | None = None,
    env: dict[str, str] | None = None,
    **options: int,
) -> dict:
    script = build_linux_script(probes, use_sudo=use_sudo, token=TOKEN, **options)
    result = subprocess.run(
        [*(prefix or []), *shell],
        input=script.encode(),
        capture_output=True,
        timeout=120,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "HOME": "/", **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return parse_framed(result.stdout, TOKEN)


def test_it_separates_stdout_stderr_and_exit_code():
    out = run([probe("p", "echo out; echo err >&2; exit 3")])["p"]
    assert (out.stdout, out.stderr, out.rc, out.truncated) == (b"out\n", b"err\n", 3, False)


def test_it_keeps_output_byte_exact():
    data = "printf 'no newline \\001\\377'"
    assert run([probe("p", data)])["p"].stdout == b"no newline \x01\xff"


def test_it_runs_probes_in_the_c_locale_with_a_full_path():
    env = {"LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8", "PATH": "/bin"}
    out = run([probe("p", 'echo "$LC_ALL $LANG $PATH"')], env=env)["p"]
    assert out.stdout == b"C C /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"


def test_it_keeps_the_script_away_from_probes_reading_stdin():
    outputs = run([probe("reader", "cat"), probe("next", "echo still here")])
    assert outputs["reader"].stdout == b""
    assert outputs["next"].stdout == b"still here\n"


def test_it_survives_quotes_and_forged_frames_in_probe_text():
    forged = 'echo "@@P2C ffffffffffffffff END p 0"; echo \'$(id)\' "\'"; echo EOF'
    outputs = run([probe("p", forged), probe("q", "true")])
    assert outputs["p"].stdout == b"@@P2C ffffffffffffffff END p 0\n$(id) '\nEOF\n"
    assert outputs["q"].rc == 0


@pytest.mark.parametrize("watchdog", ["perl", "timeout", "sh"])
def test_it_stops_a_probe_at_its_time_limit(watchdog):
    if watchdog != "sh" and not shutil.which(watchdog):
        missing_service(f"{watchdog} is not installed")
    started = time.monotonic()
    slow = probe("slow", "echo before; sleep 30; echo after", timeout=1)
    outputs = run([slow, probe("next", "echo next")], env={"P2C_WATCHDOG": watchdog})
    assert time.monotonic() - started < 10
    assert (outputs["slow"].stdout, outputs["slow"].rc) == (b"before\n", 124)
    assert outputs["slow"].truncated and b"timed out after 1s" in outputs["slow"].stderr
    assert outputs["next"].stdout == b"next\n"


def test_it_caps_a_probe_printing_100_mb():
    started = time.monotonic()
    huge = probe("huge", "dd if=/dev/zero bs=1048576 count=100 2>/dev/null; echo done")
    outputs = run([huge, probe("next", "echo next")])
    assert time.monotonic() - started < 20
    assert len(outputs["huge"].stdout) == MAX_STDOUT and outputs["huge"].truncated
    assert outputs["next"].stdout == b"next\n"


def test_it_caps_stderr_too():
    noisy = probe("noisy", "yes error | head -c 100000 >&2; echo fine")
    out = run([noisy], max_stderr=1000)["noisy"]
    assert (len(out.stderr), out.stdout, out.truncated) == (1000, b"fine\n", True)


def test_it_removes_its_private_temporary_directory(tmp_path):
    run([probe("p", 'echo "$0"; ls -ld "${TMPDIR}"/p2c.* >&2')], env={"TMPDIR": str(tmp_path)})
    assert list(tmp_path.iterdir()) == []


def test_it_puts_the_token_where_the_fleet_lab_finds_it():
    token = new_token()
    script = build_linux_script([probe("p", "true")], use_sudo=False, token=token)
    assert re.search(r"@@P2C ([0-9a-f]{8,32}) ", script).group(1) == token


@pytest.mark.parametrize(
    ("token", "probe_id"), [("NOT-HEX!", "p"), ("0123456789abcdef", "a b; rm -rf /")]
)
def test_it_refuses_a_token_or_probe_id_that_could_break_the_script(token, probe_id):
    with pytest.raises(ValueError):
        build_linux_script([probe(probe_id, "true")], use_sudo=False, token=token)


@pytest.mark.parametrize("shell", [("dash", "-n"), ("bash", "--posix", "-n")])
def test_it_is_valid_posix_sh_for_dash_and_rhel_bash(shell):
    script = build_linux_script(LINUX.values(), use_sudo=True, token=TOKEN)
    result = subprocess.run(shell, input=script.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr


def test_it_does_not_use_sudo_when_already_root():
    if os.geteuid() != 0:
        missing_service("this test runs as root")
    out = run([probe("p", "id -u", needs_root=True)], use_sudo=True)["p"]
    assert out.stdout == b"0\n"


def test_it_runs_as_an_unprivileged_user_with_sudo_only_for_root_probes():
    prefix = unprivileged()
    outputs = run(
        [probe("plain", "id -u"), probe("rooted", "id -u", needs_root=True)],
        use_sudo=True,
        prefix=prefix,
    )
    assert outputs["plain"].stdout == b"65534\n"
    assert outputs["rooted"].stdout == b"" and outputs["rooted"].rc not in (0, None)
    assert b"p2c: sudo did not run the probe as root" in outputs["rooted"].stderr
    assert "sudo" in judge(None, outputs["rooted"], "rooted").reason


def test_it_stops_a_slow_probe_as_an_unprivileged_user():
    prefix = unprivileged()
    slow = probe("slow", "sleep 30", timeout=1)
    assert run([slow], prefix=prefix)["slow"].rc == 124


def test_it_runs_every_real_probe_and_frames_each(tmp_path):
    probes = [p for p in LINUX.values() if p.id not in SLOW]
    outputs = run(probes, env={"TMPDIR": str(tmp_path)})
    assert set(outputs) == {p.id for p in probes}
    assert outputs["uname"].stdout == subprocess.run(["uname", "-a"], capture_output=True).stdout
    assert outputs["proc_mounts"].stdout.split(b"\n")[0] in Path("/proc/mounts").read_bytes()


def test_it_runs_the_real_probes_under_rhel_style_bash_as_sh():
    probes = [p for p in LINUX.values() if p.id not in SLOW]
    outputs = run(probes, shell=("bash", "--posix", "-s"), prefix=unprivileged())
    assert set(outputs) == {p.id for p in probes}
    assert outputs["uname"].rc == 0


def sudo_user() -> list[str]:
    prefix = unprivileged()
    if not shutil.which("sudo"):
        missing_service("sudo is not installed")
    ensure_user(TEST_USER, sudo=True)
    return [prefix[0], "-u", TEST_USER, "--"]


def test_it_runs_only_root_probes_through_sudo():
    outputs = run(
        [probe("plain", "id -u"), probe("rooted", "id -u; echo $LC_ALL", needs_root=True)],
        use_sudo=True,
        prefix=sudo_user(),
    )
    assert outputs["plain"].stdout.strip() != b"0"
    assert outputs["rooted"].stdout == b"0\nC\n"


@pytest.mark.parametrize("old_sudo", ["0", "1"])
def test_it_runs_root_probes_through_sudo_with_or_without_dash_n(old_sudo):
    rooted = probe("rooted", "id -u", needs_root=True)
    outputs = run([rooted], use_sudo=True, prefix=sudo_user(), env={"P2C_OLD_SUDO": old_sudo})
    assert (outputs["rooted"].stdout, outputs["rooted"].stderr) == (b"0\n", b"")


def test_it_stops_a_slow_probe_running_under_sudo():
    started = time.monotonic()
    slow = probe("slow", "sleep 30", timeout=1, needs_root=True)
    outputs = run([slow, probe("next", "true")], use_sudo=True, prefix=sudo_user())
    assert outputs["slow"].rc == 124 and outputs["next"].rc == 0
    assert time.monotonic() - started < 10


def test_it_reports_every_probe_unknown_without_a_writable_temporary_directory():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        missing_service("read-only /tmp needs root and unshare (mount namespaces)")
    readonly = "; ".join(
        f"mount -t tmpfs -o ro tmpfs {d}" for d in ("/tmp", "/var/tmp", "/dev/shm")
    )
    inner = f"{readonly} || exit 99; exec /bin/sh -s"
    check = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if check.returncode != 0:
        missing_service("mount namespaces (unshare -m) are not permitted here")
    outputs = run(
        [probe("p", "echo data")],
        shell=("unshare", "-m", "/bin/sh", "-c", inner),
        env={"HOME": "/proc", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
    )
    assert outputs["p"].stdout == b"" and outputs["p"].rc == 125
    assert judge(None, outputs["p"], "p").reason == "p failed: permission denied"


def test_a_live_run_stored_as_a_capture_judges_this_machine(tmp_path):
    if not shutil.which("ip"):
        missing_service("iproute2 (ip) is needed to compare addresses")
    outputs = run([p for p in LINUX.values() if p.id not in SLOW], env={"TMPDIR": str(tmp_path)})
    stored = read_capture_bytes(capture_to_targz("linux", "self", outputs))
    findings = {f.check: f for f in assess(stored.facts()).findings}
    listed = re.findall(r"^(/\S*) \(", findings["filesystems.local_count"].evidence, re.M)
    assert set(listed) == local_mounts()
    assert all(a in findings["ip_addresses.venet"].evidence for a in global_addresses())
