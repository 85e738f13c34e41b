"""Counting finished items and telling the ``progress`` callback about each one.

Examples:
    >>> from returns.result import Failure, Success
    >>> seen = []
    >>> tally = Tally(seen.append, total=2)
    >>> tally.count(Success(1)); tally.count(Failure("no"))
    >>> seen
    [Progress(done=1, failed=0, total=2), Progress(done=2, failed=1, total=2)]
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from typing import Any

from returns.result import Failure, Result

from wumbo.core.many import Progress

__all__ = ["Tally", "known_total"]


def known_total(items: object) -> int | None:
    """``len(items)`` when the source has a length, else ``None`` (generators, streams).

    Examples:
        >>> known_total([1, 2, 3]), known_total(iter([1, 2, 3]))
        (3, None)
    """
    return len(items) if isinstance(items, Sized) else None


class Tally:
    """Done and failed counts of one run; calls ``callback`` after every counted result.

    The callback runs in the consumer's thread (or task), just before the result is handed
    out (for an awaited ``amap``, in the event loop's thread as each item finishes), so a
    progress bar needs no locking.

    Examples:
        >>> from returns.result import Success
        >>> tally = Tally(None, total=None)
        >>> tally.count(Success(1))
        >>> tally.done, tally.failed
        (1, 0)
    """

    __slots__ = ("_callback", "done", "failed", "total")

    def __init__(self, callback: Callable[[Progress], object] | None, total: int | None) -> None:
        self._callback = callback
        self.total = total
        self.done = 0
        self.failed = 0

    @property
    def reports(self) -> bool:
        """Whether anyone listens: drivers skip counting entirely when nobody does."""
        return self._callback is not None

    def count(self, result: Result[Any, Any]) -> None:
        """Count ``result`` and report the new totals."""
        self.done += 1
        if isinstance(result, Failure):
            self.failed += 1
        if self._callback is not None:
            self._callback(Progress(self.done, self.failed, self.total))
