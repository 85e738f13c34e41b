"""The blocking driver: ``pipeline.map(items, executor=...)`` over ``concurrent.futures``.

With an executor, the consumer's own thread drives the run: it pulls an item whenever the
[`Window`][wumbo.runtime.window.Window] has room, submits it, and blocks on a queue where each
item's outcome is reported (by the worker thread itself for a ``ThreadPoolExecutor``, else by
the future's done-callback; see [`Dispatcher.sender`][wumbo.runtime.executors.Dispatcher.sender]). No event loop is involved. Each
time it wakes, the driver takes every report already queued, hands out every result that is
ready, then refills the window in one go: fewer hand-offs between threads than one item at a
time. Memory stays bounded by the window, unlike ``Executor.map`` which submits every item up
front.

Items measured fast in threads of this process or in an owned process pool go out in chunks
of consecutive items, one task per chunk (see *Chunks* in [`wumbo.runtime.executors`][wumbo.runtime.executors]): each item
is still admitted by the window, and reported, on its own. For processes the window counts
chunks: its limit is ``concurrency`` times the current chunk size. Runs with a per-item timeout or with
``concurrency="auto"`` send one item per task (a deadline is per item; the controller judges
a limit by items that run side by side).

A per-item timeout is enforced here: when an item's deadline passes it becomes a Failure at
once and its work is abandoned (see [`Dispatcher.abandon`][wumbo.runtime.executors.Dispatcher.abandon]). Closing the generator
(``break`` out of the loop) cancels what has not started, stops what runs where it can, and
shuts owned executors down before ``close()`` returns.

Examples:
    >>> from wumbo import template
    >>> from wumbo.runtime.executors import Dispatcher
    >>> from wumbo.runtime.progress import Tally
    >>> from wumbo.runtime.window import Window
    >>> dispatcher = Dispatcher.of(template(abs), "threads", size=2)
    >>> results = drive(dispatcher, [-1, -2, -3], Window(2, True), Tally(None, 3), None, None)
    >>> [result.unwrap() for result in results]
    [1, 2, 3]
"""

from __future__ import annotations

import heapq
import itertools
import queue
import time
from collections.abc import Generator, Iterable
from concurrent.futures import Future
from typing import Any

from returns.result import Failure, Result

from wumbo.runtime.adaptive import AdaptiveLimit
from wumbo.runtime.errors import ItemTimeout
from wumbo.runtime.executors import Dispatcher
from wumbo.runtime.progress import Tally
from wumbo.runtime.window import Window

__all__ = ["drive"]


def drive(
    dispatcher: Dispatcher,
    items: Iterable[Any],
    window: Window,
    tally: Tally,
    timeout: float | None,
    adaptive: AdaptiveLimit | None,
) -> Generator[Result[Any, Any], None, None]:
    """Yield one Result per item of ``items``, run on ``dispatcher``'s executor.

    Examples:
        >>> from wumbo import template
        >>> dispatcher = Dispatcher.of(template(len), "threads", size=1)
        >>> [r.unwrap() for r in drive(dispatcher, ["ab"], Window(1, False), Tally(None, 1), 1.0, None)]
        [2]
    """
    source = iter(items)
    exhausted = False
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    send = dispatcher.sender(finished)
    in_flight: dict[int, tuple[Any, Future[Any] | None]] = {}
    deadlines: list[tuple[float, int]] = []
    count = tally.count if tally.reports else None
    chunks = timeout is None and adaptive is None
    widen = chunks and dispatcher.chunking is not None and dispatcher.chunking.counts_tasks
    slots = window.limit
    completed = False
    try:
        while True:
            if widen:  # concurrency counts chunks: the window holds that many chunks of items
                window.limit = slots * dispatcher.chunk_limit()
            while not exhausted and window.has_room():
                size = dispatcher.chunk_limit() if chunks else 1
                chunk: list[Any] = []
                first = 0
                while len(chunk) < size and window.has_room():  # indices come consecutive
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    index = window.admit()
                    if not chunk:
                        first = index
                    chunk.append(item)
                if not chunk:
                    break
                futures = send(first, chunk)
                for index, item, future in zip(itertools.count(first), chunk, futures):
                    in_flight[index] = (item, future)
                if timeout is not None:
                    heapq.heappush(deadlines, (time.monotonic() + timeout, first))
            result = window.take()
            if result is not None:
                while result is not None:  # hand out every ready result, then refill at once
                    if count is not None:
                        count(result)
                    yield result
                    result = window.take()
                continue
            if not in_flight:
                completed = True
                return
            reported = _next_finished(finished, deadlines, in_flight)
            if reported is None:
                _expire(dispatcher, window, deadlines, in_flight, timeout)
                continue
            while reported is not None:  # every item reported so far, in one go
                index, outcome = reported
                entry = in_flight.pop(index, None)
                if entry is not None:  # else it timed out already
                    window.finish(index, dispatcher.outcome(outcome, entry[0]))
                    if adaptive is not None:
                        adaptive.record()
                        window.limit = adaptive.limit
                reported = _poll(finished)
    finally:
        if not completed:
            for _, future in in_flight.values():
                if future is not None:  # else a chunk's item: closing the pool drops it
                    future.cancel()
        dispatcher.close(cancel=not completed)


def _poll(finished: queue.SimpleQueue[tuple[int, Any]]) -> tuple[int, Any] | None:
    """The next report already queued, or ``None``."""
    try:
        return finished.get_nowait()
    except queue.Empty:
        return None


def _next_finished(
    finished: queue.SimpleQueue[tuple[int, Any]],
    deadlines: list[tuple[float, int]],
    in_flight: dict[int, tuple[Any, Future[Any] | None]],
) -> tuple[int, Any] | None:
    """The next ``(index, outcome)`` reported, or ``None`` when the nearest deadline passed."""
    while deadlines and deadlines[0][1] not in in_flight:
        heapq.heappop(deadlines)  # that item finished in time
    if not deadlines:
        return finished.get()
    try:
        return finished.get(timeout=max(0.0, deadlines[0][0] - time.monotonic()))
    except queue.Empty:
        return None


def _expire(
    dispatcher: Dispatcher,
    window: Window,
    deadlines: list[tuple[float, int]],
    in_flight: dict[int, tuple[Any, Future[Any] | None]],
    timeout: float | None,
) -> None:
    """Turn every item whose deadline has passed into an [`ItemTimeout`][wumbo.runtime.errors.ItemTimeout] failure."""
    assert timeout is not None
    now = time.monotonic()
    while deadlines and deadlines[0][0] <= now:
        _, index = heapq.heappop(deadlines)
        entry = in_flight.pop(index, None)
        if entry is None:
            continue
        item, future = entry
        assert future is not None  # an item with a deadline has a task of its own
        dispatcher.abandon(future)
        failure = ItemTimeout.of(dispatcher.name, dispatcher.stages, item, timeout)
        window.finish(index, Failure(failure))
