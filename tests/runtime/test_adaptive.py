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


def serve_sample(server: FakeServer, controller: AdaptiveLimit, per_second: float) -> int:
    """Finish one sample's worth of items at ``per_second``; the limit after it."""
    for _ in range(controller.sample_size):
        server.now += 1 / per_second
        controller.record()
    return controller.limit


def settled_on_linear_server(maximum: int) -> tuple[FakeServer, AdaptiveLimit]:
    """A controller that reached ``maximum`` on a server with no queue (rate = 100 x limit)."""
    server = FakeServer(lambda limit: limit * 100.0)
    controller = AdaptiveLimit(maximum=maximum, clock=server.clock)
    server.run(controller, 2_000)
    assert controller.limit == maximum
    return server, controller


def test_one_slow_sample_is_smoothed_away() -> None:
    server, controller = settled_on_linear_server(16)
    assert serve_sample(server, controller, 16 * 100 * 0.7) == 16  # a 30 % dip: noise
    assert serve_sample(server, controller, 16 * 100) == 16


def test_the_sample_after_a_change_is_discarded() -> None:
    server = FakeServer(lambda limit: limit * 100.0)
    controller = AdaptiveLimit(maximum=64, clock=server.clock)
    assert serve_sample(server, controller, 100) == 2  # no queue at 1: double
    assert serve_sample(server, controller, 1) == 2  # cool-down: even a collapse is ignored
    assert serve_sample(server, controller, 200) == 4


def test_a_slower_service_is_measured_again_at_the_minimum() -> None:
    speed = [100.0]
    server = FakeServer(lambda limit: limit * speed[0])
    controller = AdaptiveLimit(maximum=16, clock=server.clock)
    server.run(controller, 2_000)
    speed[0] = 25.0  # every item now takes four times as long, at any limit
    seen = server.run(controller, 3_000)
    assert min(seen) == 1  # it looked like queueing, so the limit fell to the minimum
    assert seen[-1] == 16  # where the new service time was measured, and slow start resumed
