"""map and amap: one Result per item, order, progress, backpressure, timeouts, cancellation."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from contextlib import aclosing, closing
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from returns.result import Failure, Success

from wumbo import StageError, template
from wumbo.core.many import MapOptions, Progress
from wumbo.runtime import ItemTimeout

from .conftest import CountingSource, threads_started_since
from .stages import adouble, double

T = TypeVar("T")


def gen(results: Iterator[T]) -> Generator[T, None, None]:
    """``map`` returns a generator (typed as an Iterator by the core): close it explicitly."""
    assert isinstance(results, Generator)
    return results


def agen(results: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """``amap`` returns an async generator (a `ResultStream`, which can also be awaited)."""
    assert isinstance(results, AsyncGenerator)
    return results


def test_map_of_sync_stages_yields_one_result_per_item() -> None:
    results = list(template(double).map(range(50)))
    assert results == [Success(n * 2) for n in range(50)]


def test_map_of_async_stages_runs_on_a_background_loop(
    threads_before: frozenset[threading.Thread],
) -> None:
    results = list(template(adouble).map(range(50), concurrency=7))
    assert results == [Success(n * 2) for n in range(50)]


def test_failures_are_results_too() -> None:
    results = list(template(int).map(["1", "x", "3"]))
    assert results[0] == Success(1)
    assert results[2] == Success(3)
    error = results[1].failure()
    assert isinstance(error, StageError)
    assert error.input == "x"


@pytest.mark.anyio
async def test_amap_in_order_and_as_completed() -> None:
    finished: dict[int, anyio.Event] = {}

    async def finish_in_reverse(n: int) -> int:
        # n waits for n + 1 to finish (4 waits for nobody): events, not sleeps, set the order
        if n + 1 < 5:
            await finished[n + 1].wait()
        await anyio.sleep(0)
        finished[n].set()
        return n

    pipeline = template(finish_in_reverse)
    finished.update({n: anyio.Event() for n in range(5)})
    ordered = [r.unwrap() async for r in pipeline.amap(range(5), concurrency=5)]
    assert ordered == [0, 1, 2, 3, 4]
    finished.update({n: anyio.Event() for n in range(5)})
    completed = [r.unwrap() async for r in pipeline.amap(range(5), concurrency=5, ordered=False)]
    assert completed == [4, 3, 2, 1, 0]


@pytest.mark.anyio
async def test_amap_accepts_async_iterables() -> None:
    async def numbers() -> AsyncIterator[int]:
        for n in range(20):
            await anyio.sleep(0)
            yield n

    results = [r async for r in template(adouble).amap(numbers(), concurrency=4)]
    assert results == [Success(n * 2) for n in range(20)]


def test_progress_hears_every_item_with_the_total() -> None:
    seen: list[Progress] = []
    list(template(int).map(["1", "x", "3"], progress=seen.append))
    assert seen == [Progress(1, 0, 3), Progress(2, 1, 3), Progress(3, 1, 3)]
    unknown: list[Progress] = []
    list(template(adouble).map(iter(range(2)), progress=unknown.append))
    assert unknown == [Progress(1, 0, None), Progress(2, 0, None)]


@pytest.mark.anyio
async def test_amap_pulls_at_most_twice_the_concurrency_ahead() -> None:
    source = CountingSource()
    consumed = 0
    async with aclosing(agen(template(adouble).amap(source, concurrency=4))) as results:
        async for _ in results:
            consumed += 1
            assert source.pulled - consumed <= 2 * 4
            await anyio.sleep(0)
            if consumed == 200:
                break
    assert source.pulled <= 200 + 2 * 4


@pytest.mark.parametrize("executor", [None, "threads"])
def test_map_pulls_at_most_twice_the_concurrency_ahead(executor: str | None) -> None:
    source = CountingSource()
    pipeline = template(adouble) if executor is None else template(double)
    with closing(gen(pipeline.map(source, concurrency=3, executor=executor))) as results:
        for consumed, _ in enumerate(results, start=1):
            assert source.pulled - consumed <= 2 * 3
            if consumed == 100:
                break


@pytest.mark.anyio
async def test_async_timeout_fails_only_the_slow_item() -> None:
    async def slow_on_two(n: int) -> int:
        if n == 2:
            await anyio.sleep_forever()
        return n

    results = [r async for r in template(slow_on_two).amap(range(4), timeout=0.05)]
    assert [r for i, r in enumerate(results) if i != 2] == [Success(0), Success(1), Success(3)]
    error = results[2].failure()
    assert isinstance(error, ItemTimeout)
    assert str(error.error) == "item timed out after 0.05 s"
    assert error.input == 2


def test_timeout_on_inline_sync_stages_is_refused() -> None:
    with pytest.raises(ValueError, match=r'executor="threads"'):
        template(double).map([1], timeout=1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"concurrency": 0}, "concurrency must be a positive int"),
        ({"concurrency": "8"}, "concurrency must be a positive int"),
        ({"timeout": -1}, "timeout must be a positive number"),
        ({"progress": 3}, "progress must be a callable"),
        ({"executor": "gpu"}, "executor= expects None"),
    ],
)
def test_bad_options_say_what_was_expected(options: dict[str, object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        template(double).map([1], **options)  # type: ignore[arg-type]


def test_a_failing_source_raises_its_error() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(template(adouble).map(broken()))


@pytest.mark.anyio
async def test_map_with_async_stages_inside_a_loop_names_amap() -> None:
    with pytest.raises(RuntimeError, match=r"amap"):
        template(adouble).map([1])


@pytest.mark.anyio
async def test_cancelling_amap_stops_in_flight_items() -> None:
    running = 0
    started = anyio.Event()

    async def hang(n: int) -> int:
        nonlocal running
        running += 1
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            running -= 1
        return n

    async def consume() -> None:
        async with aclosing(agen(template(hang).amap(range(100), concurrency=5))) as results:
            async for _ in results:
                pass

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(consume)
            await started.wait()
            await anyio.sleep(0.01)
            assert running == 5
            group.cancel_scope.cancel()
    assert running == 0


@pytest.mark.anyio
async def test_a_cancelled_amap_raises_the_cancellation_instead_of_ending() -> None:
    async def hang_after_one(n: int) -> int:
        if n:
            await anyio.sleep_forever()
        return n

    consumed: list[int] = []
    with anyio.CancelScope() as scope:
        async with aclosing(
            agen(template(hang_after_one).amap(range(6), concurrency=4))
        ) as results:
            async for result in results:
                consumed.append(result.unwrap())
                scope.cancel()  # the workers end first; the loop must not end as if complete
            consumed.append(-1)  # never reached: the cancellation ends the loop
    assert scope.cancelled_caught
    assert consumed == [0]


def test_breaking_out_of_map_stops_the_background_loop(
    threads_before: frozenset[threading.Thread],
) -> None:
    stopped = threading.Event()

    async def hang_after_three(n: int) -> int:
        if n >= 3:
            try:
                await anyio.sleep_forever()
            finally:
                stopped.set()
        return n

    results = gen(template(hang_after_three).map(range(100), concurrency=4))
    assert [next(results), next(results), next(results)] == [Success(0), Success(1), Success(2)]
    assert set(threading.enumerate()) - threads_before  # the loop thread runs
    results.close()
    assert stopped.is_set()
    # the threads_before fixture checks that the loop thread is gone


def test_a_thread_of_an_earlier_test_ending_hides_no_new_thread() -> None:
    # Why the check above counts no threads: a thread left by an earlier test (an idle anyio
    # worker lives 10 s) that ends meanwhile cancels the loop thread out of the count.
    release = threading.Event()
    earlier = threading.Thread(target=release.wait, name="earlier-test")
    earlier.start()
    before, count_before = frozenset(threading.enumerate()), threading.active_count()
    results = gen(template(adouble).map(range(10), concurrency=2))
    assert next(results) == Success(0)  # the loop thread runs
    release.set()
    earlier.join()
    assert threading.active_count() == count_before  # a count no longer sees it
    assert threads_started_since(before, seconds=0)  # its identity does
    results.close()
    assert not threads_started_since(before)


def test_failure_from_stage_is_kept_as_declared() -> None:
    def declared(n: int) -> Success[int] | Failure[str]:
        return Failure("odd") if n % 2 else Success(n)

    assert list(template(declared).map(range(3))) == [Success(0), Failure("odd"), Success(2)]


def test_the_options_table_in_the_docs_is_the_options_dataclass() -> None:
    page = Path(__file__).parents[2] / "docs" / "runtime" / "many-items.md"
    rows = re.findall(r"^\| `(\w+)=([^`]+)` \|", page.read_text(), flags=re.MULTILINE)
    declared = [(field.name, repr(field.default)) for field in dataclasses.fields(MapOptions)]
    assert rows == declared
