"""The async engine: a bounded pool of worker tasks pulling items from one shared source.

``pipeline.amap(items)`` (and ``pipeline.map(items)`` of an async pipeline) run here. The run
starts as many worker tasks as the concurrency allows; each one loops: pull the next item, run
it, store its result. There is no task per item, so ten thousand items cost ten thousand loop
turns, not ten thousand tasks. A run is either *streamed* (`Run.results`: an async generator
the consumer takes results from, in input order or as they complete) or *collected*
(`Run.collect`: the workers put every result in its place in one list, returned when all are
done; no consumer to hand each one to, so no per-item hand-off).

* **The per-item path**: a worker awaits ``work(item)``, normally the pipeline's compiled
  ``acall``. For a pipeline of one ``async def`` stage that returns a plain value (the common
  ``template(fetch).amap(urls)``), ``work`` is that function itself: the worker builds the
  ``Success`` (or, for a raise, the ``Failure(StageError(...))``) that ``acall`` would, and
  no coroutine of wumbo's runs per item.

* **Backpressure**: the bound of [`Window`][wumbo.runtime.window.Window] (``limit`` in flight, at
  most ``2 * limit`` pulled and not yet handed to the consumer; a collected run keeps only the
  first: every result stays in its list anyway). There are never more than
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
* **Cancellation**: the workers live in a task group inside the iterator (or the awaited
  collection); cancelling the consumer, or closing the iterator (``aclose()``,
  ``contextlib.aclosing``), cancels them.
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
    >>> async def collected() -> list[int]:
    ...     run = Run(double, "double", 1, limit=2, ordered=True, timeout=None, wraps="double")
    ...     return [r.unwrap() for r in await run.collect(range(4), Tally(None, 4))]
    >>> anyio.run(collected)
    [0, 2, 4, 6]
"""

from __future__ import annotations

import sys
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
from itertools import chain, islice, repeat
from operator import length_hint
from typing import Any

import anyio
import anyio.lowlevel
from anyio.abc import TaskGroup
from returns.result import Failure, Result, Success

from wumbo.core._returns_internals import FAST, set_inner
from wumbo.core.result import StageError
from wumbo.runtime.adaptive import AdaptiveLimit
from wumbo.runtime.errors import ItemTimeout
from wumbo.runtime.progress import Tally

__all__ = ["Run"]

Work = Callable[[Any], Awaitable[Result[Any, Any]]]

Gate = Iterable[tuple[Any, int]]
"""Items of the source paired with their indexes, as far as the bound allows."""

_UNBOUNDED = sys.maxsize // 2
"""The read-ahead of a collected run: no bound (small enough for C-level ``range`` indexes)."""

_PREALLOCATED = 1 << 16
"""At most this many result slots of a collected run are made before the source is pulled
(from its length hint); more are added, doubling, as indexes beyond them arrive."""

_new: Callable[[type], Any] = object.__new__
_set_inner: Callable[[object, object], None] = set_inner


def _stage_failure(name: str, item: object, error: Exception) -> Failure[StageError]:
    """The Failure the one stage ``name`` of a pipeline gives for raising ``error`` on ``item``
    (as the reference interpreter builds it)."""
    return Failure(StageError(name, 1, 1, item, error))


class Run:
    """One run of ``work`` over many items: iterate `results`, or await `collect`, once.

    ``name`` and ``stages`` describe the pipeline in timeout failures; ``limit`` is the fixed
    concurrency, or the starting one when ``adaptive`` is given. ``wraps`` is the stage's name
    when ``work`` is the one stage's own ``async def`` (returning a plain value): the worker
    then makes its Result as the compiled ``acall`` would (no timeout with it: a timeout wraps
    the compiled ``acall``).

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
        "_count",
        "_error",
        "_exhausted",
        "_failed",
        "_gate",
        "_group",
        "_indexes",
        "_lean",
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
        "_wraps",
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
        wraps: str | None = None,
    ) -> None:
        if adaptive is not None:
            limit = adaptive.limit
        if limit < 1:
            raise ValueError(f"concurrency must be at least 1, got {limit}")
        if wraps is not None and (timeout is not None or not FAST):
            raise ValueError("wraps: only without a timeout, and with returns' fast containers")
        self._work = work
        self._wraps = wraps
        self._name = name
        self._stages = stages
        self._timeout = timeout
        self._adaptive = adaptive
        self._limit: int = limit
        self._span: int = 2 * limit  # items that may be pulled and not yet taken
        self._ordered = ordered
        self._pulled = 0  # items pulled, or let through by gates that are closed now
        self._taken = 0  # results handed to the consumer
        # finished results waiting for the consumer: by index for input order, else in a queue;
        # a collected run puts them in lists instead (see collect)
        self._by_index: dict[int, Result[Any, Any]] | list[Any] = {}
        self._by_completion: deque[Result[Any, Any]] | list[Any] = deque()
        self._count: Callable[[Result[Any, Any]], None] | None = None  # a collected run's tally
        self._lean = False  # a collected run whose workers store plain values (see collect)
        self._failed: dict[int, Result[Any, Any]] = {}  # a lean run's failures by position
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
            self._open_source(items)
            by_index: dict[int, Result[Any, Any]] = {}
            by_completion: deque[Result[Any, Any]] = deque()
            self._by_index, self._by_completion = by_index, by_completion
            ordered, pop, popleft = self._ordered, by_index.pop, by_completion.popleft
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

    async def collect(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        tally: Tally,
        finally_: Callable[[bool], object] | None = None,
    ) -> list[Result[Any, Any]]:
        """Every item's Result in one list, in input order (or as completed), counting each in
        ``tally`` as it finishes; ``finally_`` as for `results`.

        The workers store each result in its place: nothing is handed over per item. Without a
        consumer to wait for, the read-ahead is only the ``limit`` items in flight. In the
        most common run (one stage awaited by the workers, no progress callback, a fixed
        concurrency: *lean*) they store the stage's plain values, and its raises aside; the
        ``Success`` of every value is built at the end, in one pass that runs in C.
        """
        completed = False
        try:
            self._span = _UNBOUNDED
            self._count = tally.count if tally.reports else None
            self._lean = self._wraps is not None and self._count is None and self._adaptive is None
            slots: list[Any] = []
            finished: list[Any] = []
            if self._ordered:
                slots = [None] * min(length_hint(items), _PREALLOCATED)
            self._by_index, self._by_completion = slots, finished
            self._open_source(items)
            async with anyio.create_task_group() as group:
                self._group = group
                self._start_workers()
            if self._error is not None:
                raise self._error
            completed = True
            if self._ordered:
                del slots[self._pulled_count() :]  # slots made for items the source lacked
            results = slots if self._ordered else finished
            if self._lean:  # plain values: their Successes, then the stage's failures
                values, results = results, list(map(_new, repeat(Success, len(results))))
                deque(map(_set_inner, results, values), maxlen=0)
                for position, failure in self._failed.items():
                    results[position] = failure
            return results
        finally:
            if finally_ is not None:
                finally_(completed)

    def _pulled_count(self) -> int:
        """How many items a collected run pulled from its source (once it has ended)."""
        if self._async_source is not None:
            return self._pulled
        return _UNBOUNDED - length_hint(self._indexes)

    def _open_source(self, items: Iterable[Any] | AsyncIterable[Any]) -> None:
        if isinstance(items, AsyncIterable):
            self._async_source = aiter(items)
        else:
            self._sync_source = iter(items)
            self._open_gate()

    # -- the workers -----------------------------------------------------------------------------

    def _start_workers(self) -> None:
        assert self._group is not None
        while self._workers < self._limit and not self._exhausted:
            self._workers += 1
            self._group.start_soon(self._worker)

    async def _worker(self) -> None:
        """Run and store items, a gate at a time, until the source ends.

        Every item passes through one of the two inner loops, so they hold nothing but the
        per-item steps, in this frame (a call per gate would add a level every suspension of
        every item passes through). Results go into the run's containers: a dict by index
        (streamed, in order), a list of slots by index (collected, in order; it grows when an
        index lies beyond it), or a queue. The second loop is the first without the steps a
        lean collected run (see `collect`) does not need, and it stores the stage's plain
        values, its failures aside.
        """
        run = self._work if self._timeout is None else self._run_with_timeout
        wraps, ordered, by_index = self._wraps, self._ordered, self._by_index
        append, count, adaptive = self._by_completion.append, self._count, self._adaptive
        lean, failed, finished = self._lean, self._failed, self._by_completion
        name = wraps or ""  # the stage's, for the lean loop (which runs only with wraps)
        result: Result[Any, Any]
        plain: Any
        try:
            gate = await self._next_gate(None)
            while gate is not None:
                if not lean:
                    for item, index in gate:
                        try:
                            value = await run(item)
                        except Exception as error:
                            if wraps is None:
                                raise  # not a stage's: work makes the stages' failures Results
                            result = _stage_failure(wraps, item, error)
                        else:
                            if wraps is None:
                                result = value
                            else:  # Success(value) as the compiled acall builds it
                                result = _new(Success)
                                _set_inner(result, value)
                        if ordered:
                            try:
                                by_index[index] = result
                            except IndexError:  # a collected run's slots end before index
                                self._add_slots(index)
                                by_index[index] = result
                        else:
                            append(result)
                        if self._ready is not None:
                            self._wake_consumer()
                        if count is not None:
                            count(result)
                        if adaptive is not None and not self._adapt(adaptive):
                            return
                else:  # plain values, wrapped at the end of the run (see collect)
                    for item, index in gate:
                        try:
                            plain = await run(item)
                        except Exception as error:
                            plain = None
                            position = index if ordered else len(finished)
                            failed[position] = _stage_failure(name, item, error)
                        if ordered:
                            try:
                                by_index[index] = plain
                            except IndexError:
                                self._add_slots(index)
                                by_index[index] = plain
                        else:
                            append(plain)
                gate = await self._next_gate(gate)
        except Exception as error:  # raised by the source (a stage's is its item's Failure)
            self._exhaust(error)
            if self._collected and self._group is not None:
                self._group.cancel_scope.cancel()  # no consumer to do it
        finally:
            self._workers -= 1
            self._wake_consumer()

    @property
    def _collected(self) -> bool:
        """Whether this run is collected (`collect`): its read-ahead is unbounded."""
        return self._span == _UNBOUNDED

    def _add_slots(self, index: int) -> None:
        """Lengthen a collected run's slots past ``index``, at least doubling them."""
        slots = self._by_index
        assert isinstance(slots, list)
        slots.extend([None] * max(index + 1 - len(slots), len(slots), self._limit))

    async def _next_gate(self, passed: Gate | None) -> Gate | None:
        """The gate to pull from after ``passed`` ended (``None``: the first), once there is
        room; ``None`` when the source has ended."""
        if self._async_source is not None:
            return await self._pull_async()
        while not self._exhausted:
            if self._gate is not passed:  # the first, or another worker opened a new one
                return self._gate
            if self._collected:  # its one gate ended: so did the source
                self._exhaust(None)
                break
            if self._pulled - self._taken < self._span:
                return self._open_gate()
            await self._wait_for_room()
        return None

    def _open_gate(self) -> Gate:
        """A gate on the sync source: stretches of it, each as long as the bound allows when
        the previous one ends; the gate closes when no item may be pulled, or the source ends.

        All in C but the refill between stretches: a worker pulls with one ``for`` step. A
        collected run has no bound to keep: its one gate is the whole source, numbered.
        """
        assert self._sync_source is not None
        if self._collected:
            self._indexes = iter(range(_UNBOUNDED))
            self._gate = zip(self._sync_source, self._indexes, strict=False)
        else:
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
            if not self._collected:
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
