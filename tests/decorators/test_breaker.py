"""CircuitBreaker: closed -> open -> half-open -> closed/open, fail fast, threads, async."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, template
from wumbo.decorators import BreakerOptions, CircuitBreaker, CircuitOpen, CircuitState

CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
WAIT = 5.0


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Service:
    """A dependency that is up or down; counts the calls that reached it."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, n: int) -> int:
        with self.lock:
            self.calls += 1
        if not self.up:
            raise ConnectionError("down")
        return n


def refused(result: Result[object, object]) -> CircuitOpen:
    error = result.failure()
    assert isinstance(error, StageError)
    assert isinstance(error.error, CircuitOpen)
    return error.error


def make(threshold: int = 3, reset: float = 10.0) -> tuple[CircuitBreaker, Clock, list[object]]:
    clock = Clock()
    changes: list[object] = []
    breaker = CircuitBreaker(
        failure_threshold=threshold,
        reset_timeout=reset,
        clock=clock,
        on_state_change=lambda old, new: changes.append((old, new)),
        name="svc",
    )
    return breaker, clock, changes


def test_full_cycle_with_a_fake_clock() -> None:
    breaker, clock, changes = make(threshold=3, reset=10)
    service = Service()
    guarded = template(int) | breaker(service)
    service.up = False
    for _ in range(3):
        assert isinstance(guarded("1").failure(), StageError)
    assert breaker.state is OPEN
    assert breaker.failures == 3

    clock.now += 4
    error = guarded("1").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("circuit_breaker(Service)", 2)
    assert isinstance(error.error, CircuitOpen)
    assert error.error.retry_in == pytest.approx(6)
    assert str(error.error) == (
        "circuit breaker 'svc' is open after 3 consecutive failures; calls fail fast for 6 s more"
    )
    assert service.calls == 3  # the refused call never reached the service

    clock.now += 6
    assert breaker.state is HALF_OPEN
    assert isinstance(guarded("1").failure(), StageError)  # the trial fails: open again
    assert breaker.state is OPEN
    assert refused(guarded("1")).retry_in == pytest.approx(10)

    clock.now += 10
    service.up = True
    assert guarded("7") == Success(7)  # the trial succeeds: closed
    assert breaker.state is CLOSED
    assert breaker.failures == 0
    assert changes == [
        (CLOSED, OPEN),
        (OPEN, HALF_OPEN),
        (HALF_OPEN, OPEN),
        (OPEN, HALF_OPEN),
        (HALF_OPEN, CLOSED),
    ]


def test_a_success_resets_the_consecutive_count() -> None:
    breaker, _, _ = make(threshold=2)
    service = Service()
    guarded = breaker(service)
    for up in (False, True, False, True, False):
        service.up = up
        guarded(1)
    assert breaker.state is CLOSED
    assert breaker.failures == 1


def test_declared_failures_count_when_they_match() -> None:
    breaker, _, _ = make(threshold=1)

    def down(n: int) -> Result[int, OSError]:
        return Failure(OSError("down"))

    assert isinstance(breaker(down)(1).failure(), OSError)  # returned as is, and counted
    assert breaker.state is OPEN


def test_failures_that_do_not_match_count_as_answers() -> None:
    breaker = CircuitBreaker(failure_threshold=1, failure_on=ConnectionError)

    def missing(key: str) -> Result[str, str]:
        return Failure(f"no {key}")

    guarded = breaker(missing)
    assert guarded("k") == Failure("no k")
    assert isinstance(breaker(int)("x").failure(), StageError)  # ValueError: not counted
    assert breaker.state is CLOSED


def test_half_open_lets_one_trial_through_at_a_time() -> None:
    breaker, clock, _ = make(threshold=1, reset=5)
    release, entered = threading.Event(), threading.Event()
    healthy = False

    def service(n: int) -> int:
        if not healthy:
            raise ConnectionError("down")
        entered.set()
        assert release.wait(WAIT)
        return n

    guarded = breaker(service)
    guarded(1)
    assert breaker.state is OPEN
    clock.now += 5
    healthy = True
    with ThreadPoolExecutor(1) as pool:
        trial = pool.submit(guarded, 1)
        assert entered.wait(WAIT)
        busy = refused(guarded(2))
        assert busy.retry_in == 0
        assert "half-open and its trial call is still running" in str(busy)
        release.set()
        assert trial.result(WAIT) == Success(1)
    assert breaker.state is CLOSED


def test_many_threads_open_it_once_and_then_fail_fast() -> None:
    breaker, _, changes = make(threshold=5)
    service = Service()
    service.up = False
    guarded = breaker(service)
    start = threading.Barrier(8)

    def hammer(_: int) -> list[Result[int, object]]:
        start.wait(WAIT)
        return [guarded(1) for _ in range(50)]

    with ThreadPoolExecutor(8) as pool:
        results = [r for batch in pool.map(hammer, range(8)) for r in batch]
    assert len(results) == 400
    assert breaker.state is OPEN
    assert changes == [(CLOSED, OPEN)]
    assert service.calls < 400  # most calls failed fast
    errors = [r.failure() for r in results]
    fast = [e for e in errors if isinstance(e, StageError) and isinstance(e.error, CircuitOpen)]
    assert len(fast) == 400 - service.calls


def test_many_threads_of_successes_keep_it_closed() -> None:
    breaker, _, changes = make(threshold=1)
    guarded = breaker(Service())
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(guarded, range(400)))
    assert results == [Success(n) for n in range(400)]
    assert breaker.state is CLOSED
    assert changes == []


@pytest.mark.anyio
async def test_async_stage_and_a_cancelled_trial() -> None:
    breaker, clock, _ = make(threshold=1, reset=5)
    started = anyio.Event()
    calls: list[int] = []

    async def fetch(n: int) -> int:
        calls.append(n)
        if len(calls) == 1:
            raise ConnectionError("down")
        if len(calls) == 2:
            started.set()
            await anyio.sleep_forever()
        return n

    guarded = breaker(fetch)
    assert guarded.is_async
    await guarded.acall(1)
    assert breaker.state is OPEN
    assert isinstance(refused(await guarded.acall(1)), CircuitOpen)
    clock.now += 5
    with anyio.fail_after(WAIT):
        async with anyio.create_task_group() as group:
            group.start_soon(guarded.acall, 2)
            await started.wait()
            group.cancel_scope.cancel()  # the trial is cancelled: it counts for nothing
    assert breaker.state is HALF_OPEN
    assert await guarded.acall(3) == Success(3)  # a new trial may run, and closes it
    assert breaker.state is CLOSED


def test_one_breaker_guards_several_stages() -> None:
    breaker, _, _ = make(threshold=2)
    reader, writer = Service(), Service()
    reads, writes = breaker(reader), breaker(writer)
    reader.up = False
    reads(1)
    reads(1)
    assert refused(writes(1)).breaker == "circuit breaker 'svc'"
    assert writer.calls == 0


def test_reset_closes_by_hand() -> None:
    breaker, _, changes = make(threshold=1)
    breaker(int)("x")
    breaker.reset()
    assert breaker.state is CLOSED
    assert changes == [(CLOSED, OPEN), (OPEN, CLOSED)]
    assert "closed, 0 consecutive failures" in repr(breaker)


def test_pickled_breaker_arrives_closed() -> None:
    breaker = CircuitBreaker(failure_threshold=1, failure_on=(OSError,), name="db")
    guarded = breaker(template(int))
    guarded("x")
    copy = pickle.loads(pickle.dumps(guarded))
    assert copy.run("3") == 3
    copied_breaker = pickle.loads(pickle.dumps(breaker))
    assert copied_breaker.state is CLOSED
    assert copied_breaker.options == breaker.options
    assert (copied_breaker.options.name, copied_breaker.options.failure_on) == ("db", (OSError,))
    error = pickle.loads(pickle.dumps(CircuitOpen("b", 2, 1.0)))
    assert (error.breaker, error.failures, error.retry_in) == ("b", 2, 1.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"failure_threshold": 0}, "failure_threshold must be a positive int"),
        ({"reset_timeout": 0}, "reset_timeout must be a positive number"),
    ],
)
def test_bad_options_are_rejected(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CircuitBreaker(**options)  # type: ignore[arg-type]


def test_one_options_object_configures_a_breaker_and_is_what_it_pickles_as() -> None:
    options = BreakerOptions(failure_threshold=1, reset_timeout=5, name="db")
    breaker = CircuitBreaker.of(options)
    assert breaker.options is options
    assert CircuitBreaker(failure_threshold=1, reset_timeout=5, name="db").options == options
    guarded = breaker(int)
    assert isinstance(guarded("x").failure().error, ValueError)
    assert breaker.state is CircuitState.OPEN
    clone = pickle.loads(pickle.dumps(breaker))
    assert clone.options == options
    assert clone.state is CircuitState.CLOSED  # a pickled breaker arrives closed
    with pytest.raises(TypeError, match="failure_on must be"):
        BreakerOptions(failure_on=3)  # type: ignore[arg-type]
