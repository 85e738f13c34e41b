"""retry: attempts, what is retryable, backoff and jitter, attempt numbers, sync and async."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, template
from wumbo.decorators import RetryEvent, current_attempt, retry, wumbo_testing_mode


class Flaky:
    """Fails ``failures`` times with ``error`` (raised, or returned when ``declared``)."""

    def __init__(self, failures: int, error: Exception, *, declared: bool = False) -> None:
        self.failures = failures
        self.error = error
        self.declared = declared
        self.attempts: list[int] = []

    def __call__(self, value: int) -> Result[int, Exception]:
        self.attempts.append(current_attempt.get())
        if len(self.attempts) <= self.failures:
            if self.declared:
                return Failure(self.error)
            raise self.error
        return Success(value * 2)


def no_pause(**options: Any) -> Callable[[Callable[[Any], Any]], Any]:
    return retry(delay=0, **options)


def recorded_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the pauses retry sleeps (``time.sleep``, ``anyio.sleep``) instead of sleeping."""
    slept: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(time, "sleep", slept.append)
    monkeypatch.setattr(anyio, "sleep", fake_async_sleep)
    return slept


def test_retries_a_raised_exception_until_success() -> None:
    flaky = Flaky(2, ConnectionError("down"))
    assert no_pause(attempts=3)(flaky)(5) == Success(10)
    assert flaky.attempts == [1, 2, 3]
    assert current_attempt.get() == 1  # restored after the call


def test_gives_up_after_the_last_attempt_at_its_own_position() -> None:
    flaky = Flaky(5, ConnectionError("down"))
    pipeline = template(int) | no_pause(attempts=3)(flaky)
    error = pipeline("1").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("retry(Flaky)", 2)
    assert isinstance(error.error, ConnectionError)
    assert flaky.attempts == [1, 2, 3]


def test_one_attempt_means_no_retry() -> None:
    flaky = Flaky(1, ConnectionError("down"))
    assert isinstance(no_pause(attempts=1)(flaky)(1).failure(), StageError)
    assert flaky.attempts == [1]


def test_retries_a_failure_holding_a_matching_exception() -> None:
    flaky = Flaky(2, TimeoutError("slow"), declared=True)
    assert no_pause(attempts=3, retry_on=TimeoutError)(flaky)(1) == Success(2)


def test_declared_failure_is_returned_as_is_when_retries_run_out() -> None:
    error = TimeoutError("slow")
    flaky = Flaky(9, error, declared=True)
    assert no_pause(attempts=2)(flaky)(1) == Failure(error)
    assert flaky.attempts == [1, 2]


def test_non_matching_errors_are_not_retried() -> None:
    flaky = Flaky(1, KeyError("k"))
    result = no_pause(attempts=3, retry_on=(ConnectionError, TimeoutError))(flaky)(1)
    assert isinstance(result.failure(), StageError)
    assert flaky.attempts == [1]


def test_failure_of_a_plain_value_is_not_retried_by_default() -> None:
    calls: list[str] = []

    def busy(text: str) -> Result[str, str]:
        calls.append(text)
        return Failure("busy")

    assert no_pause(attempts=3)(busy)("x") == Failure("busy")
    assert calls == ["x"]


def test_predicate_sees_the_exception_or_the_failure_value() -> None:
    seen: list[object] = []

    def retryable(error: object) -> bool:
        seen.append(error)
        return error == "busy" or isinstance(error, OSError)

    calls: list[int] = []

    def mixed(n: int) -> Result[int, str]:
        calls.append(n)
        if len(calls) == 1:
            return Failure("busy")
        if len(calls) == 2:
            raise OSError("reset")
        return Failure("gone")

    assert no_pause(attempts=5, retry_on=retryable)(mixed)(1) == Failure("gone")
    assert seen[0] == "busy"
    assert isinstance(seen[1], OSError)
    assert seen[2] == "gone"
    assert len(calls) == 3


def test_exponential_backoff_capped_by_max_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = recorded_sleeps(monkeypatch)
    events: list[RetryEvent] = []
    flaky = Flaky(5, ConnectionError("down"))
    retried = retry(
        attempts=6, delay=0.1, backoff=3.0, max_delay=1.0, jitter=False, on_retry=events.append
    )
    retried(flaky)(1)
    assert slept == pytest.approx([0.1, 0.3, 0.9, 1.0, 1.0])
    assert [event.attempt for event in events] == [1, 2, 3, 4, 5]
    assert [event.delay for event in events] == slept
    assert all(event.stage == "Flaky" for event in events)
    assert all(isinstance(event.error, ConnectionError) for event in events)


def test_full_jitter_stays_under_the_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = recorded_sleeps(monkeypatch)
    for _ in range(20):
        retry(attempts=4, delay=1.0, backoff=2.0)(Flaky(3, OSError()))(1)
    ceilings = [1.0, 2.0, 4.0] * 20
    assert all(0 <= pause <= ceiling for pause, ceiling in zip(slept, ceilings, strict=True))
    assert len(set(slept)) > 3  # jittered, not constant


@pytest.mark.anyio
async def test_async_stage_retries_with_anyio_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = recorded_sleeps(monkeypatch)
    attempts: list[int] = []

    async def fetch(n: int) -> int:
        attempts.append(current_attempt.get())
        await anyio.lowlevel.checkpoint()
        if len(attempts) < 3:
            raise ConnectionError("down")
        return n

    retried = retry(attempts=3, delay=0.5, jitter=False)(fetch)
    assert retried.is_async
    assert await retried.acall(7) == Success(7)
    assert attempts == [1, 2, 3]
    assert slept == [0.5, 1.0]


@pytest.mark.anyio
async def test_async_retry_is_cancellable_while_pausing() -> None:
    async def down(n: int) -> int:
        raise ConnectionError("down")

    retried = retry(attempts=3, delay=100, jitter=False)(down)
    with anyio.move_on_after(0.05) as scope:
        await retried.acall(1)
    assert scope.cancelled_caught


def test_sync_stage_sleeps_between_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = recorded_sleeps(monkeypatch)
    retry(attempts=2, delay=0.25, jitter=False)(Flaky(1, OSError()))(1)
    assert slept == [0.25]


def test_nested_retries_number_their_own_attempts() -> None:
    inner = Flaky(1, OSError("inner"))
    outer_attempts: list[int] = []

    def outer_then_inner(n: int) -> int:
        outer_attempts.append(current_attempt.get())
        value: int = no_pause(attempts=2)(inner).run(n)
        return value

    assert no_pause(attempts=2)(outer_then_inner)(1) == Success(2)
    assert outer_attempts == [1]
    assert inner.attempts == [1, 2]


def test_retried_template_pickles() -> None:
    retried = retry(attempts=2, delay=0, retry_on=ConnectionError)(template(int))
    copy = pickle.loads(pickle.dumps(retried))
    assert copy.run("4") == 4
    assert copy.__name__ == "retry(int)"


def test_testing_mode_skips_sleeps_and_seeds_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = recorded_sleeps(monkeypatch)

    def delays(seed: int) -> list[float]:
        events: list[RetryEvent] = []
        with wumbo_testing_mode(seed=seed):
            retry(attempts=4, delay=1.0, on_retry=events.append)(Flaky(3, OSError()))(1)
        return [event.delay for event in events]

    assert delays(1) == delays(1)
    assert delays(1) != delays(2)
    assert slept == []


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"attempts": 0}, ValueError, "attempts must be a positive int, got int 0"),
        ({"attempts": 2.5}, ValueError, "attempts must be a positive int, got float 2.5"),
        ({"delay": -1}, ValueError, "delay must be a number >= 0, got int -1"),
        ({"backoff": 0.5}, ValueError, "backoff must be >= 1"),
        ({"retry_on": int}, TypeError, "retry_on must be an exception type"),
        ({"retry_on": (OSError, 3)}, TypeError, "retry_on must be an exception type"),
    ],
)
def test_bad_options_are_rejected(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        retry(**options)
