"""Stages of every kind, records, the error channel changed by recover/fallback_to, and the
runtime's entry points (run, arun, map, amap): correct and incorrect uses, mypy AND pyright.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypedDict, TypeVar, assert_type, overload

from wumbo import Result, StageError, Success, Template, template
from wumbo.core.many import ResultStream
from wumbo.decorators import cache, fallback_to, recover, retry, timeout

from _stages import ErrA, ErrB, ErrC, check_a, double, fetch_checked, parse, show

T = TypeVar("T")
parse_t = template(parse)
check_a_t = template(check_a)

# -- generic, Protocol, overloaded, None-returning, object-taking stages --------------------


def first_of(items: Sequence[T]) -> T:
    return items[0]


class Sized(Protocol):
    def __len__(self) -> int: ...


def size(value: Sized) -> int:
    return len(value)


@overload
def widen(value: int) -> float: ...
@overload
def widen(value: str) -> str: ...
def widen(value: int | str) -> float | str:
    return float(value) if isinstance(value, int) else value


def log_anything(value: object) -> None:
    print(value)


def describe(value: object) -> str:
    return repr(value)


words = template(str.split)
assert_type(words | first_of, Template[str, str])
assert_type(words | size, Template[str, int])  # a list fits the Protocol
assert_type(template(str.strip) | size, Template[str, int])
assert_type(parse_t | widen, Template[str, float])  # the overload that fits int
assert_type(template(log_anything), Template[object, None])
assert_type(parse_t | log_anything, Template[str, None])
assert_type(parse_t | describe, Template[str, str])  # object-taking: takes anything
assert_type(check_a_t | describe, Template[int, str, ErrA])

# -- records: TypedDict and dataclass ---------------------------------------------------------


class Row(TypedDict):
    name: str
    qty: int


@dataclass(frozen=True)
class Line:
    name: str
    qty: int


def to_row(text: str) -> Row:
    name, qty = text.split(":")
    return {"name": name, "qty": int(qty)}


def to_line(row: Row) -> Line:
    return Line(row["name"], row["qty"])


def checked_line(line: Line) -> Result[Line, ErrC]:
    return Success(line)


lines = template(to_row) | to_line | checked_line
assert_type(lines, Template[str, Line, ErrC])
assert_type(lines.run("a:1"), Line)
assert_type(lines.then(lambda line: line.qty), Template[str, int, ErrC])

# -- decorators on every kind of stage: plain, async, Result, composed -----------------------

assert_type(timeout(1.0)(check_a), Template[int, int, ErrA])  # Result
assert_type(cache()(fetch_checked), Template[int, str, ErrB])  # async Result
assert_type(retry()(lines), Template[str, Line, ErrC])  # composed
assert_type(cache()(to_row), Template[str, Row])  # plain, a record

# -- recover / fallback_to replace the primary's errors with the fallback's ------------------


def zero_or_err(value: int, error: object) -> Result[int, ErrC]:
    return Success(0)


def backup(value: int) -> Result[str, ErrB]:
    return Success(str(value))


assert_type(recover(zero_or_err)(check_a), Template[int, int, ErrC])  # ErrA handled, ErrC new
assert_type(fallback_to(backup)(check_a), Template[int, int | str, ErrB])
assert_type(fallback_to(show)(check_a_t), Template[int, int | str])  # ErrA handled, none left
assert_type(parse_t | recover(zero_or_err)(check_a) | show, Template[str, str, ErrC])

# -- the runtime: run, arun, map, amap -------------------------------------------------------

pipeline = parse_t | check_a | double
assert_type(pipeline.run("1"), int)
assert_type(pipeline.map(["1", "2"]), Generator[Result[int, ErrA | StageError], None, None])
assert_type(pipeline.amap(["1"]), ResultStream[Result[int, ErrA | StageError]])
streamed: AsyncGenerator[Result[int, ErrA | StageError], None] = pipeline.amap(["1"])
for item in pipeline.map(["1", "2"]):
    assert_type(item, Result[int, ErrA | StageError])


async def consume(texts: Iterable[str]) -> list[int]:
    assert_type(await pipeline.arun("1"), int)
    values: list[int] = []
    async for result in pipeline.amap(texts, concurrency=2):
        assert_type(result, Result[int, ErrA | StageError])
        values.append(result.value_or(0))
    collected = await pipeline.amap(texts, ordered=False)
    assert_type(collected, list[Result[int, ErrA | StageError]])
    return values


# ============================================================================================
# Incorrect cases
# ============================================================================================

bad_generic: object = words | first_of | double  # type: ignore[operator]
bad_protocol: object = parse_t | size  # type: ignore[operator]
bad_overload: object = template(str.split) | widen  # type: ignore[operator]
bad_none: object = parse_t | log_anything | double  # type: ignore[operator]
bad_record_key: object = template(to_row) | (lambda row: row["price"])  # type: ignore[typeddict-item]
bad_record_type: object = template(to_row) | checked_line  # type: ignore[operator]
bad_record_run: str = lines.run("a:1")  # type: ignore[assignment]
bad_recover_errors: Template[int, int, ErrA] = recover(zero_or_err)(check_a)  # type: ignore[assignment]
bad_map_items: object = pipeline.map([1, 2])  # type: ignore[list-item]
bad_map_value: Generator[Result[str, ErrA | StageError], None, None] = pipeline.map(["1"])  # type: ignore[assignment]
bad_run_input: object = pipeline.run(1)  # type: ignore[arg-type]


async def bad_amap() -> None:
    async for result in pipeline.amap(["1"]):
        wrong: Result[str, StageError] = result  # type: ignore[assignment]
        print(wrong)
    wrong_list: list[Result[str, StageError]] = await pipeline.amap(["1"])  # type: ignore[assignment]
    print(wrong_list)
