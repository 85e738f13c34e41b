"""Executors: threads, processes, an Executor passed in; crashes, pickling, timeouts, cleanup."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any, cast

import anyio
import pytest
from returns.result import Result, Success

from wumbo import template
from wumbo.runtime import ItemTimeout, SupervisedProcessPool, WorkerLost

from .conftest import worker_processes, workers_started_since
from .stages import crash_on, double, pid_of, sleep_then_double


def test_threads_run_every_item_once(threads_before: frozenset[threading.Thread]) -> None:
    results = list(template(double).map(range(200), concurrency=4, executor="threads"))
    assert results == [Success(n * 2) for n in range(200)]


def test_an_executor_passed_in_is_used_and_left_running() -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(template(double).map(range(10), executor=pool))
        assert results == [Success(n * 2) for n in range(10)]
        assert pool.submit(double, 4).result(timeout=10) == 8  # not shut down by the run


def test_processes_run_in_other_processes() -> None:
    pids = {
        r.unwrap() for r in template(pid_of).map(range(20), concurrency=2, executor="processes")
    }
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 2


def test_unpicklable_stage_fails_before_any_item_is_sent() -> None:
    pulled: list[int] = []

    def source() -> object:
        for n in range(3):
            pulled.append(n)
            yield n

    pipeline = template(double) | (lambda n: n + 1)
    with pytest.raises(TypeError, match=r"stage '<lambda>' \(2 of 2\) does not"):
        template(pipeline).map(source(), executor="processes")  # type: ignore[arg-type]
    assert pulled == []


@pytest.mark.parametrize("ordered", [True, False])
def test_a_dying_worker_fails_only_its_item(ordered: bool) -> None:
    items = list(range(12))
    results = list(
        template(crash_on).map(items, concurrency=3, ordered=ordered, executor="processes")
    )
    assert len(results) == len(items)
    values = Counter(r.unwrap() for r in results if isinstance(r, Success))
    lost = sorted(int(str(r.failure().input)) for r in results if not isinstance(r, Success))
    assert lost == [3, 5]  # os._exit(1) and the segfault
    assert values == Counter(n * 2 for n in items if n not in (3, 5))  # each exactly once
    failure = next(r.failure() for r in results if not isinstance(r, Success))
    assert isinstance(failure, WorkerLost)


@pytest.mark.anyio
async def test_amap_on_processes_survives_dying_workers() -> None:
    items = range(10)
    results = [r async for r in template(crash_on).amap(items, concurrency=2, executor="processes")]
    assert len(results) == 10
    assert [isinstance(r.failure(), WorkerLost) for r in results if not isinstance(r, Success)] == [
        True,
        True,
    ]


def test_supervised_pool_blames_exactly_the_killer() -> None:
    with SupervisedProcessPool(2) as pool:
        futures = [pool.submit(crash_on, n) for n in range(8)]
        outcomes = [f.exception(timeout=60) or f.result() for f in futures]
    assert [type(o).__name__ for o in outcomes if isinstance(o, BaseException)] == [
        "BrokenProcessPool",
        "BrokenProcessPool",
    ]
    assert [o for o in outcomes if not isinstance(o, BaseException)] == [0, 2, 4, 8, 12, 14]
    assert pool.replacements >= 2


def test_a_broken_pool_passed_in_gives_failures_not_hangs() -> None:
    context = multiprocessing.get_context("forkserver")
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=context) as pool:
        results = list(template(crash_on).map([3, 4], concurrency=1, executor=pool))
    assert len(results) == 2
    assert all(isinstance(r.failure(), WorkerLost) for r in results)


def test_thread_timeout_fails_the_item_at_the_deadline() -> None:
    pipeline = template(sleep_then_double)
    results = list(pipeline.map([0, 30, 1], concurrency=3, timeout=0.5, executor="threads"))
    assert results[0] == Success(0)
    assert results[2] == Success(2)
    error = results[1].failure()
    assert isinstance(error, ItemTimeout)
    assert error.seconds == 0.5


def test_process_timeout_kills_the_stuck_process() -> None:
    pipeline = template(sleep_then_double)
    before = worker_processes()
    results = list(pipeline.map([0, 600, 1, 2], concurrency=2, timeout=4.0, executor="processes"))
    assert [r for i, r in enumerate(results) if i != 1] == [Success(0), Success(2), Success(4)]
    assert isinstance(results[1].failure(), ItemTimeout)
    assert not workers_started_since(before, seconds=0)  # shut down before the run returned


def test_breaking_out_of_a_process_map_leaves_no_worker(
    threads_before: frozenset[threading.Thread],
) -> None:
    before = worker_processes()
    results = template(sleep_then_double).map(
        [0, 600, 600, 600], concurrency=2, executor="processes"
    )
    with closing(cast(Generator[Result[int, Any], None, None], results)):
        assert next(results) == Success(0)
        assert worker_processes() - before  # the workers run
    assert not workers_started_since(before, seconds=0)  # ended before close() returned


@pytest.mark.anyio
async def test_cancelling_amap_on_threads_cancels_waiting_items() -> None:
    release = threading.Event()
    started: list[int] = []

    def wait_for_release(n: int) -> int:
        started.append(n)
        release.wait(10)
        return n

    with anyio.move_on_after(0.2):
        pipeline = template(wait_for_release)
        async for _ in pipeline.amap(range(50), concurrency=2, executor="threads"):
            pass
    release.set()
    assert sorted(started) == [0, 1]  # the two running items; the others never started
