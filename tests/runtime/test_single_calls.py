"""Single calls of a pipeline with async stages: from sync code, worker threads, async code."""

from __future__ import annotations

import threading

import anyio
import anyio.to_thread
import pytest
from returns.result import Success

from wumbo import template

from .stages import adouble, double


def test_sync_call_starts_an_event_loop() -> None:
    assert (template(double) | adouble)(1) == Success(4)


@pytest.mark.anyio
async def test_sync_call_from_an_anyio_worker_thread_runs_on_the_loop() -> None:
    pipeline = template(double) | adouble
    assert await anyio.to_thread.run_sync(pipeline, 2) == Success(8)


@pytest.mark.anyio
async def test_sync_call_inside_a_running_loop_names_acall() -> None:
    with pytest.raises(RuntimeError, match=r"acall"):
        (template(double) | adouble)(1)


@pytest.mark.anyio
async def test_acall_runs_sync_and_async_stages() -> None:
    assert await (template(double) | adouble | double).acall(1) == Success(8)


@pytest.mark.anyio
async def test_blocking_stage_does_not_stall_a_ticker() -> None:
    release = threading.Event()
    ticks = 0

    @template(blocking=True)
    def waits(n: int) -> int:
        assert release.wait(10), "the ticker never ran while the stage blocked"
        return n

    async def ticker() -> None:
        nonlocal ticks
        while ticks < 3:
            ticks += 1
            await anyio.sleep(0)
        release.set()

    async with anyio.create_task_group() as group:
        group.start_soon(ticker)
        assert await waits.acall(5) == Success(5)
    assert ticks == 3
