"""``wumbo run`` in-process: records, failures of every kind, formats, executors, options."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import (
    pipelines_module,  # noqa: F401  (the pipelines fixture)
    recorded,
    records,
    write_jsonl,
)

from wumbo.cli import main


def numbers_input(path: Path) -> Path:
    return write_jsonl(
        path,
        [{"n": 1}, {"n": 2}, {"n": 7}, '{"n": 4', {"n": "x"}, {"m": 5}, {"n": 6}],
    )


def test_every_line_yields_one_record_in_one_of_two_files(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = numbers_input(tmp_path / "numbers.jsonl")
    with source.open("a") as stream:
        stream.write("\n   \n")  # blank lines are not items
    status = main(["run", f"{pipelines}:numbers", str(source), "--no-progress"])
    assert status == 1
    out, errors = tmp_path / "numbers.out.jsonl", tmp_path / "numbers.errors.jsonl"
    assert recorded(out, errors) == [1, 2, 3, 4, 5, 6, 7]
    assert records(out) == [
        {"line": 1, "output": {"n": 1, "doubled": 2, "tags": ["number", "odd"]}},
        {"line": 2, "output": {"n": 2, "doubled": 4, "tags": ["even", "number"]}},
        {"line": 7, "output": {"n": 6, "doubled": 12, "tags": ["even", "number"]}},
    ]
    by_line = {record["line"]: record for record in records(errors)}
    assert by_line[3] == {
        "line": 3,
        "stage": "check",
        "position": 2,
        "error_type": "str",
        "error": "7 is a multiple of seven",
        "input": {"n": 7},
    }
    assert by_line[4]["stage"] == "read"
    assert by_line[4]["position"] == 0
    assert by_line[4]["input"] == '{"n": 4'
    assert "not valid JSON" in str(by_line[4]["error"])
    assert by_line[5]["stage"] == "parse"
    assert by_line[5]["position"] == 1
    assert by_line[5]["error_type"] == "ValueError"
    assert by_line[5]["input"] == {"n": "x"}
    assert by_line[6]["error_type"] == "KeyError"
    shown = capsys.readouterr().out
    assert "3 results in" in shown
    assert "4 failures in" in shown
    for stage in ("parse", "check", "double"):
        assert stage in shown


def test_all_items_succeeding_exits_0_and_shows_stage_timings(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "ok.jsonl", [{"n": n} for n in (1, 2, 3)])
    out = tmp_path / "elsewhere.jsonl"
    errors = tmp_path / "problems.jsonl"
    args = ["run", f"{pipelines}:numbers", str(source), "-o", str(out), "--errors", str(errors)]
    assert main([*args, "--no-progress"]) == 0
    assert recorded(out) == [1, 2, 3]
    assert errors.read_text() == ""
    shown = capsys.readouterr().out
    assert "stages" in shown
    assert "p95" in shown
    for position, stage in enumerate(["parse", "check", "double"], start=1):
        assert re.search(rf"^{position}\s+{stage}\s+3\s+0\s", shown, re.MULTILINE), shown


def test_invalid_utf8_is_a_read_error_and_the_run_goes_on(pipelines: str, tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"n": 1}\r\n{"n": "\xff"}\n{"n": 2}\n')
    assert main(["run", f"{pipelines}:numbers", str(source), "--no-progress"]) == 1
    bad = records(tmp_path / "mixed.errors.jsonl")
    assert [(record["line"], record["stage"]) for record in bad] == [(2, "read")]
    assert "not valid UTF-8" in str(bad[0]["error"])
    assert recorded(tmp_path / "mixed.out.jsonl") == [1, 3]


def test_csv_rows_are_dicts_and_a_ragged_row_is_a_read_error(
    pipelines: str, tmp_path: Path
) -> None:
    source = tmp_path / "numbers.csv"
    source.write_text('n,label\n1,one\n2,"two\nlines"\n3\n\n4,four\n')
    assert main(["run", f"{pipelines}:numbers", str(source), "--no-progress"]) == 1
    assert recorded(tmp_path / "numbers.out.jsonl") == [2, 3, 7]
    (ragged,) = records(tmp_path / "numbers.errors.jsonl")
    assert ragged["line"] == 5
    assert ragged["error"] == "expected 2 fields (n, label), got 1"
    assert ragged["input"] == "3"


def test_format_option_overrides_the_suffix(pipelines: str, tmp_path: Path) -> None:
    source = tmp_path / "numbers.txt"
    source.write_text("n\n5\n")
    assert main(["run", f"{pipelines}:numbers", str(source), "--format", "csv"]) == 0
    assert records(tmp_path / "numbers.out.jsonl")[0]["line"] == 2


def test_outputs_that_are_not_json_become_write_errors(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "odd.jsonl", [{"n": 1}, {"n": 2}, {"n": 3}])
    assert main(["run", f"{pipelines}:odd_outputs", str(source), "--no-progress"]) == 1
    assert records(tmp_path / "odd.out.jsonl") == [{"line": 3, "output": {"n": 3}}]
    nan, opaque = records(tmp_path / "odd.errors.jsonl")
    assert (nan["stage"], nan["error_type"], nan["input"]) == ("write", "NotEncodable", {"n": 1})
    assert "not JSON compliant" in str(nan["error"])
    assert "object is not JSON serializable" in str(opaque["error"])


def test_async_pipelines_run_too(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "words.jsonl", [{"word": "hi"}, {}, {"word": "yo"}])
    assert main(["run", f"{pipelines}:loud", str(source), "-c", "2", "--no-progress"]) == 1
    assert records(tmp_path / "words.out.jsonl") == [
        {"line": 1, "output": "HI"},
        {"line": 3, "output": "YO"},
    ]
    assert records(tmp_path / "words.errors.jsonl")[0]["stage"] == "shout"


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_unordered_runs_on_executors_record_every_line_once(
    pipelines: str, tmp_path: Path, executor: str
) -> None:
    source = write_jsonl(tmp_path / "many.jsonl", [{"n": n} for n in range(1, 41)])
    args = ["run", f"{pipelines}:plain_numbers", str(source), "--unordered", "-e", executor]
    assert main([*args, "-c", "4", "--no-progress"]) == 1
    out, errors = tmp_path / "many.out.jsonl", tmp_path / "many.errors.jsonl"
    assert recorded(out, errors) == list(range(1, 41))
    assert recorded(errors) == [7, 14, 21, 28, 35]


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_inline_runs_write_what_the_executors_write(
    pipelines: str, tmp_path: Path, executor: str
) -> None:
    """Inline, a synchronous pipeline runs item after item without ``map``: same records."""
    source = numbers_input(tmp_path / "numbers.jsonl")
    written = {}
    for way in ("inline", executor):
        out, errors = tmp_path / f"{way}.out.jsonl", tmp_path / f"{way}.errors.jsonl"
        args = ["run", f"{pipelines}:plain_numbers", str(source), "-e", way, "--no-progress"]
        assert main([*args, "-o", str(out), "--errors", str(errors)]) == 1
        written[way] = (out.read_text(), errors.read_text())
    assert written["inline"] == written[executor]
    assert written["inline"][0].count("\n") == 3


def test_template_decorated_stages_run_on_processes(pipelines: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "few.jsonl", [{"n": 1}, {"n": 2}])
    args = ["run", f"{pipelines}:numbers", str(source), "-e", "processes", "--no-progress"]
    assert main(args) == 0


def test_an_item_over_the_timeout_is_an_error_record(pipelines: str, tmp_path: Path) -> None:
    import importlib

    source = write_jsonl(tmp_path / "slow.jsonl", [{"n": n} for n in (1, 2, 3, 4)])
    module = importlib.import_module(pipelines)
    try:
        args = ["run", f"{pipelines}:hanging", str(source), "-e", "threads", "--timeout", "0.2"]
        assert main([*args, "--no-progress"]) == 1
    finally:
        module.release.set()
    (late,) = records(tmp_path / "slow.errors.jsonl")
    assert (late["line"], late["stage"], late["position"]) == (3, "hang_on_three", 0)
    assert late["error_type"] == "ItemTimeout"
    assert recorded(tmp_path / "slow.out.jsonl") == [1, 2, 4]


def test_a_registered_template_runs_by_name_with_its_config(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "values.jsonl", [3, -4])
    args = ["run", "transform", str(source), "--config", "map_func=null", "--no-progress"]
    assert main(args) == 0
    assert records(tmp_path / "values.out.jsonl") == [
        {"line": 1, "output": [3]},
        {"line": 2, "output": [-4]},
    ]


def test_a_plain_function_is_a_one_stage_pipeline(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "things.jsonl", ['"abc"', [1, 2]])
    assert main(["run", "builtins:len", str(source), "--no-progress"]) == 0
    assert [record["output"] for record in records(tmp_path / "things.out.jsonl")] == [3, 2]


def test_progress_lines_when_not_a_terminal(
    pipelines: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "one.jsonl", [{"n": 1}])
    assert main(["run", f"{pipelines}:numbers", str(source)]) == 0
    shown = capsys.readouterr().out
    assert "\x1b[" not in shown  # no terminal control codes in a file or pipe
    assert json.loads((tmp_path / "one.out.jsonl").read_text())["line"] == 1
