"""``concurrency="auto"``: tune the number of items in flight from measured throughput.

:class:`AdaptiveLimit` is additive-increase / multiplicative-decrease (AIMD) steered by
throughput rather than by packet loss. It counts finished items; once a sample holds enough of
them (``sample_rounds`` rounds of the current limit) it computes the sample's rate and decides:

* **slow start**: double the limit while each doubling raises the rate by at least
  ``growth``; the first doubling that does not ends slow start at the better half.
* **avoidance**: add one while the rate stays within ``tolerance`` of the best rate seen;
  when it falls further below, the limit is past the workload's sweet spot (a saturated server
  queues or slows down), so multiply it by ``decrease``.

The best rate decays slowly (``decay`` per sample), and by ``decrease`` at each loss, so one
lucky sample cannot hold the limit down and the controller follows a workload whose capacity
changes. The limit always stays within ``minimum`` .. ``maximum``. The clock is
injectable, so the logic is tested without sleeping.

Examples:
    >>> now = [0.0]
    >>> limit = AdaptiveLimit(minimum=1, maximum=64, clock=lambda: now[0])
    >>> def serve(seconds_per_item: float) -> None:  # one sample's worth of finished items
    ...     for _ in range(limit.sample_size):
    ...         now[0] += seconds_per_item
    ...         limit.record()
    >>> serve(0.010); limit.limit  # 100 items/s at 1 in flight: try 2
    2
    >>> serve(0.005); limit.limit  # twice the rate: keep doubling
    4
    >>> serve(0.005); limit.limit  # no gain from 4: back to 2 and avoid congestion
    2
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["AdaptiveLimit"]


class AdaptiveLimit:
    """An AIMD controller of the concurrency limit; see the module docstring.

    Examples:
        >>> AdaptiveLimit(minimum=2, maximum=8).limit
        2
        >>> AdaptiveLimit(minimum=0)
        Traceback (most recent call last):
        ...
        ValueError: adaptive concurrency needs 1 <= minimum <= maximum, got minimum=0, maximum=256
    """

    __slots__ = (
        "_best",
        "_clock",
        "_count",
        "_slow_start",
        "_started",
        "decay",
        "decrease",
        "growth",
        "limit",
        "maximum",
        "minimum",
        "sample_rounds",
        "tolerance",
    )

    def __init__(
        self,
        *,
        minimum: int = 1,
        maximum: int = 256,
        clock: Callable[[], float] = time.monotonic,
        growth: float = 0.1,
        tolerance: float = 0.05,
        decrease: float = 0.9,
        decay: float = 0.01,
        sample_rounds: int = 3,
    ) -> None:
        if not 1 <= minimum <= maximum:
            raise ValueError(
                f"adaptive concurrency needs 1 <= minimum <= maximum, "
                f"got minimum={minimum}, maximum={maximum}"
            )
        self.minimum = minimum
        self.maximum = maximum
        self.growth = growth
        self.tolerance = tolerance
        self.decrease = decrease
        self.decay = decay
        self.sample_rounds = sample_rounds
        self.limit = minimum
        self._clock = clock
        self._slow_start = True
        self._best = 0.0
        self._count = 0
        self._started = clock()

    @property
    def sample_size(self) -> int:
        """Finished items one throughput sample needs at the current limit."""
        return max(8, self.sample_rounds * self.limit)

    def record(self) -> None:
        """Count one finished item; adjust :attr:`limit` when a sample is complete."""
        self._count += 1
        if self._count < self.sample_size:
            return
        now = self._clock()
        elapsed = now - self._started
        rate = self._count / elapsed if elapsed > 0 else float("inf")
        self._count, self._started = 0, now
        self._adjust(rate)

    def _adjust(self, rate: float) -> None:
        if self._slow_start:
            gained = rate >= self._best * (1 + self.growth)
            if gained and self.limit < self.maximum:
                self._best = rate
                self.limit = min(self.maximum, self.limit * 2)
                return
            self._slow_start = False
            if not gained:  # the last doubling did not pay: undo it
                self.limit = max(self.minimum, self.limit // 2)
            self._best = max(self._best, rate)
            return
        if rate < self._best * (1 - self.tolerance):
            self.limit = max(self.minimum, int(self.limit * self.decrease))
            # a loss also lowers the reference, so one lucky sample cannot pin the limit low
            self._best = max(rate, self._best * self.decrease)
        else:
            self.limit = min(self.maximum, self.limit + 1)
            self._best = max(rate, self._best * (1 - self.decay))
