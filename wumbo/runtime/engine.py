"""The async engine: a bounded pool of worker tasks pulling items from one shared source.

``pipeline.amap(items)`` (and ``pipeline.map(items)`` of an async pipeline) run here. The run
starts as many worker tasks as the concurrency allows; each one loops: pull the next item, run
it, store its result. The consumer takes results in input order or as they complete. There is
no task per item, so ten thousand items cost ten thousand loop turns, not ten thousand tasks.

* **Backpressure**: the bound of [`Window`][wumbo.runtime.window.Window] (``limit`` in flight, at
  most ``2 * limit`` pulled and not yet handed to the consumer). There are never more than
  ``limit`` workers and each runs one item at a time, so only the second bound needs keeping,
  and it is kept off the per-item path. The workers pull a sync source through one shared
  *gate*: an iterator, all in C, over stretches of the source, each stretch as many items
  (paired with their indexes) as may be pulled when the previous one ends. A worker pulls with
  one ``for`` step; between stretches the gate asks the run for the next one, and when no item
  may be pulled the gate closes: a worker that finds it closed waits until the consumer takes
  more, then opens a new one. An async source is pulled by one worker at a time, under a lock,
  as a gate of one item. An unbounded source streams in bounded memory.
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
from itertools import chain, islice
from operator import length_hint
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

Gate = Iterable[tuple[Any, int]]
"""Items of the source paired with their indexes, as far as the bound allows."""


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
        "_error",
        "_exhausted",
        "_gate",
        "_group",
        "_indexes",
        "_limit",
        "_lock",
        "_name",
        "_ordered",
        "_pulled",
        "_ready",
        "_room",
        "_span",
        "_stages",
        "_sync_source",
        "_taken",
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
        self._span: int = 2 * limit  # items that may be pulled and not yet taken
        self._ordered = ordered
        self._pulled = 0  # items pulled, or let through by gates that are closed now
        self._taken = 0  # results handed to the consumer
        # finished results waiting for the consumer: by index for input order, else in a queue
        self._by_index: dict[int, Result[Any, Any]] = {}
        self._by_completion: deque[Result[Any, Any]] = deque()
        self._workers = 0
        self._exhausted = False
        self._error: BaseException | None = None
        self._room: deque[anyio.Event] = deque()
        self._ready: anyio.Event | None = None
        self._sync_source: Iterator[Any] | None = None
        self._gate: Gate = ()
        self._indexes: Iterator[int] = iter(())  # the open gate's indexes not yet paired
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
                self._open_gate()
            ordered, pop = self._ordered, self._by_index.pop
            by_completion, popleft = self._by_completion, self._by_completion.popleft
            room = self._room
            count = tally.count if tally.reports else None
            async with anyio.create_task_group() as group:
                self._group = group
                self._start_workers()
                taken = 0
                while True:
                    if ordered:
                        result = pop(taken, None)
                    elif by_completion:
                        result = popleft()
                    else:
                        result = None
                    if result is not None:
                        taken += 1
                        self._taken = taken
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
                    if self._error is not None:
                        group.cancel_scope.cancel()
                        break
                    if self._workers == 0:
                        break
                    self._ready = anyio.Event()
                    await self._ready.wait()
            if self._error is not None:
                raise self._error
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
        while self._workers < self._limit and not self._exhausted:
            self._workers += 1
            self._group.start_soon(self._worker)

    async def _worker(self) -> None:
        """Run and store items, a gate at a time, until the source ends.

        Every item passes through the inner loop, so it holds nothing but the per-item steps.
        """
        run = self._work if self._timeout is None else self._run_with_timeout
        ordered, by_index, append = self._ordered, self._by_index, self._by_completion.append
        adaptive = self._adaptive
        try:
            gate = await self._next_gate(None)
            while gate is not None:
                for item, index in gate:
                    if ordered:
                        by_index[index] = await run(item)
                    else:
                        append(await run(item))
                    if self._ready is not None:
                        self._wake_consumer()
                    if adaptive is not None and not self._adapt(adaptive):
                        return
                gate = await self._next_gate(gate)
        except Exception as error:  # raised by the source (a stage's is its item's Failure)
            self._exhaust(error)
        finally:
            self._workers -= 1
            self._wake_consumer()

    async def _next_gate(self, passed: Gate | None) -> Gate | None:
        """The gate to pull from after ``passed`` ended (``None``: the first), once there is
        room; ``None`` when the source has ended."""
        if self._async_source is not None:
            return await self._pull_async()
        while not self._exhausted:
            if self._gate is not passed:  # the first, or another worker opened a new one
                return self._gate
            if self._pulled - self._taken < self._span:
                return self._open_gate()
            await self._wait_for_room()
        return None

    def _open_gate(self) -> Gate:
        """A gate on the sync source: stretches of it, each as long as the bound allows when
        the previous one ends; the gate closes when no item may be pulled, or the source ends.

        All in C but the refill between stretches: a worker pulls with one ``for`` step.
        """
        self._gate = chain.from_iterable(iter(self._stretch, None))
        return self._gate

    def _stretch(self) -> Iterator[tuple[Any, int]] | None:
        """The next stretch of the sync source: as many items as may be pulled now, each with
        its index; ``None`` (the gate closes) when none may, or the source has ended.

        The source comes first in the ``zip``: when it ends, the index it would have been
        paired with stays unused, which is how the next call tells that it ended.
        """
        assert self._sync_source is not None
        if self._exhausted:
            return None
        if length_hint(self._indexes):  # the last stretch ended early: so did the source
            self._exhaust(None)
            return None
        start = self._pulled
        size = self._taken + self._span - start
        if size <= 0:
            return None
        self._pulled = start + size
        self._indexes = iter(range(start, start + size))
        return zip(islice(self._sync_source, size), self._indexes, strict=False)

    async def _pull_async(self) -> Gate | None:
        """The next item of the async source, with its index, as a gate of one; ``None`` when
        the source has ended. One worker pulls at a time, under the lock."""
        assert self._async_source is not None
        async with self._lock:
            await self._wait_for_room()
            if self._exhausted:
                return None
            try:
                item = await anext(self._async_source)
            except StopAsyncIteration:
                self._exhaust(None)
                return None
            index = self._pulled
            self._pulled = index + 1
            return ((item, index),)

    def _adapt(self, adaptive: AdaptiveLimit) -> bool:
        """Record a finished item; start or end workers to match the new limit.

        Returns whether the calling worker may go on (``False``: there are too many).
        """
        adaptive.record()
        limit = adaptive.limit
        if limit != self._limit:
            self._span = 2 * limit
            self._limit = limit
            self._start_workers()
            self._wake_all_waiting()  # a higher limit may have made room
        return self._workers <= limit

    def _exhaust(self, error: Exception | None) -> None:
        """The source ended, or raised ``error``: let every waiting worker end."""
        self._exhausted = True
        if error is not None and self._error is None:
            self._error = error
        self._wake_all_waiting()
        self._wake_consumer()

    def _wake_all_waiting(self) -> None:
        for waiter in self._room:
            waiter.set()
        self._room.clear()

    async def _wait_for_room(self) -> None:
        while self._pulled - self._taken >= self._span and not self._exhausted:
            waiter = anyio.Event()
            self._room.append(waiter)
            await waiter.wait()

    async def _run_with_timeout(self, item: Any) -> Result[Any, Any]:
        seconds = self._timeout
        assert seconds is not None
        with anyio.move_on_after(seconds):
            return await self._work(item)
        return Failure(ItemTimeout.of(self._name, self._stages, item, seconds))

    def _wake_consumer(self) -> None:
        ready = self._ready
        if ready is not None:
            self._ready = None
            ready.set()
