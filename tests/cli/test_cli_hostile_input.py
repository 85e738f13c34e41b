"""Hostile lines: whatever a line holds, ``wumbo run`` records it and goes on, resumed or not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    recorded,
    records,
    run_wumbo,
    write_jsonl,
)

DEEP_LISTS = "[" * 100_000 + "]" * 100_000
LONG_INTEGER = '{"n": ' + "9" * 100_001 + "}"
HOSTILE = {3: DEEP_LISTS, 5: LONG_INTEGER, 6: "9" * 100_001}
DEEP_BUT_READABLE = "[" * 500 + "]" * 500  # read, then no dict: misfit (typed) or a TypeError
LINES = 8


def hostile_input(path: Path) -> Path:
    lines: list[object | str] = [{"n": n} for n in range(1, LINES + 1)]
    for line, text in HOSTILE.items():
        lines[line - 1] = text
    lines[6] = DEEP_BUT_READABLE
    return write_jsonl(path, lines)


def assert_every_line_once(out: Path, errors: Path, *, raw: bool = False) -> None:
    counts = Counter(recorded(out, errors))
    assert sorted(counts) == list(range(1, LINES + 1))
    assert set(counts.values()) == {1}
    read_errors = {
        int(str(r["line"])): r for r in records(errors) if r["error_type"] == "Malformed"
    }
    assert sorted(read_errors) == sorted(HOSTILE)
    for line, text in HOSTILE.items():
        assert read_errors[line]["input"] == text  # the line itself is kept
        assert read_errors[line]["position"] == 0
        assert read_errors[line]["error_type"] == "Malformed"
    assert "nested too deeply" in str(read_errors[3]["error"])
    assert "100001 digits" in str(read_errors[5]["error"])
    (deep,) = [r for r in records(errors) if r["line"] == 7]
    if raw:  # the first stage gets the list, and fails on it
        assert (deep["stage"], deep["error_type"]) == ("parse", "TypeError")
    else:  # decoded into the first stage's `dict`: the list does not fit
        assert (deep["stage"], deep["error_type"]) == ("read", "InputMisfit")
        assert deep["error"] == "the input does not fit dict: Expected `object`, got `array`"


def test_hostile_lines_become_read_errors_and_the_run_goes_on(
    pipelines: str, tmp_path: Path
) -> None:
    source = hostile_input(tmp_path / "in.jsonl")
    finished = run_wumbo("run", f"{pipelines}:numbers", str(source), cwd=tmp_path)
    assert finished.returncode == 1, finished.stderr
    assert "Traceback" not in finished.stderr
    assert_every_line_once(tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl")


def test_hostile_lines_given_raw_reach_the_first_stage(pipelines: str, tmp_path: Path) -> None:
    source = hostile_input(tmp_path / "in.jsonl")
    finished = run_wumbo("run", f"{pipelines}:numbers", str(source), "--raw", cwd=tmp_path)
    assert finished.returncode == 1, finished.stderr
    assert_every_line_once(tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl", raw=True)


FIRST_TWO = ('{"line": 1, ', '{"line": 2, ')


def test_resume_gets_past_hostile_lines(pipelines: str, tmp_path: Path) -> None:
    source = hostile_input(tmp_path / "in.jsonl")
    out, errors = tmp_path / "in.out.jsonl", tmp_path / "in.errors.jsonl"
    command = ("run", f"{pipelines}:numbers", str(source), "--no-progress")
    assert run_wumbo(*command, cwd=tmp_path).returncode == 1
    for path in (out, errors):  # as if the run had stopped right after line 2
        kept = [r for r in path.read_text().splitlines(keepends=True) if r[:12] in FIRST_TWO]
        path.write_text("".join(kept))
    assert recorded(out, errors) == [1, 2]
    resumed = run_wumbo(*command, "--resume", cwd=tmp_path)
    assert resumed.returncode == 1, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert_every_line_once(out, errors)
