"""The async engine on random schedules: every item comes out once, within the pull bound.

Items take a random number of checkpoints, the consumer pauses a random number after a
result, and the source has any length: so the source ends before, at or after the end of a
gate's stretch, while workers or the consumer wait (see `wumbo.runtime.engine`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import anyio.lowlevel
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wumbo import template

BACKENDS = ("asyncio", "trio")


class Source:
    """``length`` items; counts the items pulled and the pulls after the end."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.pulled = 0
        self.pulls_after_end = 0

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        if self.pulled == self.length:
            self.pulls_after_end += 1
            raise StopIteration
        self.pulled += 1
        return self.pulled - 1

    async def stream(self) -> AsyncIterator[int]:
        """The same items as an async iterable."""
        for item in self:
            await anyio.lowlevel.checkpoint()
            yield item


async def _checkpoints(count: int) -> None:
    for _ in range(count):
        await anyio.lowlevel.checkpoint()


@given(
    length=st.integers(0, 40),
    limit=st.integers(1, 5),
    ordered=st.booleans(),
    asynchronous=st.booleans(),
    costs=st.lists(st.integers(0, 3), min_size=1, max_size=7),
    pauses=st.lists(st.integers(0, 12), min_size=1, max_size=5),
    backend=st.sampled_from(BACKENDS),
)
def test_every_item_comes_out_once_and_the_source_stays_within_the_bound(
    length: int,
    limit: int,
    ordered: bool,
    asynchronous: bool,
    costs: list[int],
    pauses: list[int],
    backend: str,
) -> None:
    source = Source(length)
    out: list[int] = []

    async def stage(n: int) -> int:
        assert source.pulled - len(out) <= 2 * limit
        await _checkpoints(costs[n % len(costs)])
        return n

    async def consume() -> list[int]:
        items = source.stream() if asynchronous else source
        with anyio.fail_after(10):  # a run that never ends fails rather than hangs
            async for result in template(stage).amap(items, concurrency=limit, ordered=ordered):
                out.append(result.unwrap())
                assert source.pulled - len(out) <= 2 * limit
                await _checkpoints(pauses[len(out) % len(pauses)])
        return out

    out = anyio.run(consume, backend=backend)
    assert sorted(out) == list(range(length))
    if ordered:
        assert out == list(range(length))
    assert source.pulls_after_end <= 2  # once, and once more when it ended at a stretch's end


@pytest.mark.parametrize("backend", BACKENDS)
def test_workers_take_up_room_as_soon_as_a_slow_consumer_frees_it(backend: str) -> None:
    """With one worker, the next item runs while the consumer is busy with the last result."""
    overlapped: list[bool] = []
    consumer_busy = False

    async def stage(n: int) -> int:
        overlapped.append(consumer_busy)
        await anyio.lowlevel.checkpoint()
        return n

    async def consume() -> None:
        nonlocal consumer_busy
        async for _ in template(stage).amap(range(6), concurrency=1):
            consumer_busy = True
            await _checkpoints(3)
            consumer_busy = False

    anyio.run(consume, backend=backend)
    assert any(overlapped[2:])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_source_error_ends_the_run_after_the_results_before_it(backend: str) -> None:
    def broken() -> Iterator[int]:
        yield from range(5)
        raise OSError("disk gone")

    async def adouble(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        return n * 2

    async def consume(seen: list[int]) -> None:
        async for result in template(adouble).amap(broken(), concurrency=2):
            seen.append(result.unwrap())

    seen: list[int] = []
    with pytest.raises(OSError, match="disk gone"):
        anyio.run(consume, seen, backend=backend)
    assert seen == [0, 2, 4, 6, 8][: len(seen)]
