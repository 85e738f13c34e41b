"""The async engine: a bounded pool of worker tasks pulling items from one shared source.

``pipeline.amap(items)`` (and ``pipeline.map(items)`` of an async pipeline) run here. The run
starts as many worker tasks as the concurrency allows; each one loops: pull the next item, run
it, store its result. The consumer takes results in input order or as they complete. There is
no task per item, so ten thousand items cost ten thousand loop turns, not ten thousand tasks.

* **Backpressure**: the bound of [`Window`][wumbo.runtime.window.Window] (``limit`` in flight, at
  most ``2 * limit`` pulled and not yet handed to the consumer), kept inline because it is on
  every item's path: there are never more than ``limit`` workers and each runs one item at a
  time, so only the second bound needs checking, and a worker pulls an item only while
  ``pulled - taken < 2 * limit``. An unbounded source streams in bounded memory.
* **Timeouts**: each item runs inside an anyio cancel scope; past its deadline it becomes an
  [`ItemTimeout`][wumbo.runtime.errors.ItemTimeout] failure.
* **Cancellation**: the workers live in a task group inside the iterator; cancelling the
  consumer, or closing the iterator (``aclose()``, ``contextlib.aclosing``), cancels them.
* **Adaptive concurrency**: with ``concurrency="auto"`` the pool grows and shrinks as
  [`AdaptiveLimit`][wumbo.runtime.adaptive.AdaptiveLimit] decides; a worker beyond the current limit
  ends before it pulls another item.

An exception raised by the source itself (not by a stage) ends the run: workers are cancelled
and the exception propagates to the consumer.

Examples:
    >>> import anyio
    >>> from wumbo import template
    >>> from wumbo.runtime.progress import Tally
    >>> async def double(n: int) -> int:
    ...     await anyio.sleep(0)
    ...     return n * 2
    >>> async def main() -> list[int]:
    ...     run = Run(template(double).acall, "double", 1, limit=2, ordered=True, timeout=None)
    ...     return [r.unwrap() async for r in run.results(range(4), Tally(None, 4))]
    >>> anyio.run(main)
    [0, 2, 4, 6]
"""

from __future__ import annotations

from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from typing import Any

import anyio
import anyio.lowlevel
from anyio.abc import TaskGroup
from returns.result import Failure, Result

from wumbo.runtime.adaptive import AdaptiveLimit
from wumbo.runtime.errors import ItemTimeout
from wumbo.runtime.progress import Tally

__all__ = ["Run"]

Work = Callable[[Any], Awaitable[Result[Any, Any]]]


class Run:
    """One run of ``work`` over many items; iterate `results` once.

    ``name`` and ``stages`` describe the pipeline in timeout failures; ``limit`` is the fixed
    concurrency, or the starting one when ``adaptive`` is given.

    Examples:
        >>> Run(print, "p", 1, limit=0, ordered=True, timeout=None)
        Traceback (most recent call last):
        ...
        ValueError: concurrency must be at least 1, got 0
    """

    __slots__ = (
        "_adaptive",
        "_async_source",
        "_by_completion",
        "_by_index",
        "_exhausted",
        "_group",
        "_limit",
        "_lock",
        "_name",
        "_numbered",
        "_ordered",
        "_pulled",
        "_ready",
        "_room",
        "_room_left",
        "_source_error",
        "_stages",
        "_sync_source",
        "_timeout",
        "_work",
        "_workers",
    )

    def __init__(
        self,
        work: Work,
        name: str,
        stages: int,
        *,
        limit: int,
        ordered: bool,
        timeout: float | None,
        adaptive: AdaptiveLimit | None = None,
    ) -> None:
        if adaptive is not None:
            limit = adaptive.limit
        if limit < 1:
            raise ValueError(f"concurrency must be at least 1, got {limit}")
        self._work = work
        self._name = name
        self._stages = stages
        self._timeout = timeout
        self._adaptive = adaptive
        self._limit: int = limit
        self._room_left: int = 2 * limit  # items that may be pulled before the consumer takes more
        self._ordered = ordered
        self._pulled = 0
        # finished results waiting for the consumer: by index for input order, else in a queue
        self._by_index: dict[int, Result[Any, Any]] = {}
        self._by_completion: deque[Result[Any, Any]] = deque()
        self._workers = 0
        self._exhausted = False
        self._source_error: BaseException | None = None
        self._room: deque[anyio.Event] = deque()
        self._ready: anyio.Event | None = None
        self._sync_source: Iterator[Any] | None = None
        self._numbered: Iterator[tuple[int, Any]] | None = None  # the sync source, enumerated
        self._async_source: AsyncIterator[Any] | None = None
        self._lock = anyio.Lock()
        self._group: TaskGroup | None = None

    async def results(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        tally: Tally,
        finally_: Callable[[bool], object] | None = None,
    ) -> AsyncGenerator[Result[Any, Any], None]:
        """Yield one Result per item, counting each in ``tally`` just before it is yielded.

        ``finally_(completed)`` runs when the iteration ends, however it ends (``completed`` is
        False when it was closed early or raised).
        """
        completed = False
        try:
            if isinstance(items, AsyncIterable):
                self._async_source = aiter(items)
            else:
                self._sync_source = iter(items)
                self._numbered = enumerate(self._sync_source)
            ordered, by_index, by_completion = self._ordered, self._by_index, self._by_completion
            room = self._room
            count = tally.count if tally.reports else None
            async with anyio.create_task_group() as group:
                self._group = group
                self._start_workers()
                taken = 0
                while True:
                    if ordered:
                        result = by_index.pop(taken, None)
                    else:
                        result = by_completion.popleft() if by_completion else None
                    if result is not None:
                        taken += 1
                        self._room_left += 1
                        if room:
                            room.popleft().set()
                        if count is not None:
                            count(result)
                        try:
                            yield result
                        except GeneratorExit:  # closed early: stop the workers, end quietly
                            group.cancel_scope.cancel()
                            return
                        continue
                    if self._source_error is not None:
                        group.cancel_scope.cancel()
                        break
                    if self._workers == 0:
                        break
                    self._ready = anyio.Event()
                    await self._ready.wait()
            if self._source_error is not None:
                raise self._source_error
            # Workers cancelled from outside may end (and wake this task) before the
            # cancellation reaches it here: raise it rather than end as if the run completed.
            await anyio.lowlevel.checkpoint_if_cancelled()
            completed = True
        finally:
            if finally_ is not None:
                finally_(completed)

    # -- the workers -----------------------------------------------------------------------------

    def _start_workers(self) -> None:
        assert self._group is not None
        plain = self._sync_source is not None and self._timeout is None and not self._adaptive
        worker = self._plain_worker if plain else self._worker
        while self._workers < self._limit and not self._exhausted:
            self._workers += 1
            self._group.start_soon(worker)

    async def _plain_worker(self) -> None:
        """`_worker` for a sync source, without a timeout or adaptive concurrency.

        Every item passes through this loop, so it holds nothing but the per-item steps.
        """
        work, numbered = self._work, self._numbered
        ordered, by_index, append = self._ordered, self._by_index, self._by_completion.append
        assert numbered is not None
        try:
            while True:
                if self._room_left <= 0:
                    await self._wait_for_room()
                    if self._exhausted:
                        return
                try:
                    index, item = next(numbered)
                except Exception as error:  # StopIteration too: the end
                    self._exhaust(error)
                    return
                self._room_left -= 1
                if ordered:
                    by_index[index] = await work(item)
                else:
                    append(await work(item))
                ready = self._ready
                if ready is not None:
                    self._ready = None
                    ready.set()
        finally:
            self._workers -= 1
            self._wake_consumer()

    async def _worker(self) -> None:
        """Pull, run and store items until the source ends (any source, timeout, adaptive)."""
        work, timeout, adaptive = self._work, self._timeout, self._adaptive
        ordered, by_index, by_completion = self._ordered, self._by_index, self._by_completion
        try:
            while True:
                pulled = await self._pull()
                if pulled is None:
                    return
                index, item = pulled
                if timeout is None:
                    result = await work(item)
                else:
                    result = await self._run_with_timeout(item, timeout)
                if ordered:
                    by_index[index] = result
                else:
                    by_completion.append(result)
                self._wake_consumer()
                if adaptive is not None and not self._adapt(adaptive):
                    return
        finally:
            self._workers -= 1
            self._wake_consumer()

    def _adapt(self, adaptive: AdaptiveLimit) -> bool:
        """Record a finished item; start or end workers to match the new limit.

        Returns whether the calling worker may go on (``False``: there are too many).
        """
        adaptive.record()
        limit = adaptive.limit
        if limit != self._limit:
            self._room_left += 2 * (limit - self._limit)
            self._limit = limit
            self._start_workers()
            for waiter in self._room:  # a higher limit may have made room
                waiter.set()
            self._room.clear()
        return self._workers <= limit

    async def _pull(self) -> tuple[int, Any] | None:
        """The next item and its index, once there is room; ``None`` when the source ended.

        An async source is pulled by one task at a time, under the lock.
        """
        if self._sync_source is not None:
            await self._wait_for_room()
            if self._exhausted:
                return None
            # nothing awaits between the room check and the pull: no other worker can take the
            # room in between
            try:
                return self._count_pulled(next(self._sync_source))
            except Exception as error:  # StopIteration too: the end
                self._exhaust(error)
                return None
        assert self._async_source is not None
        async with self._lock:
            await self._wait_for_room()
            if self._exhausted:
                return None
            try:
                return self._count_pulled(await anext(self._async_source))
            except Exception as error:  # StopAsyncIteration too: the end
                self._exhaust(error)
                return None

    def _count_pulled(self, item: Any) -> tuple[int, Any]:
        """Count one more item pulled: its index, and one less place in the window."""
        index = self._pulled
        self._pulled, self._room_left = index + 1, self._room_left - 1
        return index, item

    def _exhaust(self, error: Exception) -> None:
        """The source ended (``StopIteration``, ``StopAsyncIteration``) or raised ``error``: let
        every waiting worker end."""
        self._exhausted = True
        if not isinstance(error, StopIteration | StopAsyncIteration):
            self._source_error = error
        for waiter in self._room:
            waiter.set()
        self._room.clear()
        self._wake_consumer()

    async def _wait_for_room(self) -> None:
        while self._room_left <= 0 and not self._exhausted:
            waiter = anyio.Event()
            self._room.append(waiter)
            await waiter.wait()

    async def _run_with_timeout(self, item: Any, seconds: float) -> Result[Any, Any]:
        with anyio.move_on_after(seconds):
            return await self._work(item)
        return Failure(ItemTimeout.of(self._name, self._stages, item, seconds))

    def _wake_consumer(self) -> None:
        ready = self._ready
        if ready is not None:
            self._ready = None
            ready.set()
