"""Reading input items and writing records: encodings, CSV quirks, JSON encoding, flushing."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import io
import json
import uuid
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wumbo.cli.reading import Malformed, Numbered, count_items, json_value, read_items
from wumbo.cli.records import (
    ErrorRecord,
    NotEncodable,
    RecordFiles,
    error_line,
    output_line,
    to_json,
)


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    when: datetime.datetime


def test_values_json_cannot_encode_are_converted() -> None:
    value = {
        "point": Point(1, datetime.datetime(2024, 1, 2, 3, 4, 5)),
        "set": {3, 1, 2},
        "mixed": frozenset({1}),
        "color": Color.RED,
        "money": decimal.Decimal("1.10"),
        "id": uuid.UUID(int=1),
        "path": PurePosixPath("/tmp/x"),
        "gap": datetime.timedelta(minutes=1),
    }
    assert json.loads(output_line(1, value))["output"] == {
        "point": {"x": 1, "when": "2024-01-02T03:04:05"},
        "set": [1, 2, 3],
        "mixed": [1],
        "color": "red",
        "money": "1.10",
        "id": "00000000-0000-0000-0000-000000000001",
        "path": "/tmp/x",
        "gap": 60.0,
    }
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        to_json(object())


def test_an_error_record_is_written_even_for_an_input_json_cannot_encode() -> None:
    line = error_line(ErrorRecord(3, "s", 1, "E", "bad", {1j}))
    assert json.loads(line)["input"] == "{1j}"


@given(st.lists(st.one_of(st.none(), st.integers(), st.text(), st.booleans()), max_size=20))
def test_jsonl_round_trip_numbers_every_item_by_its_line(values: list[object]) -> None:
    text = "".join(json.dumps(value) + "\n\n" for value in values).encode()
    items = list(read_items(io.BytesIO(text), "jsonl"))
    assert items == [Numbered(2 * index + 1, value) for index, value in enumerate(values)]
    assert count_items(io.BytesIO(text), "jsonl") == len(values)


JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
).map(json.dumps)


@given(
    st.one_of(
        JSON_TEXT,
        st.tuples(st.sampled_from(["", " ", "\t", "\ufeff"]), JSON_TEXT, st.text(max_size=3)).map(
            "".join
        ),
        st.text(max_size=12),
    ).map(lambda text: text.encode("utf-8", "surrogatepass") + b"\n")
    | st.binary(max_size=12)
)
@example(b"1\x0b\n")  # whitespace to Python, not to JSON
@example(b"[1] \x1c\r\n")
@example(b" \t1 \r\n")
@example(b"\xef\xbb\xbf1\n")
@example(b"1 2\n")
def test_a_line_reads_as_json_loads_reads_it(raw: bytes) -> None:
    """The fast path (json's scanner called directly) agrees with ``json.loads``."""
    value = json_value(raw, 2)
    try:
        expected: object = json.loads(raw.decode())
    except (ValueError, RecursionError):
        assert isinstance(value, Malformed)
    else:
        assert json.dumps(value) == json.dumps(expected)


def test_an_output_that_contains_itself_is_a_write_error_not_a_crash() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(NotEncodable, match="Circular reference detected"):
        output_line(1, loop)


def test_an_output_nested_too_deeply_is_a_write_error_that_says_so() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(NotEncodable, match="maximum recursion depth exceeded"):
        output_line(1, deep)


def test_csv_records_start_where_their_first_line_is() -> None:
    data = b'a,b\r\n1,"x\r\ny"\r\n\r\n2,\xff\r\n3,z\r\n'
    items = list(read_items(io.BytesIO(data), "csv"))
    assert items[0] == Numbered(2, {"a": "1", "b": "x\r\ny"})
    assert items[1].line == 5
    assert isinstance(items[1].value, Malformed)
    assert "line 5 is not valid UTF-8" in items[1].value.reason
    assert items[2] == Numbered(6, {"a": "3", "b": "z"})


def test_an_empty_csv_has_no_items() -> None:
    assert list(read_items(io.BytesIO(b""), "csv")) == []
    assert list(read_items(io.BytesIO(b"a,b\n"), "csv")) == []


def test_records_are_flushed_once_a_second(tmp_path: Path) -> None:
    now = [0.0]
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    files = RecordFiles(out, errors, clock=lambda: now[0])
    try:
        files.write(output_line(1, "a"))
        assert out.read_bytes() == b""  # still buffered
        now[0] = 1.0
        files.write(output_line(2, "b"))
        assert out.read_bytes().count(b"\n") == 2
    finally:
        files.close()


def test_attrs_classes_and_msgspec_structs_are_written_as_objects() -> None:
    import attrs
    import msgspec

    @attrs.define
    class Point:
        x: int
        tags: list[str]

    class Total(msgspec.Struct):
        units: int

    assert json.loads(output_line(1, Point(1, ["a"]))) == {
        "line": 1,
        "output": {"x": 1, "tags": ["a"]},
    }
    assert output_line(2, Total(3)) == b'{"line": 2, "output": {"units": 3}}\n'
