"""The AIMD controller of concurrency="auto", driven by a fake clock: no sleeping."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wumbo.runtime.adaptive import AdaptiveLimit


class FakeServer:
    """Finishes items at ``rate(limit)`` per second, advancing a fake clock."""

    def __init__(self, rate: Callable[[int], float]) -> None:
        self.rate = rate
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def run(self, controller: AdaptiveLimit, items: int) -> list[int]:
        """Finish ``items`` items; the limits seen after each one."""
        seen = []
        for _ in range(items):
            self.now += 1 / self.rate(controller.limit)
            controller.record()
            seen.append(controller.limit)
        return seen


def peaked(best: int) -> Callable[[int], float]:
    """Throughput grows with the limit up to ``best``, then falls 5 % per extra item."""
    return lambda limit: min(limit, best) * 100 / (1 + 0.05 * max(0, limit - best))


def test_finds_and_stays_near_the_sweet_spot() -> None:
    server = FakeServer(peaked(32))
    controller = AdaptiveLimit(maximum=256, clock=server.clock)
    seen = server.run(controller, 20_000)
    settled = seen[len(seen) // 2 :]
    assert min(settled) >= 24
    assert max(settled) <= 40
    rates = [server.rate(limit) for limit in settled]
    assert sum(rates) / len(rates) >= 0.9 * server.rate(32)


def test_stays_within_bounds() -> None:
    server = FakeServer(lambda limit: limit * 100.0)  # more is always better
    controller = AdaptiveLimit(minimum=2, maximum=16, clock=server.clock)
    seen = server.run(controller, 5_000)
    assert min(seen) >= 2
    assert max(seen) == 16


def test_backs_off_when_the_server_gets_slower() -> None:
    capacity = [32]
    server = FakeServer(lambda limit: peaked(capacity[0])(limit))
    controller = AdaptiveLimit(clock=server.clock)
    server.run(controller, 10_000)
    assert controller.limit >= 24
    capacity[0] = 8
    seen = server.run(controller, 10_000)
    assert max(seen[len(seen) // 2 :]) <= 14


def test_grows_when_the_server_gets_faster() -> None:
    capacity = [8]
    server = FakeServer(lambda limit: peaked(capacity[0])(limit))
    controller = AdaptiveLimit(clock=server.clock)
    server.run(controller, 5_000)
    assert controller.limit <= 14
    capacity[0] = 24
    seen = server.run(controller, 20_000)
    assert min(seen[-2_000:]) >= 16


def test_doubles_in_slow_start_then_undoes_a_doubling_that_did_not_pay() -> None:
    server = FakeServer(peaked(4))
    controller = AdaptiveLimit(clock=server.clock)
    seen = server.run(controller, 200)
    first = list(dict.fromkeys(seen))  # the limits in the order they were first used
    assert first[:4] == [1, 2, 4, 8]
    first_eight = seen.index(8)
    after_eight = next(limit for limit in seen[first_eight:] if limit != 8)
    assert after_eight == 4


def test_rejects_impossible_bounds() -> None:
    with pytest.raises(ValueError, match="1 <= minimum <= maximum"):
        AdaptiveLimit(minimum=10, maximum=5)
