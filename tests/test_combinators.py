"""Every combinator: results, failures reported at the combinator, sync and async inner stages."""

from __future__ import annotations

import operator
import pickle

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import (
    StageError,
    Template,
    batch,
    branch,
    expect,
    fallback,
    fan_out,
    filter_items,
    map_items,
    reduce_items,
    tap,
    template,
)


def parse(text: str) -> int:
    return int(text)


async def aparse(text: str) -> int:
    await anyio.sleep(0)
    return int(text)


def positive(n: int) -> Result[int, ValueError]:
    return Success(n) if n > 0 else Failure(ValueError(f"{n} is not positive"))


@pytest.mark.parametrize("inner", [parse, aparse, template(parse)])
def test_map_items(inner: object) -> None:
    stage = map_items(inner)  # type: ignore[call-overload]
    assert stage.run(["1", "2"]) == [1, 2]
    error = stage(["1", "x"]).failure()
    assert isinstance(error, StageError)
    assert error.stage.startswith("map_items(")
    assert error.input == ["1", "x"]
    assert "wumbo: at item 1: 'x'" in error.error.__notes__


def test_map_items_declared_failure_is_returned() -> None:
    failure = map_items(positive)([1, -2, 3]).failure()
    assert isinstance(failure, ValueError)
    assert str(failure) == "-2 is not positive"


def test_filter_items() -> None:
    assert filter_items(str.isdigit).run(["1", "a", "22"]) == ["1", "22"]

    async def even(n: int) -> bool:
        return n % 2 == 0

    assert filter_items(even).run([1, 2, 3, 4]) == [2, 4]
    assert isinstance(filter_items(parse)(["1", "z"]).failure(), StageError)


def test_tap_passes_value_on_and_stops_on_failure() -> None:
    seen: list[int] = []
    assert (template(parse) | tap(seen.append)).run("5") == 5
    assert seen == [5]

    def reject(n: int) -> None:
        raise RuntimeError("audit log down")

    assert isinstance((template(parse) | tap(reject))("5").failure(), StageError)


def smallest(items: list[int]) -> int:
    return min(items)


def largest(items: list[int]) -> int:
    return max(items)


def count(items: list[int]) -> int:
    return len(items)


def test_fan_out_sync_and_async() -> None:
    stats = fan_out(template(smallest), template(largest), template(count))
    assert stats.run([3, 1, 2]) == (1, 3, 3)

    async def slow_len(items: list[int]) -> int:
        await anyio.sleep(0)
        return len(items)

    mixed = fan_out(template(count), template(slow_len))
    assert mixed.is_async
    assert mixed.run([1, 2, 3]) == (3, 3)
    with pytest.raises(TypeError, match="at least two"):
        fan_out(template(smallest))  # type: ignore[call-overload]


def test_fan_out_async_failure_cancels_the_others() -> None:
    cancelled = []

    async def slow(n: int) -> int:
        try:
            await anyio.sleep(5)
        except anyio.get_cancelled_exc_class():
            cancelled.append(n)
            raise
        return n

    async def fail(n: int) -> int:
        raise KeyError(n)

    import time

    started = time.monotonic()
    result = fan_out(template(slow), template(fail))(1)
    assert time.monotonic() - started < 3  # did not wait for the slow branch
    assert isinstance(result.failure(), StageError)
    assert cancelled == [1]


def test_branch() -> None:
    sign: Template[int, str] = branch(lambda n: n >= 0, lambda n: "+", lambda n: "-")
    assert [sign.run(n) for n in (1, -1)] == ["+", "-"]
    typed = branch(str.isdigit, template(parse), template(len))
    assert typed.run("12") == 12
    assert typed.run("abc") == 3


def test_batch() -> None:
    assert batch(2).run(range(5)) == [[0, 1], [2, 3], [4]]
    assert batch(3).run([]) == []
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="positive int"):
            batch(bad)  # type: ignore[arg-type]


def test_reduce_items() -> None:
    def add(left: int, right: int) -> int:
        return left + right

    assert reduce_items(add).run([1, 2, 3]) == 6

    def add_length(total: int, text: str) -> int:
        return total + len(text)

    assert reduce_items(add_length, 0).run(["ab", "c"]) == 3
    error = reduce_items(add)([]).failure()
    assert isinstance(error, StageError)
    assert "empty iterable" in str(error)


def test_fallback() -> None:
    def from_cache(key: str) -> str:
        raise KeyError(key)

    def from_source(key: str) -> str:
        return key.upper()

    assert fallback(from_cache, from_source).run("k") == "K"
    assert fallback(from_source, from_cache).run("k") == "K"

    def declared(key: str) -> Result[str, LookupError]:
        return Failure(LookupError(key))

    assert fallback(declared, from_source).run("k") == "K"
    assert isinstance(fallback(from_cache, declared)("k").failure(), LookupError)


def test_expect() -> None:
    import json

    load = template(json.loads) | expect(list[int])
    assert load.run("[1, 2]") == [1, 2]
    error = load('{"a": 1}').failure()
    assert isinstance(error, StageError)
    assert error.stage == "expect(list[int])"
    assert "list[int]" in str(error.error)
    assert expect(int | None).run(None) is None


def test_combinators_pickle() -> None:
    pipeline = (
        template(str.split)
        | map_items(parse)
        | filter_items(bool)
        | batch(2)
        | map_items(sum)
        | reduce_items(operator.add, 0)
    )
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone.run("1 0 2 3") == pipeline.run("1 0 2 3") == 6
    assert clone == pipeline


@pytest.mark.anyio
async def test_combinators_in_async_code() -> None:
    pipeline = template(str.split) | map_items(aparse) | reduce_items(operator.add)
    assert await pipeline.acall("1 2 3") == Success(6)
