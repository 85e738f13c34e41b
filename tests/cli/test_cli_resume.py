"""``--resume``: interrupted runs (SIGKILL, Ctrl-C) continue without losing or repeating a line."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    recorded,
    records,
    run_wumbo,
    subprocess_env,
    write_jsonl,
    wumbo_command,
)

from wumbo.cli import main
from wumbo.cli.exits import CommandLineError
from wumbo.cli.fingerprint import Checkpoints, ConsumedInput, fingerprint_path, load_fingerprint
from wumbo.cli.records import RecordFiles, output_line
from wumbo.cli.resume import recorded_lines

ITEMS = 1500


def big_input(path: Path) -> Path:
    lines: list[object | str] = [{"n": n} for n in range(1, ITEMS + 1)]
    lines[99] = '{"n": broken'  # line 100 is malformed
    return write_jsonl(path, lines)


def assert_each_line_once(out: Path, errors: Path) -> None:
    for path in (out, errors):
        assert path.read_bytes().endswith(b"\n")
    counts = Counter(recorded(out, errors))
    assert sorted(counts) == list(range(1, ITEMS + 1))
    assert set(counts.values()) == {1}
    assert 100 in recorded(errors)
    for record in records(out):
        output = record["output"]
        assert isinstance(output, dict)
        assert output["doubled"] == 2 * int(str(record["line"]))


def wait_for_records(path: Path, timeout: float = 30.0) -> None:
    """Until the running process has flushed some records (it flushes every second)."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_bytes().count(b"\n") >= 10):
        assert time.monotonic() < deadline, "the run wrote no records in time"
        time.sleep(0.05)


def start_slow_run(pipelines: str, source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        wumbo_command("run", f"{pipelines}:numbers", str(source), "--no-progress"),
        cwd=source.parent,
        env=subprocess_env(WUMBO_TEST_DELAY="0.002"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_partial_last_record_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"line": 2, "output": 1}\n{"line": 5, "outp')
    assert recorded_lines(path) == {2}
    assert path.read_bytes() == b'{"line": 2, "output": 1}\n'


def test_a_file_that_is_not_records_stops_the_resume(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"line": 1, "output": 1}\n["not", "a", "record"]\n')
    with pytest.raises(CommandLineError, match=r"line 2 of .* is not a record of wumbo run"):
        recorded_lines(path)


def test_resume_runs_only_what_is_missing(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": n} for n in range(1, 11)])
    out, errors = tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl"
    run = ["run", f"{pipelines}:numbers", str(source), "--no-progress"]
    assert main(run) == 1
    kept = out.read_text().splitlines()[:4]
    out.write_text("".join(line + "\n" for line in kept) + '{"line": 9, "out')
    errors.write_text("")
    assert main([*run, "--resume"]) == 1
    assert recorded(out, errors) == list(range(1, 11))
    assert recorded(out)[:4] == [1, 2, 3, 4]  # kept, not run again


def test_resume_when_everything_is_done_runs_nothing(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"n": 1}, {"n": 2}])
    run = ["run", f"{pipelines}:numbers", str(source), "--no-progress"]
    assert main(run) == 0
    capsys.readouterr()
    assert main([*run, "--resume"]) == 0
    assert recorded(tmp_path / "in.out.jsonl") == [1, 2]
    assert "skipped (done before)" in capsys.readouterr().out


def test_a_killed_run_resumes_without_duplicates(pipelines: str, tmp_path: Path) -> None:
    source = big_input(tmp_path / "in.jsonl")
    out, errors = tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl"
    process = start_slow_run(pipelines, source)
    try:
        wait_for_records(out)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    done_before = recorded_lines(out) | recorded_lines(errors)
    assert 0 < len(done_before) < ITEMS
    fingerprint = load_fingerprint(fingerprint_path(out))
    assert fingerprint is not None
    assert fingerprint.lines >= max(done_before)  # every record on disk is covered
    with out.open("ab") as stream:  # as if it had been killed in the middle of a write
        stream.write(b'{"line": 1499, "output": {"n": 14')
    status = main(["run", f"{pipelines}:numbers", str(source), "--resume", "--no-progress"])
    assert status == 1
    assert_each_line_once(out, errors)


def test_ctrl_c_keeps_whole_records_and_resume_continues(pipelines: str, tmp_path: Path) -> None:
    source = big_input(tmp_path / "in.jsonl")
    out, errors = tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl"
    process = start_slow_run(pipelines, source)
    try:
        wait_for_records(out)
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "interrupted after" in stderr
    assert "--resume" in stderr
    assert out.read_bytes().endswith(b"\n")
    assert 0 < len(recorded(out, errors)) < ITEMS
    status = main(["run", f"{pipelines}:numbers", str(source), "--resume", "--no-progress"])
    assert status == 1
    assert_each_line_once(out, errors)


def first_run(pipelines: str, source: Path) -> tuple[list[str], bytes, bytes]:
    """Run over ``source``; the command (for --resume) and the output and errors files' bytes."""
    command = ["run", f"{pipelines}:numbers", str(source), "--no-progress"]
    assert main(command) == 1
    out, errors = source.with_name("in.out.jsonl"), source.with_name("in.errors.jsonl")
    return command, out.read_bytes(), errors.read_bytes()


TEN = "".join(f'{{"n": {n}}}\n' for n in range(1, 11))


@pytest.mark.parametrize(
    "changed",
    [
        '{"n": 0}\n' + TEN,  # a line inserted at the top
        TEN.replace('{"n": 5}', '{"n": 6}'),  # a line edited in place
        TEN.replace('{"n": 5}\n', ""),  # a line removed
        TEN[: -len('{"n": 10}\n')],  # the last line removed
        "\n" + TEN,  # a blank line inserted: every line number moves
    ],
    ids=["inserted", "edited", "removed", "last-removed", "blank-inserted"],
)
def test_resume_refuses_a_changed_input(
    changed: str, pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(TEN)
    command, out, errors = first_run(pipelines, source)
    capsys.readouterr()
    source.write_text(changed)
    assert main([*command, "--resume"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"wumbo run: error: cannot resume: the input '{source}' changed since the records were "
        f"written: its first 10 lines (91 bytes) differ from what was read then; restore it, or "
        f"run without --resume to start over"
    )
    assert (tmp_path / "in.out.jsonl").read_bytes() == out  # nothing written
    assert (tmp_path / "in.errors.jsonl").read_bytes() == errors


def test_a_changed_input_exits_2_with_one_line_from_a_real_process(
    pipelines: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(TEN)
    first_run(pipelines, source)
    source.write_text('{"n": 0}\n' + TEN)
    resumed = run_wumbo("run", f"{pipelines}:numbers", str(source), "--resume", cwd=tmp_path)
    assert resumed.returncode == 2
    (line,) = resumed.stderr.strip().splitlines()
    assert "cannot resume: the input" in line
    assert "changed since the records were written" in line


def test_an_input_that_only_grew_resumes_with_the_new_lines(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(TEN[:-1])  # the last line without its newline: it may get one
    command, out, errors = first_run(pipelines, source)
    source.write_text(TEN + "".join(f'{{"n": {n}}}\n' for n in range(11, 16)))
    capsys.readouterr()
    assert main([*command, "--resume"]) == 1
    summary = capsys.readouterr().out  # 5 items, 4 ok, 1 failed (14), 10 skipped
    assert re.search(r"^ +5 +4 +1 +10 ", summary, re.MULTILINE), summary
    new_out, new_errors = (
        (tmp_path / "in.out.jsonl").read_bytes(),
        (tmp_path / "in.errors.jsonl").read_bytes(),
    )
    assert new_out.startswith(out)
    assert new_errors.startswith(errors)
    assert recorded(tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl") == list(range(1, 16))
    assert [record["line"] for record in records(tmp_path / "in.out.jsonl")][-4:] == [
        11,
        12,
        13,
        15,
    ]


def test_a_last_line_that_grew_longer_is_a_change(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(TEN[:-1])  # ends with '{"n": 10}', no newline
    command, _, _ = first_run(pipelines, source)
    source.write_text(TEN[:-2] + "0}\n")  # line 10 is now {"n": 100}
    assert main([*command, "--resume"]) == 2
    assert "changed since the records were written" in capsys.readouterr().err


def test_records_without_a_fingerprint_are_not_resumed(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(TEN)
    command, _, _ = first_run(pipelines, source)
    fingerprint_path(tmp_path / "in.out.jsonl").unlink()
    assert main([*command, "--resume"]) == 2
    assert "cannot resume: there is no fingerprint" in capsys.readouterr().err


def test_a_resumed_run_keeps_the_fingerprint_it_started_from_until_it_read_further(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.jsonl.fingerprint"
    first = ConsumedInput(io.BytesIO(b"1\n2\n3\n"))
    assert len(list(first)) == 3
    Checkpoints(path, first).save()
    resumed = ConsumedInput(io.BytesIO(b"1\n2\n3\n4\n"))
    lines = iter(resumed)
    checkpoints = Checkpoints(path, resumed, floor=first.fingerprint())
    next(lines)
    checkpoints.save()  # killed now, a resume must still check the 3 lines recorded before
    assert load_fingerprint(path) == first.fingerprint()
    assert len(list(lines)) == 3
    checkpoints.save()
    assert load_fingerprint(path) == resumed.fingerprint()
    assert resumed.fingerprint().lines == 4


def test_the_fingerprint_is_saved_before_the_records_it_covers(tmp_path: Path) -> None:
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    seen: list[bytes] = []
    files = RecordFiles(out, errors, before_write=lambda: seen.append(out.read_bytes()))
    with files:
        files.write(output_line(1, "a"))
        files.flush()
        files.write(output_line(2, "b"))
    assert seen == [b"", output_line(1, "a")]  # each time, before the new records
    assert out.read_bytes() == output_line(1, "a") + output_line(2, "b")
