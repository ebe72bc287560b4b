"""cmd.exe's handling of a command line, for the subset WinRM clients send the lab.

Enough of cmd.exe for the lab's Windows hosts to run the collector's batch lines
(`assessments.probes.cmdbatch`): `cmd [/d] [/v:on] [/s] /c "..."` (with /s the first and
last quotes are stripped), commands joined by `&` outside double quotes, `echo` (text as
written, `!ERRORLEVEL!` expanded under /v:on), `>&2` and `1>&2` redirections to stderr,
`<nul`, and nested `cmd`. Any other command goes to `run`, which answers from the host's
profile; its exit code becomes the error level, as in cmd.exe.
"""

import re
from collections.abc import Callable

from assessments.facts import ProbeOutput

Run = Callable[[str], ProbeOutput]
_SWITCH = re.compile(r"^(/[a-zA-Z](?::[a-zA-Z]+)?)\s*")
_TO_STDERR = re.compile(r"(?:^|\s)1?>&2(?:\s|$)")
_STDIN_NUL = re.compile(r"\s*<\s*nul\s*$", re.IGNORECASE)
_PIECES = re.compile(r'"[^"]*"?|[^"&]+|&')  # a quoted run, plain text, or a lone `&`


def is_cmd(command_line: str) -> bool:
    first = command_line.strip().split(" ", 1)[0].casefold()
    return first in ("cmd", "cmd.exe")


def run_cmd(command_line: str, run: Run) -> ProbeOutput:
    """`cmd ... /c LINE` as cmd.exe runs it: LINE's commands in order, outputs joined."""
    rest = command_line.strip().split(" ", 1)[1] if " " in command_line.strip() else ""
    switches: set[str] = set()
    while match := _SWITCH.match(rest):
        switch = match.group(1).casefold()
        rest = rest[match.end() :]
        if switch in ("/c", "/k"):
            break
        switches.add(switch)
    else:
        return ProbeOutput(b"", b"", 0)  # `cmd` without /c would start an interactive shell
    line = rest.strip()
    if line.startswith('"') and line.count('"') >= 2 and ("/s" in switches or line.endswith('"')):
        last = line.rindex('"')
        line = line[1:last] + line[last + 1 :]
    return run_line(line, run, delayed="/v:on" in switches)


def run_line(line: str, run: Run, delayed: bool = False) -> ProbeOutput:
    stdout, stderr = bytearray(), bytearray()
    level = 0
    for command in split_commands(line):
        to_stderr = bool(_TO_STDERR.search(command))
        command = _STDIN_NUL.sub("", _TO_STDERR.sub(" ", command)).strip()
        if not command:
            continue
        if delayed:
            command = re.sub("!errorlevel!", str(level), command, flags=re.IGNORECASE)
        word = command.split(" ", 1)[0].casefold()
        if word == "echo":
            out = ProbeOutput(command[5:].encode() + b"\r\n", b"", level)
        elif is_cmd(command):
            out = run_cmd(command, run)
        else:
            out = run(command)
        if to_stderr:
            stderr += out.stdout + out.stderr
        else:
            stdout += out.stdout
            stderr += out.stderr
        level = out.rc or 0
    return ProbeOutput(bytes(stdout), bytes(stderr), level)


def split_commands(line: str) -> list[str]:
    """`a & "b & c" & d` -> ["a ", ' "b & c" ', " d"]: `&` outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    for piece in _PIECES.findall(line):
        if piece == "&" and not (current and current[-1].endswith(">")):  # not `>&2`
            parts.append("".join(current))
            current = []
        else:
            current.append(piece)
    parts.append("".join(current))
    return parts
