"""cache: hits and misses, LRU and TTL bounds, key functions, failures, single flight, pickling."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable

import anyio
import anyio.to_thread
import pytest
from anyio.lowlevel import checkpoint
from returns.result import Failure, Result, Success

from wumbo import StageError, template
from wumbo.decorators import CacheOptions, CacheStats, cache, cache_of, wumbo_testing_mode

WAIT = 5.0  # upper bound of every wait; a passing test never comes near it


def wait_until(condition: Callable[[], bool]) -> None:
    """Wait for another thread to reach a state (bounded; polls, never asserts on time)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the other threads"
        time.sleep(0.001)


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def square(n: int) -> int:
    return n * n


def test_hits_misses_and_stats() -> None:
    calls: list[int] = []

    def counted_function(n: int) -> int:
        calls.append(n)
        return n * 10

    counted = cache(maxsize=10)(counted_function)

    assert [counted(n).unwrap() for n in (1, 2, 1, 1, 2)] == [10, 20, 10, 10, 20]
    assert calls == [1, 2]
    assert cache_of(counted).stats() == CacheStats(
        hits=3, misses=2, evictions=0, expirations=0, size=2, maxsize=10
    )
    assert counted.__name__ == "cache(counted_function)"
    assert getattr(counted, "__wrapped__", None) is counted_function


def test_clear_drops_entries_and_counters() -> None:
    cached = cache()(square)
    cached(3)
    cache_of(cached).clear()
    assert cache_of(cached).stats() == CacheStats(0, 0, 0, 0, 0, 128)
    assert cached(3) == Success(9)
    assert cache_of(cached).stats().misses == 1


def test_least_recently_used_entry_is_evicted() -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    cached = cache(maxsize=2)(record)
    for n in (1, 2, 1, 3):  # 1 was used after 2, so 2 is the one evicted by 3
        cached(n)
    cached(1)
    cached(2)
    assert calls == [1, 2, 3, 2]
    stats = cache_of(cached).stats()
    assert (stats.evictions, stats.size) == (2, 2)


def test_entries_expire_after_ttl() -> None:
    clock = Clock()
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    cached = cache(ttl=10, clock=clock)(record)
    cached(1)
    clock.now += 9.9
    cached(1)
    assert calls == [1]
    clock.now += 0.1
    cached(1)
    assert calls == [1, 1]
    assert cache_of(cached).stats().expirations == 1


def test_unbounded_cache_keeps_everything() -> None:
    cached = cache(maxsize=None)(square)
    for n in range(500):
        cached(n)
    assert cache_of(cached).stats().size == 500


def test_key_function_decides_what_is_the_same_input() -> None:
    calls: list[str] = []

    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    cached = cache(key=str.lower)(shout)
    assert cached.run("Hi") == "HI"
    assert cached.run("hI") == "HI"
    assert calls == ["Hi"]


def test_key_function_allows_unhashable_inputs() -> None:
    def total(numbers: list[int]) -> int:
        return sum(numbers)

    cached = cache(key=tuple)(total)
    assert cached.run([1, 2]) == 3
    assert cached.run([1, 2]) == 3
    assert cache_of(cached).stats().hits == 1


def test_unhashable_input_is_a_clear_failure() -> None:
    error = cache()(len)([1, 2]).failure()
    assert isinstance(error, StageError)
    assert error.stage == "cache(len)"
    assert isinstance(error.error, TypeError)
    assert str(error.error) == (
        "cache key must be hashable: got list [1, 2]; "
        "pass key=... to cache() to derive a hashable key from the input"
    )


def test_key_function_returning_unhashable_is_named() -> None:
    cached = cache(key=list)(len)  # type: ignore[arg-type]  # list is not Hashable
    with pytest.raises(TypeError, match=r"key=.* returned list \['a', 'b'\]"):
        cached.run("ab")


def test_failure_at_the_cached_stage_position() -> None:
    pipeline = template(str.strip) | cache()(int)
    error = pipeline(" x ").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position, error.total) == ("cache(int)", 2, 2)
    assert isinstance(error.error, ValueError)


def test_failures_are_not_stored_by_default() -> None:
    calls: list[int] = []

    def flaky(n: int) -> Result[int, str]:
        calls.append(n)
        return Failure("busy") if len(calls) < 3 else Success(n)

    cached = cache()(flaky)
    assert cached(1) == Failure("busy")
    assert cached(1) == Failure("busy")
    assert cached(1) == Success(1)
    assert cached(1) == Success(1)
    assert calls == [1, 1, 1]


def test_raised_exceptions_are_not_stored_by_default() -> None:
    calls: list[str] = []

    def parse(text: str) -> int:
        calls.append(text)
        return int(text)

    cached = cache()(parse)
    assert isinstance(cached("x").failure(), StageError)
    assert isinstance(cached("x").failure(), StageError)
    assert calls == ["x", "x"]
    assert cache_of(cached).stats().size == 0


def test_cache_failures_stores_them() -> None:
    calls: list[str] = []

    def parse(text: str) -> Result[int, str]:
        calls.append(text)
        return Failure(f"bad {text}")

    def boom(text: str) -> int:
        calls.append(text)
        raise ValueError(text)

    declared = cache(cache_failures=True)(parse)
    assert declared("a") == declared("a") == Failure("bad a")
    raised = cache(cache_failures=True)(boom)
    for _ in range(2):
        with pytest.raises(ValueError, match="b"):
            raised.run("b")
    assert calls == ["a", "b"]


def test_single_flight_across_threads() -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow(n: int) -> int:
        calls.append(n)
        assert release.wait(WAIT)
        return n * 2

    cached = cache()(slow)
    results: list[Result[int, object]] = []
    threads = [threading.Thread(target=lambda: results.append(cached(21))) for _ in range(8)]
    for thread in threads:
        thread.start()
    wait_until(lambda: cache_of(cached).stats().hits == 7)  # 7 callers wait for the 8th
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert results == [Success(42)] * 8
    assert calls == [21]
    assert cache_of(cached).stats().misses == 1


def test_single_flight_shares_a_failure_without_storing_it() -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow_failure(n: int) -> int:
        calls.append(n)
        assert release.wait(WAIT)
        raise ConnectionError("down")

    cached = cache()(slow_failure)
    results: list[Result[int, object]] = []
    threads = [threading.Thread(target=lambda: results.append(cached(1))) for _ in range(4)]
    for thread in threads:
        thread.start()
    wait_until(lambda: cache_of(cached).stats().hits == 3)
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert len(results) == 4
    assert all(isinstance(r.failure(), StageError) for r in results)
    assert calls == [1]
    assert cache_of(cached).stats().size == 0


@pytest.mark.anyio
async def test_single_flight_across_tasks() -> None:
    release = anyio.Event()
    calls: list[int] = []

    async def fetch(n: int) -> int:
        calls.append(n)
        await release.wait()
        return n + 1

    cached = cache()(fetch)
    assert cached.is_async
    results: list[Result[int, object]] = []

    async def call() -> None:
        results.append(await cached.acall(1))

    with anyio.fail_after(WAIT):
        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(call)
            await anyio.wait_all_tasks_blocked()
            assert cache_of(cached).stats().hits == 7
            release.set()
    assert results == [Success(2)] * 8
    assert calls == [1]


@pytest.mark.anyio
async def test_cancelled_owner_lets_a_waiter_compute() -> None:
    calls: list[int] = []
    first_started = anyio.Event()

    async def fetch(n: int) -> int:
        calls.append(n)
        if len(calls) == 1:
            first_started.set()
            await anyio.sleep_forever()
        return n

    cached = cache()(fetch)
    results: list[Result[int, object]] = []

    async def owner(scope: anyio.CancelScope) -> None:
        with scope:
            await cached.acall(5)

    async def waiter() -> None:
        results.append(await cached.acall(5))

    with anyio.fail_after(WAIT):
        async with anyio.create_task_group() as group:
            scope = anyio.CancelScope()
            group.start_soon(owner, scope)
            await first_started.wait()
            group.start_soon(waiter)
            await anyio.wait_all_tasks_blocked()
            scope.cancel()
    assert results == [Success(5)]
    assert calls == [5, 5]


def test_single_flight_across_event_loops_in_threads() -> None:
    release = threading.Event()
    calls: list[int] = []

    async def fetch(n: int) -> int:
        calls.append(n)
        assert await anyio.to_thread.run_sync(release.wait, WAIT)
        return n

    cached = cache()(fetch)
    results: list[Result[int, object]] = []
    threads = [threading.Thread(target=lambda: results.append(cached(3))) for _ in range(3)]
    for thread in threads:
        thread.start()
    wait_until(lambda: cache_of(cached).stats().hits == 2)
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert results == [Success(3)] * 3
    assert calls == [3]


@pytest.mark.anyio
async def test_async_cache_hits_and_ttl() -> None:
    clock = Clock()

    async def double(n: int) -> int:
        await checkpoint()
        return n * 2

    cached = cache(ttl=1, clock=clock)(double)
    assert await cached.acall(2) == Success(4)
    assert await cached.acall(2) == Success(4)
    clock.now += 1
    assert await cached.arun(2) == 4
    stats = cache_of(cached).stats()
    assert (stats.hits, stats.misses, stats.expirations) == (1, 2, 1)


def test_pickled_cache_arrives_empty_and_works() -> None:
    cached = cache(maxsize=5)(square)
    cached(3)
    copy = pickle.loads(pickle.dumps(cached))
    assert cache_of(copy).stats() == CacheStats(0, 0, 0, 0, 0, 5)
    assert copy(4) == Success(16)
    assert copy.__name__ == "cache(square)"


def test_testing_mode_bypasses_the_cache() -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    cached = cache()(record)
    with wumbo_testing_mode():
        cached(1)
        cached(1)
    assert calls == [1, 1]
    assert cache_of(cached).stats().size == 0
    with wumbo_testing_mode(bypass_cache=False):
        cached(1)
        cached(1)
    assert calls == [1, 1, 1]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"maxsize": 0}, r"maxsize \(None for no bound\) must be a positive int, got int 0"),
        ({"maxsize": True}, r"maxsize \(None for no bound\) must be a positive int, got bool"),
        ({"ttl": 0}, "ttl must be a positive number, got int 0"),
        ({"ttl": "1"}, "ttl must be a positive number, got str '1'"),
    ],
)
def test_bad_options_are_rejected(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cache(**options)  # type: ignore[arg-type]


def test_key_must_be_callable() -> None:
    with pytest.raises(TypeError, match="key must be a function of the input, got int 3"):
        cache(key=3)  # type: ignore[arg-type]


def test_cache_of_rejects_other_templates() -> None:
    with pytest.raises(TypeError, match=r"cache_of\(\) expects the Template returned by cache"):
        cache_of(template(len))


def magnitude(n: int) -> int:
    return abs(n)


def test_one_options_object_configures_a_cache_and_is_what_it_pickles_as() -> None:
    cached = cache(maxsize=2, ttl=30)(magnitude)
    options = cache_of(cached).options
    assert options == CacheOptions(maxsize=2, ttl=30.0)
    clone = pickle.loads(pickle.dumps(cached))
    assert cache_of(clone).options == options
    assert clone(-3) == Success(3)
