"""The lab's cmd.exe: the subset of its command-line handling the collectors rely on."""

from assessments.facts import ProbeOutput
from assessments.lab.cmdexe import is_cmd, run_cmd, split_commands


def answer(command: str) -> ProbeOutput:
    if command == "fail":
        return ProbeOutput(b"", b"failed\r\n", 3)
    return ProbeOutput(f"ran {command}\r\n".encode(), b"", 0)


def test_it_splits_on_ampersands_outside_quotes_only():
    assert split_commands('a&"b&c"&>&2 d') == ["a", '"b&c"', ">&2 d"]


def test_it_recognises_cmd_lines():
    assert is_cmd("cmd /c ver")
    assert is_cmd("CMD.EXE /d /c ver")
    assert not is_cmd("cmdkey /list")


def test_it_strips_the_outer_quotes_with_s():
    out = run_cmd('cmd /d /s /c "reg query "HKLM\\A B" /v X"', answer)
    assert out.stdout == b'ran reg query "HKLM\\A B" /v X\r\n'


def test_it_echoes_text_to_stdout_or_stderr():
    out = run_cmd('cmd /s /c "echo one&>&2 echo two&echo three 1>&2"', answer)
    assert out.stdout == b"one\r\n"
    assert out.stderr == b"two\r\nthree\r\n"


def test_it_expands_errorlevel_only_with_delayed_expansion():
    line = '/s /c "cmd /d /s /c "fail" <nul&echo rc=!ERRORLEVEL!"'
    assert run_cmd("cmd /v:on " + line, answer).stdout == b"rc=3\r\n"
    assert run_cmd("cmd " + line, answer).stdout == b"rc=!ERRORLEVEL!\r\n"


def test_a_nested_cmd_ends_with_its_commands_exit_code():
    out = run_cmd('cmd /d /s /c "fail"', answer)
    assert (out.stderr, out.rc) == (b"failed\r\n", 3)
