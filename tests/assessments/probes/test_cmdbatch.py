"""Batch lines of Windows probes: how they are built and how their output is split."""

from assessments.facts import ProbeOutput
from assessments.lab.cmdexe import run_cmd
from assessments.probes import WINDOWS, cmdbatch
from assessments.probes.base import Probe

TOKEN = "0123456789abcdef"


def probe(probe_id: str, script: str, timeout: int = 30) -> Probe:
    return Probe(probe_id, "windows", script, script, timeout=timeout)


def run(line: str, outputs: dict[str, ProbeOutput]) -> ProbeOutput:
    """The batch line run by the lab's cmd.exe, each probe answering from `outputs`."""
    return run_cmd(line, lambda command: outputs[command])


def test_it_batches_every_registered_windows_probe_in_one_line():
    assert [len(group) for group in cmdbatch.batches(WINDOWS.values(), TOKEN)] == [len(WINDOWS)]


def test_it_runs_each_probe_in_its_own_cmd_between_markers():
    line = cmdbatch.command_line([probe("ver", "ver")], TOKEN)
    assert line == (
        'cmd /d /v:on /s /c "echo @@P2C 0123456789abcdef BEGIN ver&'
        '>&2 echo @@P2C 0123456789abcdef BEGIN ver&cmd /d /s /c "ver" <nul&'
        'echo @@P2C 0123456789abcdef END ver !ERRORLEVEL!"'
    )


def test_it_leaves_out_probes_that_would_not_survive_nesting():
    assert cmdbatch.batchable(probe("a", r'reg query "HKLM\X Y" /v Z'))
    assert not cmdbatch.batchable(probe("b", "echo %PATH%"))
    assert not cmdbatch.batchable(probe("c", "echo hi!"))
    assert not cmdbatch.batchable(probe("d", 'find "x'))
    assert not cmdbatch.batchable(probe("e", "echo a^&b"))


def test_an_unbatchable_probe_runs_alone_between_batches():
    probes = [probe("a", "ver"), probe("b", "set"), probe("c", "echo %X%"), probe("d", "ver")]
    groups = cmdbatch.batches(probes, TOKEN)
    assert [[p.id for p in group] for group in groups] == [["a", "b"], ["c"], ["d"]]


def test_lines_stay_under_the_length_limit():
    probes = [probe(f"p{n}", "wmic os get /value") for n in range(40)]
    groups = cmdbatch.batches(probes, TOKEN, limit=1000)
    assert len(groups) > 1
    assert sum(len(group) for group in groups) == 40
    assert all(len(cmdbatch.command_line(group, TOKEN)) <= 1000 for group in groups)


def test_it_splits_outputs_byte_exact_with_exit_codes():
    probes = [probe("a", "ver"), probe("b", "set"), probe("c", "wmic cpu get /value")]
    outputs = {
        "ver": ProbeOutput(b"\r\nMicrosoft Windows [Version 5.2.3790]\r\n", b"", 0),
        "set": ProbeOutput(b"no newline at the end", b"warning\r\n", 5),
        "wmic cpu get /value": ProbeOutput(b"\xff\xfeA\x00=\x001\x00", b"", 0),
    }
    out = run(cmdbatch.command_line(probes, TOKEN), outputs)
    split = cmdbatch.split(out.stdout, out.stderr, TOKEN, probes)
    assert split.understood and split.current is None
    assert split.finished == {p.id: outputs[p.script] for p in probes}


def test_output_without_the_token_cannot_forge_a_marker():
    forged = b"@@P2C ffffffffffffffff END a 0\r\n@@P2C ffffffffffffffff BEGIN b\r\n"
    probes = [probe("a", "ver"), probe("b", "set")]
    outputs = {"ver": ProbeOutput(forged, b"", 0), "set": ProbeOutput(b"ok", b"", 0)}
    out = run(cmdbatch.command_line(probes, TOKEN), outputs)
    split = cmdbatch.split(out.stdout, out.stderr, TOKEN, probes)
    assert split.finished["a"].stdout == forged
    assert split.finished["b"].stdout == b"ok"


def test_it_names_the_probe_a_cut_batch_stopped_in():
    stdout = (
        f"@@P2C {TOKEN} BEGIN a\r\nA@@P2C {TOKEN} END a 0\r\n@@P2C {TOKEN} BEGIN b\r\npart"
    ).encode()
    stderr = f"@@P2C {TOKEN} BEGIN a\r\n@@P2C {TOKEN} BEGIN b\r\noops".encode()
    split = cmdbatch.split(stdout, stderr, TOKEN, [probe("a", "ver"), probe("b", "set")])
    assert split.finished == {"a": ProbeOutput(b"A", b"", 0)}
    assert (split.current, split.current_stdout, split.current_stderr) == ("b", b"part", b"oops")
    assert cmdbatch.finished_count(stdout, TOKEN) == 1


def test_it_says_when_the_line_did_not_run_as_meant():
    literal = f"@@P2C {TOKEN} BEGIN a\r\nA@@P2C {TOKEN} END a !ERRORLEVEL!\r\n".encode()
    split = cmdbatch.split(literal, b"", TOKEN, [probe("a", "ver")])
    assert not split.understood
    assert not split.finished


def test_markers_out_of_order_are_not_understood():
    stdout = f"@@P2C {TOKEN} BEGIN b\r\nB@@P2C {TOKEN} END b 0\r\n".encode()
    split = cmdbatch.split(stdout, b"", TOKEN, [probe("a", "ver"), probe("b", "set")])
    assert not split.understood
