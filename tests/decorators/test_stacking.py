"""Decorators compose in any order, sync and async, and the stack pickles to other processes."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import anyio
import pytest
from returns.result import Success

from wumbo import StageError, Template, template
from wumbo.decorators import (
    CircuitBreaker,
    CircuitOpen,
    CircuitState,
    StageTimeout,
    cache,
    cache_of,
    current_attempt,
    recover,
    retry,
    timeout,
)

WAIT = 5.0


class Flaky:
    """Raises ``ConnectionError`` on its first ``failures`` calls; records attempt numbers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts: list[int] = []

    def __call__(self, n: int) -> int:
        self.attempts.append(current_attempt.get())
        if len(self.attempts) <= self.failures:
            raise ConnectionError("down")
        return n * 2


class AsyncFlaky(Flaky):
    async def __call__(self, n: int) -> int:  # type: ignore[override]
        await anyio.lowlevel.checkpoint()
        return super().__call__(n)


def test_retry_of_cache_caches_the_eventual_success() -> None:
    flaky = Flaky(2)
    cached = cache()(flaky)
    stacked = retry(attempts=3, delay=0)(cached)
    assert stacked.__name__ == "retry(cache(Flaky))"
    assert stacked(4) == Success(8)
    assert stacked(4) == Success(8)
    assert flaky.attempts == [1, 2, 3]  # failures were not cached, the success was
    assert cache_of(cached).stats().size == 1


def test_cache_of_retry_caches_the_retried_result() -> None:
    flaky = Flaky(1)
    stacked = cache()(retry(attempts=2, delay=0)(flaky))
    assert stacked(1) == stacked(1) == Success(2)
    assert flaky.attempts == [1, 2]


def test_timeout_of_retry_bounds_all_attempts() -> None:
    flaky = Flaky(99)
    stacked = timeout(WAIT)(retry(attempts=3, delay=0)(flaky))
    error = (template(int) | stacked)("1").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(retry(Flaky))", 2)
    assert isinstance(error.error, ConnectionError)
    assert flaky.attempts == [1, 2, 3]


def test_retry_of_timeout_retries_a_timeout() -> None:
    calls: list[int] = []

    async def slow_once(n: int) -> int:
        calls.append(n)
        if len(calls) == 1:
            await anyio.sleep_forever()
        return n

    stacked = retry(attempts=2, delay=0, retry_on=StageTimeout)(timeout(0.05)(slow_once))
    assert stacked(3) == Success(3)
    assert calls == [3, 3]


def test_breaker_outside_retry_counts_one_failure_per_retried_call() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    flaky = Flaky(99)
    stacked = breaker(retry(attempts=3, delay=0)(flaky))
    stacked(1)
    stacked(1)
    assert breaker.state is CircuitState.OPEN
    assert len(flaky.attempts) == 6
    error = stacked(1).failure()
    assert isinstance(error, StageError)
    assert isinstance(error.error, CircuitOpen)


def test_retry_outside_breaker_stops_on_an_open_circuit() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    flaky = Flaky(99)
    stacked = retry(attempts=5, delay=0, retry_on=ConnectionError)(breaker(flaky))
    error = stacked(1).failure()
    assert isinstance(error, StageError)
    assert isinstance(error.error, CircuitOpen)
    assert len(flaky.attempts) == 2  # the third attempt failed fast and was not retryable


def test_recover_around_everything() -> None:
    def minus_one(n: int, error: object) -> int:
        return -1

    stacked = recover(minus_one)(timeout(WAIT)(retry(attempts=2, delay=0)(Flaky(9))))
    assert stacked.run(1) == -1


@pytest.mark.anyio
async def test_async_stack_in_every_order() -> None:
    def stacks(flaky: AsyncFlaky) -> list[Template[int, int]]:
        breaker = CircuitBreaker(failure_threshold=10)
        return [
            retry(attempts=3, delay=0)(cache()(flaky)),
            cache()(retry(attempts=3, delay=0)(flaky)),
            timeout(WAIT)(retry(attempts=3, delay=0)(flaky)),
            retry(attempts=3, delay=0)(timeout(WAIT)(flaky)),
            breaker(retry(attempts=3, delay=0)(flaky)),
            retry(attempts=3, delay=0)(breaker(flaky)),
        ]

    for index in range(6):
        flaky = AsyncFlaky(2)
        stacked = stacks(flaky)[index]
        assert stacked.is_async
        assert await stacked.acall(5) == Success(10), stacked
        assert flaky.attempts == [1, 2, 3], stacked


def double(n: int) -> int:
    return n * 2


def test_a_full_stack_runs_in_another_process() -> None:
    breaker = CircuitBreaker(failure_threshold=3, failure_on=ConnectionError)
    stacked = template(int) | timeout(WAIT)(
        retry(attempts=2, delay=0, retry_on=ConnectionError)(breaker(cache(maxsize=4)(double)))
    )
    assert pickle.loads(pickle.dumps(stacked)).run("2") == 4
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(stacked, "21").result(timeout=60) == Success(42)
