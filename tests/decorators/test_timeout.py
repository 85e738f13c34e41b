"""timeout: async stages are cancelled, sync stages are abandoned in their worker thread."""

from __future__ import annotations

import pickle
import threading

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, template
from wumbo.decorators import StageTimeout, current_attempt, retry, timeout

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
