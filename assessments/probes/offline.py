"""Offline collector scripts, generated from the probe definitions, for air-gapped hosts.

Users copy the script to the host, run it (as root / Administrator for complete results) and
bring the capture back for `assess_capture`, `import_capture` or the upload page:

- Linux: a POSIX sh script (dash, RHEL 5's bash as sh, busybox-less old userlands) that runs
  every Linux probe with the same runner as the SSH script (time limits, output caps,
  `LC_ALL=C`) and writes `p2c-capture-<host>-<date>/` with `manifest.json` and
  `<probe>.txt/.err/.rc`, then `<that>.tar.gz`.
- Windows: a `.cmd` batch file for `cmd.exe` from Windows Server 2003 on (no PowerShell) that
  runs every Windows probe command and writes the same files into a folder, which users zip
  ("Send to > Compressed (zipped) folder") or copy as it is.
"""

from assessments.probes import LINUX, WINDOWS
from assessments.probes.base import Probe
from assessments.probes.script import check_probe, run_line, runner

COLLECTOR_VERSION = "1"
LINUX_FILENAME = "p2c-collect-linux.sh"
WINDOWS_FILENAME = "p2c-collect-windows.cmd"
# Offline there is no transport limit, so allow more than the SSH script does.
OFFLINE_MAX_STDOUT = 32 * 1024 * 1024
OFFLINE_MAX_STDERR = 256 * 1024


def collector_script(os_family: str) -> tuple[str, str]:
    """(file name, content) of the offline collector for `os_family`, for download or print."""
    if os_family == "linux":
        return LINUX_FILENAME, build_linux_collector(list(LINUX.values()))
    if os_family == "windows":
        return WINDOWS_FILENAME, build_windows_collector(list(WINDOWS.values()))
    raise ValueError(f"no offline collector for {os_family!r}")


def build_linux_collector(
    probes: list[Probe],
    max_stdout: int = OFFLINE_MAX_STDOUT,
    max_stderr: int = OFFLINE_MAX_STDERR,
) -> str:
    probes = [check_probe(probe) for probe in probes]
    steps = "".join(
        f'echo "p2c: {probe.id}" >&2\n{run_line(probe, False)}\np2c_save {probe.id}\n'
        for probe in probes
    )
    return f"""#!/bin/sh
# P2C offline collector for Linux (collector version {COLLECTOR_VERSION}).
# Generated from the probe definitions of the P2C readiness dashboard.
#
# Usage: sh {LINUX_FILENAME} [OUTPUT-DIRECTORY]      (default: the current directory)
#
# Run it as root for complete results. It only reads the system; it writes nothing but the
# capture: OUTPUT-DIRECTORY/p2c-capture-<host>-<date>/ and the same as a .tar.gz. Bring the
# .tar.gz back and run `python manage.py assess_capture FILE` or upload it.
{runner(use_sudo=False, max_stdout=max_stdout, max_stderr=max_stderr)}
p2c_out=${{1:-.}}
[ -d "$p2c_out" ] && [ -w "$p2c_out" ] || {{ echo "p2c: cannot write to $p2c_out" >&2; exit 1; }}
p2c_out=$(cd "$p2c_out" && pwd)
p2c_host=$(uname -n 2>/dev/null | tr -cd 'A-Za-z0-9._-')
[ -n "$p2c_host" ] || p2c_host=unknown
p2c_now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
p2c_name="p2c-capture-$p2c_host-$(date -u +%Y%m%d-%H%M%S)"
p2c_dir="$p2c_out/$p2c_name"
mkdir -m 700 "$p2c_dir" || {{ echo "p2c: cannot create $p2c_dir" >&2; exit 1; }}
p2c_tmp="$p2c_dir/.p2c-tmp"
mkdir -m 700 "$p2c_tmp" || {{ echo "p2c: cannot create $p2c_tmp" >&2; exit 1; }}
trap 'rm -rf "$p2c_tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$p2c_uid" = 0 ] || echo "p2c: not running as root: some probes will be incomplete" >&2
p2c_truncated=""

p2c_save() {{
  p2c_stdout >"$p2c_dir/$1.txt"
  p2c_stderr >"$p2c_dir/$1.err"
  [ -s "$p2c_dir/$1.err" ] || rm -f "$p2c_dir/$1.err"
  echo "$p2c_rc" >"$p2c_dir/$1.rc"
  if [ -n "$p2c_trunc" ]; then
    p2c_truncated="$p2c_truncated${{p2c_truncated:+, }}\\"$1\\""
  fi
}}

{steps}
p2c_json='{{"format": 1, "os_family": "linux", "hostname": "%s", "collected_at": "%s",'
p2c_json="$p2c_json"' "collector": "{LINUX_FILENAME} {COLLECTOR_VERSION}", "truncated": [%s]}}\\n'
printf "$p2c_json" "$p2c_host" "$p2c_now" "$p2c_truncated" >"$p2c_dir/manifest.json"
rm -rf "$p2c_tmp"
if (cd "$p2c_out" && tar -cf - "$p2c_name" | gzip -c >"$p2c_name.tar.gz"); then
  chmod 600 "$p2c_out/$p2c_name.tar.gz"
  echo "p2c: capture written to $p2c_out/$p2c_name.tar.gz"
else
  rm -f "$p2c_out/$p2c_name.tar.gz"
  echo "p2c: could not make a .tar.gz; the capture is the directory $p2c_dir"
fi
echo "p2c: bring it back and run: python manage.py assess_capture <that file>"
exit 0
"""


def _windows_step(probe: Probe) -> list[str]:
    if "\n" in probe.script or "\r" in probe.script:
        raise ValueError(f"probe {probe.id}: a Windows probe is one command line")
    target = f'"%P2C_DIR%\\{probe.id}'
    return [
        f"echo p2c: {probe.id}",
        # wmic waits for stdin when its output is redirected: give it nul. /s keeps the
        # command's own quotes as they are.
        f'cmd /d /s /c "{probe.script}" < nul > {target}.txt" 2> {target}.err"',
        f'(echo %ERRORLEVEL%)> {target}.rc"',
        f'for %%F in ({target}.err") do if %%~zF==0 del {target}.err"',
    ]


def build_windows_collector(probes: list[Probe]) -> str:
    probes = [check_probe(probe) for probe in probes]
    lines = [
        "@echo off",
        f"rem P2C offline collector for Windows (collector version {COLLECTOR_VERSION}).",
        "rem Generated from the probe definitions of the P2C readiness dashboard.",
        f"rem Usage: {WINDOWS_FILENAME} [OUTPUT-FOLDER]   (default: the current folder)",
        "rem Run it as Administrator. It only reads the system and writes the capture folder.",
        "setlocal",
        'set "P2C_OUT=%~1"',
        'if "%P2C_OUT%"=="" set "P2C_OUT=%CD%"',
        'set "P2C_NOW="',
        # LocalDateTime is the one locale-independent clock cmd.exe can read (not %DATE%).
        'for /f "tokens=2 delims==" %%a in (\'wmic os get LocalDateTime /value 2^>nul '
        '^| find "="\') do set "P2C_NOW=%%a"',
        'if "%P2C_NOW%"=="" set "P2C_NOW=00000000000000"',
        'set "P2C_WHEN=%P2C_NOW:~0,4%-%P2C_NOW:~4,2%-%P2C_NOW:~6,2%T%P2C_NOW:~8,2%:'
        '%P2C_NOW:~10,2%:%P2C_NOW:~12,2%"',
        'set "P2C_DIR=%P2C_OUT%\\p2c-capture-%COMPUTERNAME%-%P2C_NOW:~0,8%-%P2C_NOW:~8,6%"',
        'if not exist "%P2C_DIR%\\" mkdir "%P2C_DIR%"',
        # goto, not a ( ) block: a folder like "Program Files (x86)" would end the block.
        'if exist "%P2C_DIR%\\" goto p2c_collect',
        'echo p2c: cannot create the folder "%P2C_DIR%"',
        "exit /b 1",
        ":p2c_collect",
    ]
    for probe in probes:
        lines.extend(_windows_step(probe))
    lines += [
        '(echo {"format": 1, "os_family": "windows", "hostname": "%COMPUTERNAME%", '
        f'"collected_at": "%P2C_WHEN%", "collector": "{WINDOWS_FILENAME} '
        f'{COLLECTOR_VERSION}"}}) > "%P2C_DIR%\\manifest.json"',
        "echo.",
        "echo p2c: capture written to the folder %P2C_DIR%",
        "echo p2c: zip it (right-click, Send to, Compressed (zipped) folder) or copy it as it is,",
        "echo p2c: then run: python manage.py assess_capture ^<the folder or zip^>",
        "endlocal",
        "exit /b 0",
    ]
    return "\r\n".join(lines) + "\r\n"
