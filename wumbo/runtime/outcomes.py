"""Where the outcomes of a task's calls go: one future per call, or a report callback.

A task of the process pool runs several calls. Their outcomes arrive one batch at a time, in a
thread of the pool, and each goes to its destination exactly once:
[`FutureOutcomes`][wumbo.runtime.outcomes.FutureOutcomes] settles one
``concurrent.futures.Future`` per call (what ``submit`` and ``submit_each`` return), and
[`ReportedOutcomes`][wumbo.runtime.outcomes.ReportedOutcomes] hands each outcome to a callback,
numbered, without a future (the runtime's driver takes them from a queue: a future per item
would cost more than a fast item itself).

Examples:
    >>> reports = []
    >>> outcomes = ReportedOutcomes(lambda *reported: reports.append(reported), [4, 5])
    >>> outcomes.settle(1, True, "b"); outcomes.settle(1, True, "again")
    >>> outcomes.pending(), reports
    ([0], [(5, True, 'b')])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from typing import Any

__all__ = ["FutureOutcomes", "Outcomes", "ReportedOutcomes"]


class Outcomes:
    """The destinations of a task's calls, by offset; each call is settled at most once."""

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def settle(self, offset: int, ok: bool, value: Any) -> None:
        """Deliver call ``offset``'s return value (``ok``) or exception, unless settled already."""
        raise NotImplementedError

    def pending(self, start: int = 0) -> list[int]:
        """Offsets from ``start`` on that are neither settled nor cancelled."""
        raise NotImplementedError

    def cancel(self) -> None:
        """Drop every call not settled yet: its outcome is unwanted."""
        raise NotImplementedError

    def part(self, offsets: Sequence[int]) -> Outcomes:
        """The destinations of the calls at ``offsets``, for a new task of those calls."""
        raise NotImplementedError

    def fail(self, error: BaseException) -> None:
        """Settle every pending call with ``error``."""
        for offset in self.pending():
            self.settle(offset, False, error)


class FutureOutcomes(Outcomes):
    """One future per call.

    Examples:
        >>> outcomes = FutureOutcomes.new(2)
        >>> outcomes.settle(0, True, 1); outcomes.fail(OSError("gone"))
        >>> outcomes.futures[0].result(), str(outcomes.futures[1].exception())
        (1, 'gone')
    """

    __slots__ = ("futures",)

    def __init__(self, futures: list[Future[Any]]) -> None:
        self.futures = futures

    @classmethod
    def new(cls, count: int) -> FutureOutcomes:
        """``count`` new futures."""
        return cls([Future() for _ in range(count)])

    def __len__(self) -> int:
        return len(self.futures)

    def settle(self, offset: int, ok: bool, value: Any) -> None:
        future = self.futures[offset]
        try:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        except InvalidStateError:  # cancelled by its owner: the outcome is unwanted
            return

    def pending(self, start: int = 0) -> list[int]:
        futures = self.futures
        return [offset for offset in range(start, len(futures)) if not futures[offset].done()]

    def cancel(self) -> None:
        for future in self.futures:
            future.cancel()

    def part(self, offsets: Sequence[int]) -> FutureOutcomes:
        return FutureOutcomes([self.futures[offset] for offset in offsets])


class ReportedOutcomes(Outcomes):
    """``report(index, ok, value)`` per call: its return value (``ok``) or the exception it raised.

    ``indices`` numbers the calls for the callback. The callback runs in a thread of the pool
    and must not block.
    """

    __slots__ = ("_cancelled", "_report", "_settled", "indices")

    def __init__(self, report: Callable[[int, bool, Any], None], indices: Sequence[int]) -> None:
        self._report = report
        self.indices = indices
        self._settled = bytearray(len(indices))
        self._cancelled = False

    def __len__(self) -> int:
        return len(self.indices)

    def settle(self, offset: int, ok: bool, value: Any) -> None:
        if self._settled[offset] or self._cancelled:
            return
        self._settled[offset] = 1
        self._report(self.indices[offset], ok, value)

    def pending(self, start: int = 0) -> list[int]:
        if self._cancelled:
            return []
        settled = self._settled
        return [offset for offset in range(start, len(settled)) if not settled[offset]]

    def cancel(self) -> None:
        self._cancelled = True

    def part(self, offsets: Sequence[int]) -> ReportedOutcomes:
        return ReportedOutcomes(self._report, [self.indices[offset] for offset in offsets])
