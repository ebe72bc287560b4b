"""The one place that decides whether a probe's output is usable.

Every probe output is judged before any parser sees it:

- `usable`: exit status 0 (or no exit code recorded and nothing says it failed): the parser
  reads it as data;
- `absent`: an outcome the probe declares benign (`Probe.benign`: tool not installed, file
  absent, feature not configured), matched on exit code and on a pattern anywhere in the
  text; the fact is "not there", and the parser never sees the output (unless the outcome
  says the parser reads it: a missing registry key, quotaon's lying exit codes);
- a probe that declares `partial` (a bounded scan) is read even when cut by the size or
  time limit (a timeout, SIGKILL, SIGALRM, SIGTERM; not a crash): its parser marks the
  result incomplete;
- `failed`: anything else: a non-zero exit we do not recognise, a signal, a timeout, output
  cut at the size limit, a recognised error (sudo wants a password, permission denied). The
  checks that depend on the probe say `unknown`, quoting command, exit code and stderr.

Fail closed: an exit code or message we have not seen before is a failure, never data.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from assessments.parsers.text import decode
from assessments.probes.base import Outcome, Probe, ProbeOutput

TIMED_OUT = 124  # the collectors' watchdogs (perl, GNU timeout, sh) exit with it
SHORT = 3  # non-blank lines: a longer stdout is data that happens to mention a phrase
KILLED = 128  # exit status 128 + N: the command died of signal N
# The signals a limit sends: SIGKILL (a watchdog, the OOM killer), SIGALRM, SIGTERM (the
# output cap's SIGPIPE comes with the frame marked truncated). A segfault or an abort is no
# limit: a bounded scan that crashed part-way is a failure, not a partial result.
LIMIT_SIGNALS = (KILLED + 9, KILLED + 14, KILLED + 15)
EVIDENCE_LINES = 8
EVIDENCE_BYTES = 64 * 1024  # of a stream decoded for evidence only


class State(StrEnum):
    USABLE = "usable"
    ABSENT = "absent"
    FAILED = "failed"


@dataclass(frozen=True)
class Judgement:
    state: State
    reason: str = ""  # for users: why it is absent or failed
    evidence: str = ""  # command, exit code, stderr and stdout heads
    outcome: Outcome | None = None

    @property
    def parse(self) -> bool:
        """Whether the parser reads the output (usable, or a benign outcome it interprets)."""
        return self.state == State.USABLE or (self.outcome is not None and self.outcome.parse)


USABLE = Judgement(State.USABLE)

# Recognised failures: the reason in words users can act on. They make a probe failed even
# when its exit code alone would not (reg.exe exits 1 for "key not found" and for "Access is
# denied" alike), so they are tried before the benign outcomes.
_FAILURES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"sudo: (a )?password is required|sudo: no tty present|a terminal is required"),
        "sudo needs a password (configure NOPASSWD for the probe commands, or scan as root)",
    ),
    (
        re.compile(r"is not in the sudoers file|not allowed to execute"),
        "the user may not run this command with sudo",
    ),
    (
        # RHEL 5/6 ship `Defaults requiretty`: sudo refuses without a terminal.
        re.compile(r"sudo: sorry, you must have a tty to run sudo"),
        "sudo requires a terminal (requiretty): add `Defaults:<user> !requiretty` to sudoers",
    ),
    (
        # EACCES and EPERM as glibc words them in C and, where LC_ALL did not take, in the
        # locales our fleet runs (samples: tests/samples/linux-probe-failure-texts-...).
        re.compile(
            r"Permission denied|Operation not permitted|Keine Berechtigung"
            r"|Permission non accord[ée]e|Permiso denegado|Permesso negato|Permiss[ãa]o negada"
            r"|Die Operation ist nicht erlaubt|Op[ée]ration non permise"
            r"|Operaci[óo]n no permitida|Отказано в доступе|Операция не позволена"
        ),
        "permission denied",
    ),
    (
        re.compile(
            r"Access is denied|Access denied|Acc[eè]s refus[ée]|Zugriff verweigert"
            r"|Acceso denegado|Accesso negato|Acesso negado|Отказано в доступе",
            re.IGNORECASE,
        ),
        "access is denied",
    ),
    (
        re.compile(r"Invalid XSL format"),
        "wmic could not load its /format style sheet (system locale differs from the install "
        "language); collect with `get /value` instead",
    ),
    (re.compile(r"p2c: timed out"), "timed out"),
]

# Reasons for failures that are not recognised errors, by what the text says.
_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"command not found|: not found\b|applet not found"
            r"|is not recognized as an internal or external"
            r"|n'est pas reconnu en tant que commande|no se reconoce como un comando"
            r"|non è riconosciuto come comando|ist entweder falsch geschrieben",
            re.IGNORECASE,
        ),
        "command not found",
    ),
    (
        re.compile(r"Absolute path to '.+' is '.+', so running it may require superuser"),
        "the tool is not on the user's PATH (it needs root)",
    ),
    (re.compile(r"No such file or directory"), "a file it needs does not exist"),
]

# What a shell or tool prints when it did not do the job at all. A probe that printed such
# words and no data failed whatever its exit status says: OpenWrt's ip-tiny exits 0 after
# `Object "xfrm" is unknown`, a fragment ending in `true` keeps the status of `true`, and a
# capture without exit codes may hold a shell's message as its only "output".
_REFUSALS = re.compile(
    r"command not found|: not found\b|applet not found|is unknown, try"
    r"|\b(?i:unknown|invalid|unrecognized|unrecognised|unsupported|illegal) option"
    r"|^Usage: |Segmentation fault|core dumped|^Killed\b|Bus error|Input/output error"
    r"|Cannot allocate memory|Resource temporarily unavailable"
    r"|error while loading shared libraries"
    r"|Absolute path to '.+' is '.+', so running it may require superuser"
    r"|This account is currently not available",
    re.MULTILINE,
)
# Lines a login or sudo prints around a command without stopping it (real samples in
# tests/samples/linux-probe-failure-texts-collection.txt): never a probe's output by themselves.
_NOISE = re.compile(
    r"^(?:sudo: unable to resolve host |Warning: no access to tty|Thus no job control in this"
    r" shell|stty: |Pseudo-terminal will not be allocated)"
)
# What a tool prints on stderr when the listing it printed (and exited 0 on) is not all
# there is: the nf_tables variant of iptables-save shows none of the legacy tables.
_INCOMPLETE: list[tuple[re.Pattern[bytes], str]] = [
    (
        re.compile(rb"iptables-legacy tables present, use iptables-legacy"),
        "legacy iptables tables exist that the nf_tables variant does not list "
        "(iptables-legacy-save shows them)",
    ),
]
SMALL = 4096  # bytes of stdout that may still be "nothing printed" (blank lines)

# -- benign outcomes shared by many probes ---------------------------------------------------

TOOL_ABSENT = Outcome(
    meaning="the tool is not installed",
    rcs=(127,),
    pattern=r"command not found|: not found\b",
    example=ProbeOutput(b"", b"sh: 1: raw: not found\n", 127),
    source="dash(1) on Debian/Ubuntu for a command not on PATH; the probe script prints "
    "'TOOL: command not found' with exit status 127 itself (assessments/probes/linux.py)",
)
FILE_ABSENT = Outcome(
    meaning="the file does not exist",
    rcs=(1,),
    pattern=r"^(?:cat|ls|head): .+: No such file or directory\s*$",
    example=ProbeOutput(b"", b"cat: /etc/selinux/config: No such file or directory\n", 1),
    source="GNU coreutils cat(1) for a missing file (exit status 1)",
)
WINDOWS_TOOL_ABSENT = Outcome(
    meaning="the tool is not installed",
    rcs=(9009, 1),
    pattern=r"is not recognized as an internal or external command"
    r"|n'est pas reconnu en tant que commande interne"
    r"|ist entweder falsch geschrieben oder\s+konnte nicht gefunden werden"
    r"|no se reconoce como un comando interno o externo"
    r"|non è riconosciuto come comando interno o esterno",
    in_stdout=True,
    example=ProbeOutput(
        b"",
        b"'wmic' is not recognized as an internal or external command,\r\n"
        b"operable program or batch file.\r\n",
        9009,
    ),
    source="cmd.exe on Windows Server 2025 / Windows 11 24H2, where wmic is a Feature on "
    "Demand (restrictions.md 0.5: cmd exit 9009)",
)
WINDOWS_TOOL_ABSENT_NO_RC = Outcome(
    meaning="the tool is not installed",
    pattern=WINDOWS_TOOL_ABSENT.pattern,
    in_stdout=True,
    example=ProbeOutput(
        b"'wmic' is not recognized as an internal or external command,\r\n"
        b"operable program or batch file.\r\n"
    ),
    source="an offline capture of the same cmd.exe message, stderr redirected into stdout "
    "and no exit code kept",
)


def judge(probe: Probe | None, out: ProbeOutput, probe_id: str = "") -> Judgement:
    """Whether `out` is usable, absent or failed, with the reason and the evidence."""
    label = probe.label if probe is not None else probe_id
    cut = out.truncated or out.rc == TIMED_OUT or out.rc in LIMIT_SIGNALS
    if cut and probe is not None and probe.partial:
        return USABLE
    incomplete = _incomplete(out.stderr) if out.rc == 0 else None
    if out.rc == 0 and not out.truncated and not incomplete and not _silent_with_error(out):
        return USABLE  # as below, before decoding: text costs up to seven times its bytes
    stderr = decode(out.stderr) if out.stderr else ""
    stdout = decode(out.stdout)
    if incomplete:
        return _failed(label, out, stderr, stdout, f"incomplete: {incomplete}")
    if out.truncated:
        return _failed(label, out, stderr, stdout, "the output was cut (size or time limit)")
    if out.rc == TIMED_OUT:
        return _failed(label, out, stderr, stdout, "timed out")
    if out.rc == 0:
        refused = _recognised(stderr) or ("it printed only an error" if _refusal(stderr) else None)
        if refused is not None:
            return _failed(label, out, stderr, stdout, f"exit status 0 but {refused}")
        return USABLE
    short = len([line for line in stdout.split("\n") if line.strip()]) <= SHORT
    recognised = _recognised(stderr) or (_recognised(stdout) if short else None)
    if recognised is not None:
        return _failed(label, out, stderr, stdout, recognised)
    for outcome in probe.benign if probe is not None else ():
        if outcome.matches(out.rc, stderr, stdout):
            shown = _evidence(label, out, stderr, stdout)
            return Judgement(State.ABSENT, f"{label}: {outcome.meaning}", shown, outcome)
    if out.rc is None:
        if not stdout.strip() and stderr.strip():
            return _failed(label, out, stderr, stdout, "it printed only an error")
        lines = [line for line in stdout.split("\n") if line.strip()]
        if lines and short and all(_NOISE.match(line) for line in lines):
            return _failed(label, out, stderr, stdout, "it printed only noise of the session")
        if (short and _refusal(stdout)) or _refusal(_first_line(stdout)):
            hint = _hint(stdout)
            why = "it printed only an error" + (f" ({hint})" if hint else "")
            return _failed(label, out, stderr, stdout, why)
        return USABLE
    hint = _hint(stderr or stdout)
    reason = f"exit status {out.rc}" + (f" ({hint})" if hint else "")
    return _failed(label, out, stderr, stdout, reason)


def shown(probe: Probe | None, out: ProbeOutput, probe_id: str = "") -> str:
    """The evidence of an output judged usable that its parser could not read: command,
    exit status and the heads of stderr and stdout (bounded), as for a failure."""
    label = probe.label if probe is not None else probe_id
    stderr = decode(out.stderr[:EVIDENCE_BYTES]) if out.stderr else ""
    return _evidence(label, out, stderr, decode(out.stdout[:EVIDENCE_BYTES]))


def _silent_with_error(out: ProbeOutput) -> bool:
    """Exit status 0, nothing but blank lines on stdout, something on stderr: worth reading
    stderr for a failure (cheap: a real output is rarely blank)."""
    return bool(out.stderr.strip()) and len(out.stdout) <= SMALL and not out.stdout.strip()


def _incomplete(stderr: bytes) -> str:
    for pattern, reason in _INCOMPLETE if stderr else ():
        if pattern.search(stderr):
            return reason
    return ""


def _refusal(text: str) -> bool:
    return bool(_REFUSALS.search(text))


def _first_line(text: str) -> str:
    """The first non-blank line: a tool that refused says so there, before its help."""
    return next((line for line in text.split("\n", 50)[:50] if line.strip()), "")


def _recognised(text: str) -> str | None:
    for pattern, reason in _FAILURES:
        if pattern.search(text):
            return reason
    return None


def _hint(text: str) -> str:
    for pattern, hint in _HINTS:
        if pattern.search(text):
            return hint
    return ""


def _failed(label: str, out: ProbeOutput, stderr: str, stdout: str, reason: str) -> Judgement:
    return Judgement(
        State.FAILED, f"{label} failed: {reason}", _evidence(label, out, stderr, stdout)
    )


def _evidence(label: str, out: ProbeOutput, stderr: str, stdout: str) -> str:
    lines = [f"$ {label}", f"exit status: {'not recorded' if out.rc is None else out.rc}"]
    if out.truncated:
        lines.append("output truncated")
    lines += _head("stderr", stderr)
    lines += _head("stdout", stdout)
    return "\n".join(lines)


def _head(name: str, text: str) -> list[str]:
    shown = [line.rstrip() for line in text.split("\n") if line.strip()]
    if not shown:
        return [f"{name}: (empty)"]
    more = len(shown) - EVIDENCE_LINES
    return [
        f"{name}:",
        *(f"  {line[:300]}" for line in shown[:EVIDENCE_LINES]),
        *([f"  ... ({more} more lines)"] if more > 0 else []),
    ]
