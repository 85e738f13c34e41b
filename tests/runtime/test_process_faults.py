"""Processes under faults: a dying worker, ``sys.exit`` in a stage, a cancelled run.

Each test leaves no thread, no process and no error behind, on every supported Python.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from returns.result import Success

from wumbo import template
from wumbo.runtime import WorkerLost

from .conftest import threads_started_since, worker_processes, workers_started_since
from .stages import exit_on, sleep_then_double

WATCHDOG_SECONDS = 120
"""How long the scenario run in a subprocess may take before the test calls it a hang."""


def test_a_dying_worker_fails_the_item_instead_of_hanging_the_run() -> None:
    # On Python 3.12+ the pool used to wait for ever on CPython's pool lock from inside its
    # own callback. The run goes in a subprocess, so a hang fails this test after a while
    # (a lock held in C code cannot be interrupted inside this process).
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
        from wumbo import Success, template
        from runtime.stages import crash_on
        results = list(template(crash_on).map(range(6), concurrency=2, executor="processes"))
        print(sorted(r.failure().input for r in results if not isinstance(r, Success)))
        print(sorted(r.unwrap() for r in results if isinstance(r, Success)))
        """
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=WATCHDOG_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"map(executor='processes') hung for {WATCHDOG_SECONDS} s after a crash")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["[3, 5]", "[0, 2, 4, 8]"]


@pytest.fixture
def no_thread_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every exception that ends a thread during the test (CPython's pool threads included)."""
    errors: list[str] = []

    def record(hooked: threading.ExceptHookArgs) -> None:
        errors.append(f"{hooked.thread!r}: {hooked.exc_type.__name__}: {hooked.exc_value}")

    monkeypatch.setattr(threading, "excepthook", record)
    yield errors
    assert errors == []


def check_exits(results: list[Any], items: list[int]) -> None:
    """3 (``sys.exit``) and 5 (``KeyboardInterrupt``) fail alone; every other item once."""
    assert len(results) == len(items)
    failures = {r.failure().input: r.failure() for r in results if not isinstance(r, Success)}
    assert sorted(failures) == [3, 5]
    assert all(isinstance(failure, WorkerLost) for failure in failures.values())
    assert str(failures[3].error) == "a stage raised SystemExit(3) in the worker process"
    assert str(failures[5].error) == "a stage raised KeyboardInterrupt() in the worker process"
    values = Counter(r.unwrap() for r in results if isinstance(r, Success))
    assert values == Counter(n * 2 for n in items if n not in (3, 5))


@pytest.mark.parametrize("ordered", [True, False])
def test_sys_exit_in_a_worker_fails_only_its_item(
    ordered: bool, threads_before: frozenset[threading.Thread]
) -> None:
    items = list(range(12))
    before = worker_processes()
    pipeline = template(exit_on)
    results = list(pipeline.map(items, concurrency=3, ordered=ordered, executor="processes"))
    check_exits(results, items)
    assert not workers_started_since(before)


@pytest.mark.anyio
async def test_sys_exit_in_a_worker_fails_only_its_item_in_amap() -> None:
    items = list(range(8))
    results = [r async for r in template(exit_on).amap(items, concurrency=2, executor="processes")]
    check_exits(results, items)


def test_sys_exit_in_a_process_pool_passed_in_fails_only_its_item() -> None:
    items = list(range(8))
    with ProcessPoolExecutor(2) as pool:
        results = list(template(exit_on).map(items, concurrency=2, executor=pool))
        check_exits(results, items)
        assert pool.submit(abs, -1).result(timeout=60) == 1  # the pool still works


def test_sys_exit_in_a_thread_stops_the_run_as_in_a_plain_call() -> None:
    with pytest.raises(SystemExit):
        list(template(exit_on).map([1, 3], concurrency=1, executor="threads"))


CANCELLED_RUNS = 8


@pytest.mark.anyio
async def test_cancelled_amap_on_processes_leaves_nothing_behind(
    threads_before: frozenset[threading.Thread], no_thread_errors: list[str]
) -> None:
    # Every run is cancelled while items run and more wait: the old race between killing the
    # workers and CPython's manager thread (3.11) broke that thread in some of 8 runs.
    before = worker_processes()
    for _ in range(CANCELLED_RUNS):
        items = [0, *[600] * 20]
        pipeline = template(sleep_then_double)
        with anyio.CancelScope() as scope:
            async for result in pipeline.amap(items, concurrency=8, executor="processes"):
                assert result == Success(0)
                scope.cancel()  # the first result proves the workers run
        assert scope.cancelled_caught
        assert not workers_started_since(before)
        assert not threads_started_since(threads_before)
    assert not no_thread_errors
