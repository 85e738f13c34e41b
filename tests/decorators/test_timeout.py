"""timeout: async stages are cancelled; sync stages are abandoned in their worker thread, or
interrupted in their own thread with ``interrupt=True``."""

from __future__ import annotations

import pickle
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, template
from wumbo.decorators import StageTimeout, current_attempt, retry, timeout, timeout_interrupt

WAIT = 5.0
SHORT = 0.05


def timed_out(result: Result[object, object]) -> StageTimeout:
    error = result.failure()
    assert isinstance(error, StageError)
    assert isinstance(error.error, StageTimeout)
    return error.error


@pytest.mark.anyio
async def test_async_stage_is_cancelled_at_the_deadline() -> None:
    cleaned_up = anyio.Event()

    async def stuck(n: int) -> int:
        try:
            await anyio.sleep_forever()
        finally:
            cleaned_up.set()
        return n

    with anyio.fail_after(WAIT):
        result = await (template(int) | timeout(SHORT)(stuck)).acall("1")
    error = result.failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(stuck)", 2)
    assert isinstance(error.error, StageTimeout)
    assert isinstance(error.error, TimeoutError)
    assert not error.error.abandoned
    assert str(error.error) == f"stage 'stuck' timed out after {SHORT:g} s and was cancelled"
    assert cleaned_up.is_set()  # cancelled, not left running


@pytest.mark.anyio
async def test_async_stage_within_the_limit_succeeds() -> None:
    async def quick(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        return n + 1

    assert await timeout(WAIT)(quick).acall(1) == Success(2)


def test_async_stage_called_synchronously() -> None:
    async def stuck(n: int) -> int:
        await anyio.sleep_forever()
        return n

    assert timed_out(timeout(SHORT)(stuck)(1)).seconds == SHORT


def test_sync_stage_is_abandoned_and_finishes_later() -> None:
    release, finished = threading.Event(), threading.Event()

    def stuck(n: int) -> int:
        assert release.wait(WAIT)
        finished.set()
        return n

    error = timed_out(timeout(SHORT)(stuck)(1))
    assert error.abandoned
    assert "worker thread was abandoned" in str(error)
    assert "interrupt=True" in str(error)
    assert "sandbox()" in str(error)
    assert not finished.is_set()  # still running in its worker thread
    release.set()
    assert finished.wait(WAIT)  # ... until the function returns on its own


def test_sync_stage_within_the_limit_succeeds_and_keeps_its_failures() -> None:
    assert timeout(WAIT)(template(int))("3") == Success(3)
    error = (template(str.strip) | timeout(WAIT)(int))(" x ").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(int)", 2)
    assert isinstance(error.error, ValueError)

    def declared(n: int) -> Result[int, str]:
        return Failure("no")

    assert timeout(WAIT)(declared)(1) == Failure("no")


@pytest.mark.anyio
async def test_sync_stage_in_an_async_pipeline_runs_off_the_event_loop() -> None:
    release = threading.Event()

    def stuck(n: int) -> int:
        release.wait(WAIT)
        return n

    guarded = timeout(SHORT)(stuck)
    assert not guarded.is_async
    assert guarded.stages[0].blocking
    with anyio.fail_after(WAIT):
        result = await guarded.acall(1)
    release.set()
    assert timed_out(result).abandoned


def test_worker_thread_sees_the_callers_context() -> None:
    seen: list[int] = []
    calls: list[int] = []

    def flaky(n: int) -> int:
        seen.append(current_attempt.get())
        calls.append(n)
        if len(calls) < 2:
            raise OSError("again")
        return n

    assert retry(attempts=2, delay=0)(timeout(WAIT)(flaky))(1) == Success(1)
    assert seen == [1, 2]


def test_stage_timeout_pickles() -> None:
    error = pickle.loads(pickle.dumps(StageTimeout("fetch", 1.5, abandoned=True)))
    assert (error.stage, error.seconds, error.abandoned) == ("fetch", 1.5, True)


def test_timed_template_pickles() -> None:
    copy = pickle.loads(pickle.dumps(timeout(WAIT)(template(int))))
    assert copy.run("8") == 8


@pytest.mark.parametrize("seconds", [0, -1, "1", None])
def test_bad_limit_is_rejected(seconds: object) -> None:
    with pytest.raises(ValueError, match="timeout seconds must be a positive number"):
        timeout(seconds)  # type: ignore[arg-type]


def test_sync_calls_in_time_reuse_one_worker_thread() -> None:
    threads: list[threading.Thread] = []

    def record(n: int) -> int:
        threads.append(threading.current_thread())
        return n

    guarded = timeout(WAIT)(record)
    before = threading.active_count()
    assert [guarded.run(n) for n in range(50)] == list(range(50))
    assert len(set(threads)) == 1
    assert threads[0] is not threading.current_thread()  # off the caller's thread
    assert threading.active_count() <= before + 1


def test_an_abandoned_worker_is_not_handed_calls_until_it_is_free() -> None:
    release, finished = threading.Event(), threading.Event()
    threads: dict[str, int] = {}

    def stuck(n: int) -> int:
        threads["stuck"] = threading.get_ident()
        assert release.wait(WAIT)
        finished.set()
        return n

    def quick(n: int) -> int:
        threads["quick"] = threading.get_ident()
        return n

    assert timed_out(timeout(SHORT)(stuck)(1)).abandoned
    assert timeout(WAIT)(quick).run(2) == 2  # served while the stuck call runs on
    assert threads["quick"] != threads["stuck"]
    release.set()
    assert finished.wait(WAIT)


def test_a_base_exception_in_the_worker_reaches_the_caller() -> None:
    def leave(n: int) -> int:
        raise SystemExit(n)

    with pytest.raises(SystemExit):
        timeout(WAIT)(leave)(1)


def test_a_call_finishing_at_its_deadline_leaves_its_worker_usable() -> None:
    def until(deadline: float) -> float:
        while time.monotonic() < deadline:
            pass
        return deadline

    limit = 0.002
    guarded = timeout(limit)(until)
    outcomes: set[str] = set()
    for _ in range(200):
        result = guarded(time.monotonic() + limit)
        outcomes.add("in time" if isinstance(result, Success) else type(timed_out(result)).__name__)
    assert outcomes <= {"in time", "StageTimeout"}
    assert timeout(WAIT)(int).run("5") == 5  # the pool still serves calls


# -- interrupt=True: the stage runs in the caller's thread and is interrupted at its deadline --


def spin(rounds: int) -> int:
    """Pure-Python work, long enough to pass any deadline of these tests (but bounded)."""
    while rounds:
        rounds -= 1
    return rounds


FOREVER = 10**12
"""Rounds of `spin` that take far longer than `SHORT`."""


def test_interrupted_stage_runs_in_the_callers_thread_and_keeps_its_results() -> None:
    threads: list[threading.Thread] = []

    def record(n: int) -> int:
        threads.append(threading.current_thread())
        return n

    guarded = timeout(WAIT, interrupt=True)(record)
    assert [guarded.run(n) for n in range(3)] == [0, 1, 2]
    assert set(threads) == {threading.current_thread()}
    assert timeout(WAIT, interrupt=True)(template(int))("3") == Success(3)
    error = (template(str.strip) | timeout(WAIT, interrupt=True)(int))(" x ").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(int)", 2)
    assert isinstance(error.error, ValueError)

    def declared(n: int) -> Result[int, str]:
        return Failure("no")

    assert timeout(WAIT, interrupt=True)(declared)(1) == Failure("no")


def test_pure_python_loop_is_interrupted_at_the_deadline_and_its_finally_runs() -> None:
    cleaned_up: list[str] = []

    def busy(rounds: int) -> int:
        try:
            return spin(rounds)
        finally:
            cleaned_up.append("finally")

    started = time.monotonic()
    result = (template(int) | timeout(SHORT, interrupt=True)(busy))(str(FOREVER))
    assert time.monotonic() - started < WAIT
    error = result.failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(busy)", 2)
    assert isinstance(error.error, StageTimeout)
    assert not error.error.abandoned
    assert str(error.error) == f"stage 'busy' timed out after {SHORT:g} s and was cancelled"
    assert cleaned_up == ["finally"]  # stopped, not left running


def test_an_interrupt_on_a_tight_loops_back_edge_still_fails_the_call_on_time() -> None:
    """CPython may skip the stage's own ``finally`` here (python/cpython#108214, #130279: the
    jump back to a ``while`` test with no body after it lies outside the ``try``); the call's
    contract holds whichever way the interpreter goes: a StageTimeout on time, nothing stray
    afterwards."""
    cleaned_up: list[int] = []

    def tight(rounds: int) -> int:
        try:
            while rounds:
                rounds -= 1
            return rounds
        finally:
            cleaned_up.append(rounds)

    started = time.monotonic()
    error = timed_out(timeout(SHORT, interrupt=True)(tight)(FOREVER))
    assert time.monotonic() - started < WAIT
    assert not error.abandoned
    assert len(cleaned_up) <= 1  # ran once, or was skipped by the interpreter: never twice
    assert timeout(SHORT, interrupt=True)(tight)(3) == Success(0)  # and the next call is clean


def test_an_exception_handler_of_the_stage_does_not_swallow_the_interrupt() -> None:
    def careful(rounds: int) -> int:
        try:
            return spin(rounds)
        except Exception:  # the interrupt is a BaseException: it passes
            return -1

    assert timed_out(timeout(SHORT, interrupt=True)(careful)(FOREVER)).seconds == SHORT


def test_a_blocking_c_call_is_interrupted_only_when_it_returns() -> None:
    never = threading.Event()

    def blocked(seconds: float) -> float:
        never.wait(seconds)  # blocks in C (a lock's timed acquire)
        return spin(FOREVER)

    started = time.monotonic()
    error = timed_out(timeout(SHORT, interrupt=True)(blocked)(4 * SHORT))
    assert time.monotonic() - started >= 4 * SHORT  # late: once the wait returned
    assert not error.abandoned


def test_nested_inner_deadline_first_gives_the_outer_stage_the_inner_failure() -> None:
    inner = timeout(SHORT, interrupt=True)(spin)

    def outer_stage(rounds: int) -> str:
        return type(timed_out(inner(rounds))).__name__

    assert timeout(WAIT, interrupt=True)(outer_stage)(FOREVER) == Success("StageTimeout")


def test_nested_outer_deadline_first_is_not_swallowed_by_the_inner_timeout() -> None:
    inner = timeout(WAIT, interrupt=True)(spin)
    seen: list[str] = []

    def outer_stage(rounds: int) -> int:
        result = inner(rounds)  # the outer deadline passes in here
        seen.append("inner returned")
        return result.unwrap()

    error = timed_out(timeout(SHORT, interrupt=True)(outer_stage)(FOREVER))
    assert (error.stage, error.seconds) == ("outer_stage", SHORT)
    assert seen == []  # the interrupt went through the inner timeout to the outer one


def test_an_outer_interrupt_reaches_a_caller_waiting_for_an_inner_worker_thread() -> None:
    release = threading.Event()

    def stuck(n: int) -> int:
        release.wait(WAIT)
        return n

    inner = timeout(2 * SHORT)(stuck)  # the default form: its caller waits for a worker

    def outer_stage(n: int) -> int:
        return inner.run(n)

    error = timed_out(timeout(SHORT, interrupt=True)(outer_stage)(1))
    assert error.stage == "outer_stage"
    release.set()
    assert timeout(WAIT)(int).run("7") == 7  # the abandoned worker did not break the pool


def test_interrupted_calls_from_many_threads_at_once() -> None:
    guarded = timeout(SHORT, interrupt=True)(spin)

    def one(rounds: int) -> str:
        result = guarded(rounds)
        return "in time" if isinstance(result, Success) else type(timed_out(result)).__name__

    rounds = [FOREVER if n % 2 else 10 for n in range(16)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, rounds))
    assert outcomes == ["StageTimeout" if n % 2 else "in time" for n in range(16)]


def test_no_stray_interrupt_after_calls_that_finish_right_at_their_deadline() -> None:
    def until(deadline: float) -> float:
        while time.monotonic() < deadline:
            pass
        return deadline

    limit = 0.001
    guarded = timeout(limit, interrupt=True)(until)
    outcomes: set[str] = set()
    for _ in range(300):
        result = guarded(time.monotonic() + limit)
        outcomes.add("in time" if isinstance(result, Success) else type(timed_out(result)).__name__)
        assert spin(20_000) == 0  # Python code after the call: a stray interrupt would land here
    assert outcomes <= {"in time", "StageTimeout"}
    assert spin(200_000) == 0


def test_calls_that_finish_in_time_do_not_wake_the_watchdog() -> None:
    guarded = timeout(60.0, interrupt=True)(spin)
    assert guarded(1) == Success(0)  # the watchdog now sleeps until a minute from now at most
    sleeping = timeout_interrupt._wake.locked  # the watchdog sleeps on this lock
    started = time.monotonic()
    while not sleeping():  # it took a wake-up the first call may have given it
        assert time.monotonic() - started < WAIT
        time.sleep(0.001)
    planned = timeout_interrupt._planned
    for _ in range(500):
        assert guarded(1) == Success(0)  # later deadlines than planned: no wake-up
    if timeout_interrupt._planned == planned:  # (else it woke at an earlier test's deadline)
        assert sleeping()  # no call released the lock it sleeps on


def test_traced_code_runs_normally_after_an_interrupted_call() -> None:
    assert not timed_out(timeout(SHORT, interrupt=True)(spin)(FOREVER)).abandoned
    finished = threading.Event()

    def traced() -> None:  # as under coverage or a debugger
        sys.settrace(lambda frame, event, arg: None)
        try:
            for _ in range(100):
                spin(1)
        finally:
            sys.settrace(None)
        finished.set()

    threading.Thread(target=traced, daemon=True).start()
    assert finished.wait(WAIT)  # no stale "asynchronous exception" signal makes it spin


def test_interrupting_timeout_pickles_with_its_options() -> None:
    copy = pickle.loads(pickle.dumps(timeout(SHORT, interrupt=True)(spin)))
    assert copy(3) == Success(0)
    assert not timed_out(copy(FOREVER)).abandoned


@pytest.mark.anyio
async def test_interrupted_sync_stage_in_an_async_pipeline_runs_in_a_worker_thread() -> None:
    async def parse(text: str) -> int:
        await anyio.lowlevel.checkpoint()
        return int(text)

    guarded = timeout(SHORT, interrupt=True)(spin)
    assert guarded.stages[0].blocking
    pipeline = template(parse) | guarded
    with anyio.fail_after(WAIT):
        failed = await pipeline.acall(str(FOREVER))
        succeeded = await pipeline.acall("5")
    error = failed.failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position) == ("timeout(spin)", 2)
    assert isinstance(error.error, StageTimeout)
    assert not error.error.abandoned
    assert succeeded == Success(0)


def test_bad_interrupt_option_is_rejected() -> None:
    with pytest.raises(ValueError, match="timeout interrupt must be True or False, got str 'yes'"):
        timeout(1.0, interrupt="yes")  # type: ignore[arg-type]
