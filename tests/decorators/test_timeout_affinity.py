"""The default sync ``timeout``'s worker follows its caller's CPU (Linux), and calls behave the
same where it cannot: pinning unavailable, or refused by the system."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from returns.result import Result, Success

from wumbo import StageError
from wumbo.decorators import StageTimeout, timeout, timeout_affinity, timeout_threads
from wumbo.decorators.timeout_threads import PINNED_AT_MOST

WAIT = 5.0
SHORT = 0.05
T = TypeVar("T")


PINNING = hasattr(os, "sched_setaffinity") and (
    timeout_affinity.caller_cpu() != timeout_affinity.NO_CPU
)
"""Whether this system pins workers (Linux, with ``sched_getcpu``)."""
needs_pinning = pytest.mark.skipif(
    not PINNING, reason="pinning threads to CPUs needs Linux's sched_getcpu"
)


@pytest.fixture(autouse=True)
def restored_pinning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test does to the looked-up ``sched_getcpu`` is undone after it."""
    timeout_affinity.caller_cpu()  # looked up now, so that the value restored is the real one
    monkeypatch.setattr(timeout_affinity, "_sched_getcpu", timeout_affinity._sched_getcpu)


@pytest.fixture
def fresh_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No idle worker from earlier tests: the test's calls start new ones (ended after it)."""
    pool: list[Any] = []
    monkeypatch.setattr(timeout_threads, "_idle", pool)
    yield
    for worker in pool:
        worker.end()


def process_cpus() -> set[int]:
    return os.sched_getaffinity(os.getpid())


def in_thread_on(cpus: set[int], work: Callable[[], T]) -> T:
    """``work()`` run by a new caller thread that keeps to ``cpus`` (the test's own choice)."""
    outcome: list[T] = []

    def caller() -> None:
        os.sched_setaffinity(0, cpus)
        outcome.append(work())

    thread = threading.Thread(target=caller)
    thread.start()
    thread.join(WAIT)
    assert outcome, "the caller thread did not finish"
    return outcome[0]


def timed_out(result: Result[object, object]) -> StageTimeout:
    error = result.failure()
    assert isinstance(error, StageError)
    assert isinstance(error.error, StageTimeout)
    return error.error


def where_am_i(_: object) -> tuple[int, set[int]]:
    """The worker thread's native id and its affinity, seen from inside the call."""
    return threading.get_native_id(), os.sched_getaffinity(0)


@needs_pinning
@pytest.mark.parametrize("cpu", sorted(os.sched_getaffinity(0))[:2] if PINNING else [])
def test_the_worker_runs_on_its_callers_cpu(cpu: int) -> None:
    def one_call() -> tuple[int, set[int]]:
        return timeout(WAIT)(where_am_i).run(None)

    worker, inside = in_thread_on({cpu}, one_call)
    assert inside == {cpu}
    assert os.sched_getaffinity(worker) == {cpu}  # an idle worker stays where it was pinned


@needs_pinning
def test_the_worker_follows_its_caller_to_another_cpu() -> None:
    first, second = sorted(process_cpus())[:2] if len(process_cpus()) > 1 else (0, 0)
    if first == second:
        pytest.skip("one CPU: nowhere to follow")
    guarded = timeout(WAIT)(where_am_i)

    def calls() -> list[tuple[int, set[int]]]:
        seen = [guarded.run(None)]
        os.sched_setaffinity(0, {second})  # the caller moves
        seen.append(guarded.run(None))
        return seen

    (worker_before, before), (worker_after, after) = in_thread_on({first}, calls)
    assert worker_before == worker_after  # one worker, reused
    assert (before, after) == ({first}, {second})


@needs_pinning
def test_the_callers_own_affinity_is_left_alone() -> None:
    cpus = process_cpus()
    guarded = timeout(WAIT)(where_am_i)

    def calls() -> set[int]:
        for _ in range(20):
            guarded.run(None)
        return os.sched_getaffinity(0)

    assert in_thread_on(cpus, calls) == cpus


@needs_pinning
@pytest.mark.parametrize("seconds", [SHORT, PINNED_AT_MOST / 2], ids=["long", "short"])
def test_an_abandoned_worker_gets_every_cpu_back(seconds: float) -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    worker: list[int] = []

    def stuck(n: int) -> int:
        worker.append(threading.get_native_id())
        started.set()
        release.wait(WAIT)
        finished.set()
        return n

    cpu = min(process_cpus())
    assert timed_out(in_thread_on({cpu}, lambda: timeout(seconds)(stuck)(1))).abandoned
    assert started.wait(WAIT)
    assert not finished.is_set()  # still running, abandoned ...
    assert os.sched_getaffinity(worker[0]) == process_cpus()  # ... and free to run anywhere
    release.set()
    assert finished.wait(WAIT)


@needs_pinning
def test_a_long_call_is_let_run_on_any_cpu_and_still_returns_in_time() -> None:
    cpus = process_cpus()

    def long_call(_: object) -> tuple[set[int], set[int]]:
        at_start = os.sched_getaffinity(0)
        deadline = time.monotonic() + WAIT
        while os.sched_getaffinity(0) != cpus and time.monotonic() < deadline:
            time.sleep(PINNED_AT_MOST)  # no event to wait for: the caller changes the mask
        return at_start, os.sched_getaffinity(0)

    cpu = min(cpus)
    result = in_thread_on({cpu}, lambda: timeout(WAIT)(long_call)(None))
    assert result == Success(({cpu}, cpus))


@pytest.fixture
def pinning_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system without ``sched_getcpu`` (macOS, Windows, some musl builds)."""
    monkeypatch.setattr(timeout_affinity, "_sched_getcpu", None)


@pytest.fixture
def pinning_refused(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """As in a restricted cpuset or without permission: every ``sched_setaffinity`` fails."""
    tried: list[object] = []

    def refuse(thread: int, cpus: Any) -> None:
        tried.append(thread)
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setaffinity", refuse, raising=False)
    return tried


def run_the_usual_calls() -> None:
    """In time, failing, timed out: the same outcomes with or without pinning."""
    assert timeout(WAIT)(int)("3") == Success(3)
    assert isinstance(timeout(WAIT)(int)("x").failure().error, ValueError)
    release = threading.Event()

    def stuck(n: int) -> int:
        release.wait(WAIT)
        return n

    assert timed_out(timeout(SHORT)(stuck)(1)).abandoned
    release.set()
    assert timeout(WAIT)(int).run("4") == 4  # the pool still serves calls


@pytest.mark.usefixtures("pinning_unavailable")
def test_calls_behave_the_same_without_pinning() -> None:
    assert timeout_affinity.caller_cpu() == timeout_affinity.NO_CPU
    run_the_usual_calls()


@needs_pinning
@pytest.mark.usefixtures("fresh_pool")
def test_once_pinning_is_off_a_worker_pinned_before_gets_every_cpu_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    guarded = timeout(WAIT)(where_am_i)
    cpu = min(process_cpus())
    worker, inside = in_thread_on({cpu}, lambda: guarded.run(None))
    assert inside == {cpu}
    monkeypatch.setattr(timeout_affinity, "_sched_getcpu", None)
    assert guarded.run(None) == (worker, process_cpus())  # the same worker, free again


@pytest.mark.usefixtures("fresh_pool")
def test_calls_behave_the_same_when_the_system_refuses_to_pin(
    pinning_refused: list[object],
) -> None:
    run_the_usual_calls()
    assert timeout_affinity.caller_cpu() == timeout_affinity.NO_CPU  # pinning is off now
    assert len(pinning_refused) == (1 if PINNING else 0)  # tried once, by the first worker
    run_the_usual_calls()
    assert len(pinning_refused) == (1 if PINNING else 0)  # and never again


def test_a_cpu_outside_the_process_set_is_not_pinned_to(monkeypatch: pytest.MonkeyPatch) -> None:
    outside = 1_000_000  # no machine has that many CPUs
    monkeypatch.setattr(timeout_affinity, "_sched_getcpu", lambda: outside)
    assert timeout_affinity.caller_cpu() == timeout_affinity.NO_CPU
    run_the_usual_calls()


def test_many_callers_at_once_get_their_own_results() -> None:
    release = threading.Event()

    def double(n: int) -> int:
        return 2 * n

    def hang(n: int) -> int:
        release.wait(WAIT)
        return n

    in_time, hanging = timeout(WAIT)(double), timeout(SHORT)(hang)

    def one(n: int) -> int | str:
        result = hanging(n) if n % 25 == 0 else in_time(n)  # a few are abandoned
        return result.unwrap() if isinstance(result, Success) else type(timed_out(result)).__name__

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, range(1, 401)))
    release.set()
    expected = ["StageTimeout" if n % 25 == 0 else 2 * n for n in range(1, 401)]
    assert outcomes == expected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 3.12+: fork with threads running
def test_a_forked_child_starts_workers_of_its_own() -> None:
    assert timeout(WAIT)(int).run("1") == 1  # an idle worker in the pool, its thread here only
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit code
        worked = timeout(1.0)(int)("2") == Success(2)  # not handed to the parent's worker
        os._exit(0 if worked else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
