"""Async stages: sync calls run them through anyio, async calls await them, on asyncio and trio."""

from __future__ import annotations

import threading

import anyio
import pytest
from returns.result import Failure, Result, Success

from wumbo import StageError, template


async def fetch(n: int) -> int:
    await anyio.sleep(0)
    return n + 1


async def checked(n: int) -> Result[int, KeyError]:
    await anyio.sleep(0)
    return Success(n) if n >= 0 else Failure(KeyError(n))


def parse(text: str) -> int:
    return int(text)


def test_sync_call_runs_async_stages() -> None:
    pipeline = template(parse) | fetch | checked
    assert pipeline.is_async
    assert pipeline("1") == Success(2)
    assert pipeline.run("1") == 2
    assert isinstance(pipeline("-5").failure(), KeyError)


def test_sync_call_of_async_failure_names_stage() -> None:
    async def boom(n: int) -> int:
        raise ValueError(f"boom {n}")

    error = (template(parse) | boom)("3").failure()
    assert isinstance(error, StageError)
    assert (error.stage, error.position, error.input) == ("boom", 2, 3)
    with pytest.raises(ValueError, match="boom 3"):
        (template(parse) | boom).run("3")


@pytest.mark.anyio
async def test_acall_and_arun() -> None:
    pipeline = template(parse) | fetch | checked
    assert await pipeline.acall("1") == Success(2)
    assert await pipeline.arun("1") == 2
    sync_only = template(parse) | str
    assert await sync_only.acall("7") == Success("7")
    assert await sync_only.arun("7") == "7"


@pytest.mark.anyio
async def test_sync_call_inside_event_loop_says_use_acall() -> None:
    pipeline = template(parse) | fetch
    with pytest.raises(RuntimeError, match=r"acall"):
        pipeline("1")
    with pytest.raises(RuntimeError, match=r"acall"):
        pipeline.run("1")


@pytest.mark.anyio
async def test_sync_only_pipeline_works_inside_event_loop() -> None:
    assert (template(parse) | str)("1") == Success("1")


@pytest.mark.anyio
async def test_sync_call_from_anyio_worker_thread_uses_the_loop() -> None:
    pipeline = template(parse) | fetch
    loop_thread = threading.get_ident()
    seen: list[int] = []

    async def where(n: int) -> int:
        seen.append(threading.get_ident())
        return n

    result = await anyio.to_thread.run_sync(lambda: (pipeline | where)("41"))
    assert result == Success(42)
    assert seen == [loop_thread]  # the async stage ran on the event loop, not in the worker


@pytest.mark.anyio
async def test_blocking_stage_runs_in_worker_thread() -> None:
    loop_thread = threading.get_ident()
    ran_in: list[int] = []
    release = threading.Event()

    @template(blocking=True)
    def slow(n: int) -> int:
        ran_in.append(threading.get_ident())
        release.wait(5)
        return n

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not release.is_set():
            ticks += 1
            if ticks >= 3:
                release.set()  # the loop kept running while the stage blocked
            await anyio.sleep(0.001)

    async with anyio.create_task_group() as group:
        group.start_soon(ticker)
        assert await slow.acall(7) == Success(7)
    assert ticks >= 3
    assert ran_in
    assert ran_in[0] != loop_thread


@pytest.mark.anyio
async def test_async_stage_cancellation_propagates() -> None:
    started = anyio.Event()

    async def forever(n: int) -> int:
        started.set()
        await anyio.sleep_forever()
        return n

    pipeline = template(forever)
    with anyio.move_on_after(5) as scope:
        async with anyio.create_task_group() as group:
            group.start_soon(pipeline.acall, 1)
            await started.wait()
            group.cancel_scope.cancel()
    assert not scope.cancelled_caught  # cancelled promptly by the group, not by the timeout
