"""Chunks: fast items share a thread (or process) task, slow ones do not; every per-item
guarantee holds."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Generator
from concurrent.futures import Executor, Future
from contextlib import closing
from typing import Any

import pytest
from returns.result import Result, Success

from wumbo import StageError, template
from wumbo.core.many import Progress
from wumbo.runtime.blocking import drive
from wumbo.runtime.executors import MAX_CHUNK, Dispatcher
from wumbo.runtime.progress import Tally
from wumbo.runtime.window import Window

from .conftest import CountingSource
from .stages import double

ITEMS = 2_000


def threads(stage: Any, size: int) -> Dispatcher:
    return Dispatcher.of(template(stage), "threads", size=size)


@pytest.mark.parametrize("ordered", [True, False])
def test_fast_items_share_tasks_and_each_gets_its_own_result(
    ordered: bool, threads_before: frozenset[threading.Thread]
) -> None:
    dispatcher = threads(double, 8)
    seen: list[Progress] = []
    tally = Tally(seen.append, ITEMS)
    results = list(drive(dispatcher, range(ITEMS), Window(8, ordered), tally, None, None))
    expected = [Success(n * 2) for n in range(ITEMS)]
    assert (results if ordered else sorted(results, key=lambda r: r.unwrap())) == expected
    assert dispatcher.tasks < ITEMS  # some tasks ran several items
    assert [progress.done for progress in seen] == list(range(1, ITEMS + 1))


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_a_failing_item_in_a_chunk_fails_alone(
    executor: str, threads_before: frozenset[threading.Thread]
) -> None:
    texts = [str(n) if n % 97 else "x" for n in range(ITEMS)]
    dispatcher = Dispatcher.of(template(int), executor, size=8)
    results = list(drive(dispatcher, texts, Window(8, True), Tally(None, ITEMS), None, None))
    assert dispatcher.tasks < ITEMS
    for n, result in enumerate(results):
        if n % 97:
            assert result == Success(n)
        else:
            error = result.failure()
            assert isinstance(error, StageError)
            assert error.input == "x"


def test_the_pull_ahead_bound_holds_with_fast_items(
    threads_before: frozenset[threading.Thread],
) -> None:
    source = CountingSource()
    dispatcher = threads(double, 4)
    results = drive(dispatcher, source, Window(4, True), Tally(None, None), None, None)
    with closing(results):
        for consumed, result in enumerate(results, start=1):
            assert result == Success((consumed - 1) * 2)
            assert source.pulled - consumed <= 2 * 4
            if consumed == ITEMS:
                break
    assert dispatcher.tasks < ITEMS
    assert source.pulled <= ITEMS + 2 * 4


def test_breaking_out_of_a_chunked_map_leaves_no_thread(
    threads_before: frozenset[threading.Thread],
) -> None:
    results = template(double).map(CountingSource(), concurrency=64, executor="threads")
    assert isinstance(results, Generator)
    with closing(results):
        first = list(itertools.islice(results, ITEMS))
    assert first == [Success(n * 2) for n in range(ITEMS)]


def test_slow_items_each_get_their_own_task(threads_before: frozenset[threading.Thread]) -> None:
    def wait_a_millisecond(n: int) -> int:  # an I/O wait: far slower than a hand-off
        time.sleep(0.001)
        return n

    dispatcher = threads(wait_a_millisecond, 4)
    results = list(drive(dispatcher, range(40), Window(4, True), Tally(None, 40), None, None))
    assert results == [Success(n) for n in range(40)]
    assert dispatcher.tasks == 40
    assert dispatcher.chunk_limit() == 1


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_with_a_timeout_every_item_gets_its_own_task(
    executor: str, threads_before: frozenset[threading.Thread]
) -> None:
    dispatcher = Dispatcher.of(template(double), executor, size=8)
    results = list(drive(dispatcher, range(500), Window(8, True), Tally(None, 500), 60.0, None))
    assert results == [Success(n * 2) for n in range(500)]
    assert dispatcher.tasks == 500


def test_a_cancelled_chunk_stops_before_its_next_item(
    threads_before: frozenset[threading.Thread],
) -> None:
    started = threading.Event()
    ran: list[int] = []

    def first_waits_for_the_cancel(n: int) -> int:
        ran.append(n)
        if n == 0:
            started.set()
            dispatcher.stopping.wait(10)
            time.sleep(0.001)  # and runs past SPLIT_SECONDS: cancelled, the rest is not shared out
        return n

    dispatcher = threads(first_waits_for_the_cancel, 1)
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    dispatcher.sender(finished)(0, [0, 1, 2, 3])
    assert started.wait(10)
    dispatcher.close(cancel=True)  # sets stopping, then waits for the thread
    assert ran == [0]
    assert finished.get(timeout=10)[0] == 0
    assert finished.empty()


def test_the_chunk_limit_stays_within_its_maximum(
    threads_before: frozenset[threading.Thread],
) -> None:
    dispatcher = threads(double, 1)
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    dispatcher.sender(finished)(0, list(range(1_000)))
    reported = [finished.get(timeout=10) for _ in range(1_000)]
    dispatcher.close(cancel=False)
    assert [index for index, _ in reported] == list(range(1_000))
    assert 1 <= dispatcher.chunk_limit() <= MAX_CHUNK


class Inline(Executor):
    """An executor outside the thread-pool family: runs each call at once, in the caller."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_other_executors_get_one_item_per_task() -> None:
    dispatcher = Dispatcher.of(template(double), Inline(), size=4)
    assert dispatcher.chunk_limit() == 1
    results: list[Result[Any, Any]] = list(
        drive(dispatcher, range(50), Window(4, True), Tally(None, 50), None, None)
    )
    assert results == [Success(n * 2) for n in range(50)]
    assert dispatcher.tasks == 50
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    with pytest.raises(
        ValueError, match="only threads of this process and an owned process pool run several items"
    ):
        dispatcher.sender(finished)(0, [1, 2])


def test_a_chunk_whose_items_turn_slow_shares_out_the_rest(
    threads_before: frozenset[threading.Thread],
) -> None:
    def first_is_slow(n: int) -> int:  # the first item waits on I/O far beyond a chunk's time
        if n == 0:
            time.sleep(0.001)
        return n

    dispatcher = threads(first_is_slow, 4)
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    dispatcher.sender(finished)(10, [0, 1, 2, 3])
    reported = sorted(finished.get(timeout=10) for _ in range(4))
    dispatcher.close(cancel=False)
    assert reported == [(10 + n, Success(n)) for n in range(4)]
    assert dispatcher.tasks == 1 + 3  # the chunk, then one task per remaining item
