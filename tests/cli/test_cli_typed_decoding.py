"""``wumbo run`` decodes each line into the first stage's input type; ``--raw`` does not."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import records, run_wumbo, write_jsonl

from wumbo.cli import main
from wumbo.cli.decoding import decoding_for
from wumbo.cli.loading import load_pipeline
from wumbo.cli.reading import RAW

TYPED = """
import datetime
import enum
from dataclasses import dataclass

from wumbo import template


class Size(enum.Enum):
    SMALL = "S"
    LARGE = "L"


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    size: Size = Size.SMALL


@dataclass(frozen=True)
class Order:
    id: str
    placed: datetime.date
    lines: list[Line]


@dataclass(frozen=True)
class Total:
    order: str
    units: int
    placed: datetime.date
    sizes: list[Size]


def total(order: Order) -> Total:
    units = sum(line.qty for line in order.lines)
    return Total(order.id, units, order.placed, [line.size for line in order.lines])


def flat(row: dict) -> dict:
    return row


def count(line: Line) -> int:
    return line.qty


totals = template(total)
rows = template(flat)
counts = template(count)
"""

GOOD = {"id": "A-1", "placed": "2024-05-01", "lines": [{"sku": "pen", "qty": 2, "size": "L"}]}


@pytest.fixture(name="typed")
def typed_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"cli_typed_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(TYPED)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield name
    sys.modules.pop(name, None)


def _misfits() -> list[object | str]:
    return [
        GOOD,  # 1
        {**GOOD, "placed": 20240501},  # 2: wrong type
        {"id": "A-3", "lines": []},  # 3: missing field
        {**GOOD, "lines": [{"sku": "pen", "qty": 1}, {"sku": "ink", "qty": "two"}]},  # 4: nested
        "{oops",  # 5: not JSON at all
        {**GOOD, "id": "A-6", "extra": True},  # 6: extra fields are ignored
        [GOOD],  # 7: not an object
        {**GOOD, "lines": [{"sku": "pen", "qty": 1, "size": "XL"}]},  # 8: not an enum value
    ]


def test_each_line_is_decoded_into_the_input_type_and_misfits_are_recorded_once_in_order(
    typed: str, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", _misfits())
    finished = run_wumbo("run", f"{typed}:totals", str(source), "--no-progress", cwd=tmp_path)
    assert finished.returncode == 1, finished.stderr
    assert finished.stderr == ""  # no warning: the types are decoded
    outputs = records(tmp_path / "orders.out.jsonl")
    assert outputs == [
        {"line": 1, "output": {"order": "A-1", "units": 2, "placed": "2024-05-01", "sizes": ["L"]}},
        {"line": 6, "output": {"order": "A-6", "units": 2, "placed": "2024-05-01", "sizes": ["L"]}},
    ]
    errors = records(tmp_path / "orders.errors.jsonl")
    assert [error["line"] for error in errors] == [2, 3, 4, 5, 7, 8]  # each once, in order
    assert {(error["stage"], error["position"]) for error in errors} == {("read", 0)}
    by_line = {error["line"]: error for error in errors}
    assert by_line[2]["error_type"] == "InputMisfit"
    assert by_line[2]["error"] == (
        "the input does not fit Order: Expected `date`, got `int` at placed"
    )
    assert by_line[2]["input"] == {**GOOD, "placed": 20240501}  # the JSON value, to fix and rerun
    assert by_line[3]["error"] == (
        "the input does not fit Order: Object missing required field `placed`"
    )
    assert by_line[4]["error"] == (
        "the input does not fit Order: Expected `int`, got `str` at lines[1].qty"
    )
    assert (by_line[5]["error_type"], by_line[5]["input"]) == ("Malformed", "{oops")
    assert by_line[7]["error"] == "the input does not fit Order: Expected `object`, got `array`"
    assert by_line[8]["error"] == (
        "the input does not fit Order: Invalid enum value 'XL' at lines[0].size"
    )


def test_raw_gives_the_first_stage_each_json_value_as_it_is(typed: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [GOOD, [GOOD]])
    status = main(["run", f"{typed}:totals", str(source), "--no-progress", "--raw"])
    assert status == 1
    assert records(tmp_path / "orders.out.jsonl") == []
    errors = records(tmp_path / "orders.errors.jsonl")
    assert [(e["line"], e["stage"], e["error_type"]) for e in errors] == [
        (1, "total", "AttributeError"),  # a dict has no .lines: nothing decoded it
        (2, "total", "AttributeError"),
    ]
    assert errors[0]["input"] == GOOD


def test_an_unannotated_first_stage_gets_the_json_value(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "words.jsonl", ['"wumbo"', [1, 2]])
    assert main(["run", "builtins:len", str(source), "--no-progress"]) == 0
    outputs = records(tmp_path / "words.out.jsonl")
    assert [record["output"] for record in outputs] == [5, 2]


def test_csv_fields_are_converted_from_text_into_the_input_type(typed: str, tmp_path: Path) -> None:
    source = tmp_path / "lines.csv"
    source.write_text("sku,qty,size\npen,2,L\nink,two,S\npad,3,S\n")
    assert main(["run", f"{typed}:counts", str(source), "--no-progress"]) == 1
    assert records(tmp_path / "lines.out.jsonl") == [
        {"line": 2, "output": 2},
        {"line": 4, "output": 3},
    ]
    (misfit,) = records(tmp_path / "lines.errors.jsonl")
    assert misfit == {
        "line": 3,
        "stage": "read",
        "position": 0,
        "error_type": "InputMisfit",
        "error": "the input does not fit Line: Expected `int`, got `str` at qty",
        "input": {"sku": "ink", "qty": "two", "size": "S"},
    }


def test_a_bare_dict_annotation_keeps_every_object_and_refuses_other_values(
    typed: str, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "rows.jsonl", [{"a": [1, {"b": None}]}, 7])
    assert main(["run", f"{typed}:rows", str(source), "--no-progress"]) == 1
    assert records(tmp_path / "rows.out.jsonl") == [{"line": 1, "output": {"a": [1, {"b": None}]}}]
    (misfit,) = records(tmp_path / "rows.errors.jsonl")
    assert (misfit["line"], misfit["error_type"], misfit["input"]) == (2, "InputMisfit", 7)


def test_without_the_serve_extra_lines_go_raw_with_a_warning_naming_it(
    typed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "wumbo.serve.codec", None)  # as if msgspec were missing
    decoding, warning = decoding_for(load_pipeline(f"{typed}:totals"), raw=False)
    assert decoding is RAW
    assert warning is not None
    assert "not decoded into Order" in warning
    assert decoding_for(load_pipeline("builtins:len"), raw=False) == (RAW, None)
    source = write_jsonl(tmp_path / "orders.jsonl", [GOOD])
    assert main(["run", f"{typed}:totals", str(source), "--no-progress"]) == 1
    stderr = capsys.readouterr().err
    assert stderr.startswith("wumbo run: warning: the input lines are not decoded into Order")
    assert "--raw" in stderr
    (error,) = records(tmp_path / "orders.errors.jsonl")
    assert error["error_type"] == "AttributeError"  # the dict went as it is
    assert main(["run", f"{typed}:totals", str(source), "--no-progress", "--raw"]) == 1
    assert capsys.readouterr().err == ""  # --raw asks for it: no warning


def test_a_type_msgspec_cannot_decode_goes_raw_with_a_warning() -> None:
    from wumbo import template

    def either(value: int | list[int] | tuple[int, ...]) -> int:  # two array-like types
        return 1

    decoding, warning = decoding_for(template(either), raw=False)
    assert decoding is RAW
    assert warning is not None
    assert "msgspec cannot decode it: Type unions may not contain more than one" in warning
    assert "\n" not in warning  # one line on stderr
