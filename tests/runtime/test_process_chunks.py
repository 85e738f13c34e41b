"""Processes in adaptive chunks: fast items share a task, every per-item guarantee holds."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Generator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from wumbo import template
from wumbo.core.many import Progress
from wumbo.runtime import ExecutorError, SupervisedProcessPool, WorkerLost
from wumbo.runtime.blocking import drive
from wumbo.runtime.executors import MAX_PROCESS_CHUNK, Dispatcher
from wumbo.runtime.progress import Tally
from wumbo.runtime.window import Window

from .conftest import CountingSource, worker_processes, workers_started_since
from .stages import die_on, double, generator_of, logged_crash_on

ITEMS = 3_000


def processes(stage: Any, size: int = 2) -> Dispatcher:
    return Dispatcher.of(template(stage), "processes", size=size)


def outcome(future: Future[Any]) -> object:
    error = future.exception(timeout=60)
    return future.result() if error is None else error


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(count=st.integers(min_value=0, max_value=400), ordered=st.booleans())
def test_chunked_results_equal_inline_results(count: int, ordered: bool) -> None:
    pipeline = template(int) | double
    items = [str(n) if n % 11 else f"x{n}" for n in range(count)]  # every 11th fails
    expected = [pipeline(item) for item in items]
    results = list(pipeline.map(items, ordered=ordered, executor="processes"))
    shown = [repr(result) for result in results]  # failures hold exceptions: compare their text
    expected_shown = [repr(result) for result in expected]
    assert (shown if ordered else sorted(shown)) == (
        expected_shown if ordered else sorted(expected_shown)
    )


@pytest.mark.parametrize("ordered", [True, False])
def test_fast_items_share_process_tasks_and_each_gets_its_own_result(
    ordered: bool, threads_before: frozenset[threading.Thread]
) -> None:
    dispatcher = processes(double)
    seen: list[Progress] = []
    window = Window(8, ordered)
    results = list(drive(dispatcher, range(ITEMS), window, Tally(seen.append, ITEMS), None, None))
    expected = [Success(n * 2) for n in range(ITEMS)]
    assert (results if ordered else sorted(results, key=lambda r: r.unwrap())) == expected
    assert dispatcher.tasks < ITEMS / 4  # most tasks ran many items
    assert [progress.done for progress in seen] == list(range(1, ITEMS + 1))


def test_a_worker_killed_mid_chunk_keeps_what_finished(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    stage = functools.partial(logged_crash_on, str(log), 3)
    with SupervisedProcessPool(1) as pool:
        outcomes = [outcome(future) for future in pool.submit_each(stage, range(6))]
    assert outcomes[:3] == [0, 2, 4]  # finished before the death: kept
    assert isinstance(outcomes[3], BrokenProcessPool)  # the killer, alone
    assert outcomes[4:] == [8, 10]  # never started in the chunk: run afterwards
    runs = Counter(int(line) for line in log.read_text().split())
    assert runs == Counter({0: 1, 1: 1, 2: 1, 3: 2, 4: 1, 5: 1})  # 3: in the chunk, then alone


@pytest.mark.parametrize(("how", "killers"), [("exit", [1500, 1501, 2900]), ("sigkill", [2000])])
def test_dying_workers_in_a_chunked_map_fail_only_their_items(
    how: str, killers: list[int], threads_before: frozenset[threading.Thread]
) -> None:
    before = worker_processes()
    items = list(range(ITEMS))
    stage = functools.partial(die_on, frozenset(killers), how)  # late: items go in chunks then
    dispatcher = Dispatcher.of(template(stage), "processes", size=8)
    results = list(drive(dispatcher, items, Window(8, True), Tally(None, ITEMS), None, None))
    assert dispatcher.tasks < ITEMS / 4
    assert len(results) == ITEMS
    lost = {r.failure().input: r.failure() for r in results if not isinstance(r, Success)}
    assert sorted(lost) == killers
    assert all(isinstance(failure, WorkerLost) for failure in lost.values())
    assert Counter(r.unwrap() for r in results if isinstance(r, Success)) == Counter(
        n * 2 for n in items if n not in killers
    )  # every other item exactly once
    assert not workers_started_since(before)


def test_an_item_or_result_that_does_not_pickle_fails_alone() -> None:
    with SupervisedProcessPool(1) as pool:
        items: list[Any] = [1, (i for i in range(3)), 3]  # the generator item does not pickle
        sent = [outcome(future) for future in pool.submit_each(repr, items)]
        returned = [outcome(future) for future in pool.submit_each(generator_of, range(4))]
    assert sent[0] == "1"
    assert sent[2] == "3"
    assert isinstance(sent[1], TypeError)
    assert returned[0] == 0
    assert returned[2] == 2
    assert all(isinstance(error, TypeError) for error in returned[1::2])  # generators


def test_an_unpicklable_item_in_a_map_is_an_executor_error() -> None:
    items: list[Any] = [*range(500), (i for i in range(3)), *range(500)]
    results: list[Result[Any, Any]] = list(template(repr).map(items, executor="processes"))
    failures = [r.failure() for r in results if not isinstance(r, Success)]
    assert len(failures) == 1
    assert isinstance(failures[0], ExecutorError)
    assert results[0] == Success("0")
    assert results[-1] == Success("499")


def test_an_unbounded_source_streams_in_bounded_memory_and_closes_cleanly(
    threads_before: frozenset[threading.Thread],
) -> None:
    before = worker_processes()
    source = CountingSource()
    concurrency = 4
    results = template(double).map(source, concurrency=concurrency, executor="processes")
    bound = 2 * concurrency * MAX_PROCESS_CHUNK  # concurrency counts chunks for processes
    with closing(cast(Generator[Result[int, Any], None, None], results)):
        for consumed, result in enumerate(results, start=1):
            assert result == Success((consumed - 1) * 2)
            assert source.pulled - consumed <= bound
            if consumed == 4 * ITEMS:
                break
    assert source.pulled <= 4 * ITEMS + bound
    assert not workers_started_since(before, seconds=0)  # ended before close() returned


def test_a_worker_killed_while_it_writes_leaves_the_write_lock_free() -> None:
    import os
    import pickle
    import subprocess
    import sys

    from wumbo.runtime.result_channel import WriteLock

    lock = WriteLock.new()
    dies_holding_it = (
        f"import os, pickle; lock = pickle.loads({pickle.dumps(lock)!r}); lock.__enter__(); "
        "os._exit(3)"
    )
    done = subprocess.run([sys.executable, "-c", dies_holding_it], timeout=60, check=False)
    assert done.returncode == 3
    taken = threading.Event()

    def take() -> None:
        with lock:
            taken.set()

    threading.Thread(target=take, daemon=True).start()
    assert taken.wait(30), "the dead worker's lock was never released"
    lock.remove()
    assert not os.path.exists(lock.path)
