"""``amap`` gives, per item, what ``pipeline.acall(item)`` gives: streamed and awaited alike.

Random pipelines of every kind of stage (async and sync, plain and Result-returning, raising,
blocking, checked), random items and concurrency: the Results of ``async for`` over ``amap``
and of ``await pipeline.amap(...)`` match the ones ``acall`` makes item by item. Failures are
compared by what a user sees of them (class, message, stage, position, input, the original
error and its notes), since two raises never give the same exception object.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from wumbo import template
from wumbo.core.many import ResultStream
from wumbo.core.result import StageError
from wumbo.core.template import Template

BACKENDS = ("asyncio", "trio")


async def async_plain(n: int) -> int:
    """The fast path's kind of stage: ``async def`` returning a plain value; raises on 7s."""
    await anyio.lowlevel.checkpoint()
    if n % 10 == 7:
        raise ValueError(f"seven: {n}")
    return n + 1


async def async_none(n: int) -> int | None:
    """A plain async stage whose value is sometimes ``None`` (a value like any other)."""
    await anyio.lowlevel.checkpoint()
    if n % 8 == 6:
        raise LookupError(n)
    return None if n % 3 == 0 else n


async def async_result(n):  # type: ignore[no-untyped-def]  # unannotated: may return a Result
    await anyio.lowlevel.checkpoint()
    if n % 5 == 3:
        return Failure(KeyError(n))
    if n % 5 == 4:
        return Success(n * 2)
    return n - 1


def sync_plain(n: int) -> int:
    if n % 11 == 5:
        raise ZeroDivisionError(n)
    return n * 3


def sync_result(n: int) -> Result[int, str]:
    return Failure(f"odd {n}") if n % 13 == 1 else Success(n + 2)


def blocking_plain(n: int) -> int:
    if n % 9 == 2:
        raise OSError(f"disk {n}")
    return n + 4


def returns_failure_object(n: int) -> object:
    """A plain-annotated stage whose value is a Failure: passed on inside a Success."""
    return Failure(n)


STAGES: dict[str, Callable[[], Template[Any, Any, Any]]] = {
    "async_plain": lambda: template(async_plain),
    "async_none": lambda: template(async_none),
    "async_result": lambda: template(async_result),
    "sync_plain": lambda: template(sync_plain),
    "sync_result": lambda: template(sync_result),
    "blocking": lambda: template(blocking_plain, blocking=True),
    "checked_async": lambda: template(async_plain, check=True),
    "failure_value": lambda: template(returns_failure_object),
}


def seen(result: Result[Any, Any]) -> tuple[object, ...]:
    """What a user sees of a Result, comparable across calls."""
    if isinstance(result, Success):
        value = result.unwrap()
        inner = seen(value) if isinstance(value, Success | Failure) else value
        return ("success", inner)
    error = result.failure()
    if isinstance(error, StageError):
        original = error.error  # attaches its note, as a user's first look does
        return (
            "stage error",
            str(error),
            repr(error),
            error.stage,
            error.position,
            error.total,
            error.input,
            type(original),
            original.args,
            tuple(original.__notes__),
            error.__cause__ is original,
        )
    if isinstance(error, BaseException):
        return ("failure", type(error), error.args, tuple(getattr(error, "__notes__", ())))
    return ("failure", error)


@given(
    kinds=st.lists(st.sampled_from(sorted(STAGES)), min_size=1, max_size=3),
    items=st.lists(st.integers(0, 60), max_size=30),
    limit=st.integers(1, 6),
    ordered=st.booleans(),
    backend=st.sampled_from(BACKENDS),
)
@settings(max_examples=60, deadline=None)
def test_amap_gives_what_acall_gives_per_item(
    kinds: list[str], items: list[int], limit: int, ordered: bool, backend: str
) -> None:
    first, *rest = (STAGES[kind]() for kind in kinds)
    pipeline = first
    for stage in rest:
        pipeline = pipeline | stage

    async def main() -> tuple[list[Any], ...]:
        expected = [seen(await pipeline.acall(item)) for item in items]
        stream = pipeline.amap(items, concurrency=limit, ordered=ordered)
        streamed = [seen(result) async for result in stream]
        awaited = [seen(result) for result in await pipeline.amap(iter(items), concurrency=limit)]
        unordered = await pipeline.amap(items, concurrency=limit, ordered=False)
        return expected, streamed, awaited, list(map(seen, unordered))

    expected, streamed, awaited, unordered = anyio.run(main, backend=backend)
    assert awaited == expected  # ordered by default, from a source without a length
    assert sorted(map(repr, unordered)) == sorted(map(repr, expected))
    if ordered:
        assert streamed == expected
    else:
        assert sorted(map(repr, streamed)) == sorted(map(repr, expected))


@given(
    length=st.integers(0, 300),
    limit=st.integers(1, 8),
    ordered=st.booleans(),
    asynchronous=st.booleans(),
    sized=st.booleans(),
    costs=st.lists(st.integers(0, 3), min_size=1, max_size=7),
    backend=st.sampled_from(BACKENDS),
)
@settings(max_examples=60, deadline=None)
def test_awaited_amap_returns_every_result_once_with_at_most_limit_in_flight(
    length: int,
    limit: int,
    ordered: bool,
    asynchronous: bool,
    sized: bool,
    costs: list[int],
    backend: str,
) -> None:
    """Sources with and without a length (whose result slots grow as items come), sync and
    async; items pulled are never more than ``limit`` ahead of the finished ones."""
    pulled = finished = 0

    async def stage(n: int) -> int:
        nonlocal finished
        assert pulled - finished <= limit
        for _ in range(costs[n % len(costs)]):
            await anyio.lowlevel.checkpoint()
        finished += 1
        return n

    def source() -> Any:
        nonlocal pulled
        for n in range(length):
            pulled += 1
            yield n

    async def async_source() -> AsyncGenerator[int, None]:
        for n in source():
            await anyio.lowlevel.checkpoint()
            yield n

    async def main() -> list[int]:
        items: Any = async_source() if asynchronous else list(range(length)) if sized else source()
        with anyio.fail_after(10):
            results = await template(stage).amap(items, concurrency=limit, ordered=ordered)
        return [result.unwrap() for result in results]

    out = anyio.run(main, backend=backend)
    assert sorted(out) == list(range(length))
    if ordered:
        assert out == list(range(length))


@pytest.mark.anyio
async def test_amap_is_an_async_generator_you_can_await_instead() -> None:
    stream = template(async_plain).amap([1, 2])
    assert isinstance(stream, ResultStream)
    assert isinstance(stream, AsyncGenerator)
    assert [r async for r in stream] == [Success(2), Success(3)]
    assert await template(async_plain).amap([3]) == [Success(4)]


@pytest.mark.anyio
async def test_a_stream_runs_once() -> None:
    awaited = template(async_plain).amap([1])
    assert await awaited == [Success(2)]
    with pytest.raises(RuntimeError, match="already iterated or awaited"):
        await awaited
    with pytest.raises(RuntimeError, match="was awaited: it cannot be iterated too"):
        [r async for r in awaited]
    iterated = template(async_plain).amap([1, 2])
    assert await anext(iterated) == Success(2)
    with pytest.raises(RuntimeError, match="already iterated or awaited"):
        await iterated
    assert [r async for r in iterated] == [Success(3)]  # the same run, carried on


@pytest.mark.anyio
async def test_closing_a_stream_before_it_starts_means_it_never_runs() -> None:
    calls: list[int] = []

    async def record(n: int) -> int:
        calls.append(n)
        return n

    stream = template(record).amap([1, 2, 3])
    await stream.aclose()
    assert [r async for r in stream] == []
    assert calls == []


@pytest.mark.anyio
async def test_asend_athrow_and_aclosing_reach_the_run() -> None:
    stream = template(async_plain).amap(range(100), concurrency=2)
    assert await stream.asend(None) == Success(1)
    thrown: list[BaseException] = []
    try:
        await stream.athrow(LookupError("stop"))
    except* LookupError as group:  # raised where the run waits, inside its task group
        thrown.extend(group.exceptions)
    assert [str(error) for error in thrown] == ["stop"]
    async with aclosing(template(async_plain).amap(range(100), concurrency=2)) as results:
        async for result in results:
            assert result == Success(1)
            break


@pytest.mark.anyio
async def test_an_awaited_amap_reports_progress_and_times_out_per_item() -> None:
    done: list[int] = []

    async def slow_on_two(n: int) -> int:
        await anyio.sleep(10 if n == 2 else 0)
        return n

    results = await template(slow_on_two).amap(
        range(4), timeout=0.05, progress=lambda p: done.append(p.done)
    )
    assert [r.unwrap() for r in results[:2]] == [0, 1]
    assert type(results[2].failure()).__name__ == "ItemTimeout"
    assert results[3] == Success(3)
    assert done == [1, 2, 3, 4]


@pytest.mark.anyio
async def test_an_awaited_amap_raises_a_source_error_and_stops_its_workers() -> None:
    started: list[int] = []

    async def hang_after_two(n: int) -> int:
        started.append(n)
        if n >= 2:
            await anyio.sleep_forever()
        return n

    def broken() -> Any:
        yield from range(4)
        raise OSError("disk gone")

    with anyio.fail_after(5), pytest.raises(OSError, match="disk gone"):
        await template(hang_after_two).amap(broken(), concurrency=8)
    assert started == [0, 1, 2, 3]


@pytest.mark.anyio
async def test_cancelling_an_awaited_amap_cancels_its_workers() -> None:
    cancelled: list[int] = []

    async def hang(n: int) -> int:
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(n)
            raise
        return n

    with anyio.move_on_after(0.05) as scope:
        await template(hang).amap(range(100), concurrency=5)
    assert scope.cancelled_caught
    assert sorted(cancelled) == [0, 1, 2, 3, 4]


@pytest.mark.anyio
async def test_an_awaited_amap_runs_on_executors_and_with_auto_concurrency() -> None:
    pipeline = template(sync_plain)
    on_threads = await pipeline.amap(range(20), executor="threads", concurrency=3)
    assert list(map(seen, on_threads)) == [seen(pipeline(n)) for n in range(20)]
    auto = await template(async_plain).amap(range(50), concurrency="auto", ordered=False)
    expected = [seen(await template(async_plain).acall(n)) for n in range(50)]
    assert sorted(map(repr, map(seen, auto))) == sorted(map(repr, expected))


def test_only_one_plain_async_stage_is_awaited_by_the_workers_themselves() -> None:
    """The fast path's choice (`wumbo.runtime.runtime`): every other pipeline runs its
    compiled ``acall`` per item, which the test above holds to the same Results."""
    from wumbo.runtime.runtime import _one_async_stage

    fast = _one_async_stage(template(async_plain))
    assert fast is not None
    assert fast.fn is async_plain
    for other in (
        template(async_result),  # may return a Result: the compiled check handles it
        template(async_plain, check=True),
        template(async_plain) | sync_plain,
        template(sync_plain),
        template(blocking_plain, blocking=True),
    ):
        assert _one_async_stage(other) is None, other


@pytest.mark.anyio
async def test_awaited_as_completed_keeps_each_failure_with_its_item() -> None:
    """Items finish in reverse order, every third one raising: the awaited list is in that
    order, each failure in its own place."""

    async def countdown(n: int) -> int:
        for _ in range(10 - n):
            await anyio.lowlevel.checkpoint()
        if n % 3 == 0:
            raise ValueError(n)
        return n

    results = await template(countdown).amap(range(10), concurrency=10, ordered=False)
    outcomes = [
        r.unwrap() if isinstance(r, Success) else f"{r.failure().input} failed" for r in results
    ]
    assert outcomes == ["9 failed", 8, 7, "6 failed", 5, 4, "3 failed", 2, 1, "0 failed"]
