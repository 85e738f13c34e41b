"""``concurrency="auto"``: tune the number of items in flight from measured throughput.

[`AdaptiveLimit`][wumbo.runtime.adaptive.AdaptiveLimit] is additive-increase / multiplicative-decrease (AIMD), steered by how
many items wait in a queue somewhere rather than by packet loss. It never times an item: it
counts finished items, and once a *sample* holds enough of them (``sample_rounds`` rounds of
the current limit, at least 16) it takes the sample's throughput, smooths it (an exponentially
weighted moving average over the samples at the current limit), and derives the latency of an
item from Little's law: ``latency = limit / throughput``. The lowest latency seen is the
service time with no queue, so ``limit - throughput * lowest latency`` estimates how many of
the items in flight are only *queued* (at a saturated server, in a full connection pool):

* **slow start**: double the limit while nothing queues; the first doubling that makes items
  queue is undone, and the controller moves on to avoidance;
* **avoidance**: add one while fewer than ``low`` items queue; multiply the limit by
  ``decrease`` when more than ``high`` do (``low`` and ``high`` are fractions of the limit, so
  the thresholds scale with the sample noise); hold it in between.

After every change the next sample is discarded (a cool-down: it mixes items started under the
old limit) and smoothing starts afresh. A limit below the server's capacity has no queue, so a
noisy sample cannot start a spiral of decreases. The run starts at ``minimum`` because the
service time must first be seen without a queue; slow start reaches a limit of ``n`` in about
``2 * log2(n)`` samples. When the server itself becomes slower, the old service time makes
every item look queued and the limit falls to ``minimum``; items still "queue" there, which
cannot be (nothing waits behind one item), so the controller takes the current latency as the
new service time and starts slow start again. The limit always stays within ``minimum`` .. ``maximum``, and the
clock is injectable, so the decisions are tested without sleeping.

Examples:
    >>> now = [0.0]
    >>> limit = AdaptiveLimit(minimum=1, maximum=64, clock=lambda: now[0])
    >>> def serve(per_second: float) -> None:  # one sample's worth of finished items
    ...     for _ in range(limit.sample_size):
    ...         now[0] += 1 / per_second
    ...         limit.record()
    >>> serve(100); limit.limit  # 100 items/s at 1 in flight: 10 ms each, nothing queues
    2
    >>> serve(200); limit.limit  # (cool-down: this sample started under the old limit)
    2
    >>> serve(200); limit.limit  # 2 in flight, twice the rate: still no queue, double
    4
    >>> serve(200); serve(200); limit.limit  # 4 in flight, no gain: 2 items queue, undo
    2
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AdaptiveLimit"]


@dataclass(slots=True, kw_only=True, eq=False)
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

    minimum: int = 1
    """The lowest limit, and the one a run starts at."""
    maximum: int = 256
    """The highest limit."""
    clock: Callable[[], float] = time.monotonic
    """Seconds, monotonic; injectable so the decisions are tested without sleeping."""
    low: float = 0.1
    """Fewer queued items than this fraction of the limit: add one."""
    high: float = 0.25
    """More queued items than this fraction of the limit: multiply the limit by ``decrease``."""
    decrease: float = 0.9
    smoothing: float = 0.5
    """Weight of the newest sample in the moving average of throughput."""
    sample_rounds: int = 2
    """A sample holds this many rounds of the limit's items (at least 16 items)."""
    limit: int = field(init=False)
    """The current limit."""
    _slow_start: bool = field(init=False, default=True)
    _cooling: bool = field(init=False, default=False)
    _smoothed: float | None = field(init=False, default=None)
    _base_latency: float | None = field(init=False, default=None)
    _count: int = field(init=False, default=0)
    _started: float = field(init=False)

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.maximum:
            raise ValueError(
                f"adaptive concurrency needs 1 <= minimum <= maximum, "
                f"got minimum={self.minimum}, maximum={self.maximum}"
            )
        self.limit = self.minimum
        self._started = self.clock()

    @property
    def sample_size(self) -> int:
        """Finished items one throughput sample needs at the current limit."""
        return max(16, self.sample_rounds * self.limit)

    def record(self) -> None:
        """Count one finished item; adjust `limit` when a sample is complete."""
        self._count += 1
        if self._count < self.sample_size:
            return
        now = self.clock()
        elapsed = now - self._started
        count, self._count, self._started = self._count, 0, now
        if elapsed <= 0:
            return  # a clock too coarse to time this sample: wait for the next one
        if self._cooling:
            self._cooling = False
            return
        rate = count / elapsed
        smoothed = self._smoothed
        if smoothed is not None:
            rate = self.smoothing * rate + (1 - self.smoothing) * smoothed
        self._smoothed = rate
        self._adjust(self._queued(rate))

    def _queued(self, rate: float) -> float:
        """How many of the items in flight wait in a queue, by Little's law."""
        latency = self.limit / rate
        base = self._base_latency
        if base is None or latency < base:
            self._base_latency = base = latency
        return self.limit - rate * base

    def _adjust(self, queued: float) -> None:
        limit = self.limit
        if self._slow_start:
            if queued < self.low * limit:
                self._set(limit * 2)
                return
            self._slow_start = False
            if queued > self.high * limit and limit > self.minimum:
                self._set(limit // 2)  # the last doubling made items queue: undo it
            return
        if queued > self.high * limit:
            if limit == self.minimum:  # the service time itself grew: measure it again
                self._base_latency, self._slow_start = None, True
                return
            self._set(min(limit - 1, int(limit * self.decrease)))
        elif queued < self.low * limit:
            self._set(limit + 1)

    def _set(self, limit: int) -> None:
        limit = max(self.minimum, min(self.maximum, limit))
        if limit != self.limit:
            self.limit = limit
            self._cooling = True
            self._smoothed = None
