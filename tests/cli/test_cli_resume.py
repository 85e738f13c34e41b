"""``--resume``: interrupted runs (SIGKILL, Ctrl-C) continue without losing or repeating a line."""

from __future__ import annotations

import os
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
    subprocess_env,
    write_jsonl,
    wumbo_command,
)

from wumbo.cli import main
from wumbo.cli.exits import CommandLineError
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
    done_before = len(recorded_lines(out) | recorded_lines(errors))
    assert 0 < done_before < ITEMS
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
