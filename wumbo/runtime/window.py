"""The bookkeeping of a run over many items: which result goes out next, and when to pull more.

The blocking driver keeps one [`Window`][wumbo.runtime.window.Window]; the async engine keeps the same bound with a
gate on the source, off its per-item path (see `wumbo.runtime.engine`). An item is *admitted*
when it is pulled from the source and *taken* when its result is handed to the consumer. A new
item is admitted only while fewer than ``limit`` items are in flight *and* fewer than
``2 * limit`` are admitted and not yet taken. So at most ``limit`` items run at once, at most
``limit`` more wait finished for the consumer (in input order, in a reorder buffer, until every
earlier one is taken), and the source is never pulled more than ``2 * limit`` items ahead of
the consumer: memory stays bounded by the concurrency, however many items there are. The
second ``limit`` lets workers go on while a consumer that keeps up collects a burst of results,
instead of waking one worker per result taken.

Examples:
    >>> from returns.result import Success
    >>> window = Window(limit=1, ordered=True)
    >>> first = window.admit()
    >>> window.has_room()  # one in flight: the limit
    False
    >>> window.finish(first, Success("a"))
    >>> second = window.admit()
    >>> window.finish(second, Success("b"))
    >>> window.has_room()  # none in flight, but two results wait for the consumer
    False
    >>> window.take(), window.take(), window.has_room()
    (<Success: a>, <Success: b>, True)
"""

from __future__ import annotations

from collections import deque
from typing import Any

from returns.result import Result

__all__ = ["Window"]


class Window:
    """Admitted, finished and taken items of one run; see the module docstring.

    ``limit`` may be changed while the run goes on (adaptive concurrency does).

    Examples:
        >>> from returns.result import Success
        >>> window = Window(limit=3, ordered=False)
        >>> late, early = window.admit(), window.admit()
        >>> window.finish(early, Success(2))
        >>> window.in_flight, window.take(), window.in_flight
        (1, <Success: 2>, 1)
    """

    __slots__ = ("_admitted", "_fifo", "_finished", "_ordered", "_taken", "_waiting", "limit")

    def __init__(self, limit: int, ordered: bool) -> None:
        if limit < 1:
            raise ValueError(f"concurrency must be at least 1, got {limit}")
        self.limit = limit
        self._ordered = ordered
        self._admitted = 0
        self._taken = 0
        self._finished = 0
        self._waiting: dict[int, Result[Any, Any]] = {}
        self._fifo: deque[Result[Any, Any]] = deque()

    def has_room(self) -> bool:
        """Whether another item may be pulled from the source now."""
        pending = self._admitted - self._taken
        limit = self.limit
        return pending < 2 * limit and pending - self._finished < limit

    def admit(self) -> int:
        """Count one more item pulled from the source; return its 0-based index."""
        index = self._admitted
        self._admitted = index + 1
        return index

    def finish(self, index: int, result: Result[Any, Any]) -> None:
        """Store the result of item ``index`` until [`take`][wumbo.runtime.window.Window.take] hands it out."""
        self._finished += 1
        if self._ordered:
            self._waiting[index] = result
        else:
            self._fifo.append(result)

    def take(self) -> Result[Any, Any] | None:
        """The next result for the consumer, or ``None`` when it is not finished yet."""
        if self._ordered:
            result = self._waiting.pop(self._taken, None)
        else:
            result = self._fifo.popleft() if self._fifo else None
        if result is not None:
            self._taken += 1
            self._finished -= 1
        return result

    @property
    def in_flight(self) -> int:
        """Items admitted whose result has not been finished yet."""
        return self._admitted - self._taken - self._finished

    @property
    def drained(self) -> bool:
        """True when every admitted item's result has been taken."""
        return self._admitted == self._taken
